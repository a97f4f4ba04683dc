"""Lifecycle services and the beat task: dates decide what is open, transitions are guarded."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import services
from consultations.models import Consultation
from consultations.standard import check_standard
from responses.models import Question
from tests.factories import ConsultationFactory, make_document

pytestmark = pytest.mark.django_db
State = Consultation.State


def test_phase_is_derived_from_dates_even_when_beat_is_late():
    c = ConsultationFactory(state=State.OPEN, closes_at=timezone.now() - timedelta(minutes=1))
    assert c.state == State.OPEN
    assert c.phase() == "closed"
    assert not c.is_open()


def test_scheduled_consultation_is_open_once_its_opening_time_passes_without_beat():
    c = ConsultationFactory(state=State.SCHEDULED, opens_at=timezone.now() - timedelta(seconds=5))
    assert c.is_open()


def test_upcoming_consultation_is_not_open():
    c = ConsultationFactory(state=State.SCHEDULED, opens_at=timezone.now() + timedelta(days=1))
    assert c.phase() == "upcoming"
    assert not c.is_open()


def test_transition_due_opens_and_closes_on_time_and_is_idempotent():
    now = timezone.now()
    due = ConsultationFactory(state=State.SCHEDULED, opens_at=now - timedelta(minutes=1))
    ending = ConsultationFactory(
        state=State.OPEN, opens_at=now - timedelta(weeks=13), closes_at=now - timedelta(seconds=1)
    )
    later = ConsultationFactory(state=State.SCHEDULED, opens_at=now + timedelta(days=2))
    assert services.consultations_transition_due(now=now) == {"opened": 1, "closed": 1}
    assert services.consultations_transition_due(now=now) == {"opened": 0, "closed": 0}
    due.refresh_from_db(), ending.refresh_from_db(), later.refresh_from_db()
    assert (due.state, ending.state, later.state) == (State.OPEN, State.CLOSED, State.SCHEDULED)
    assert ending.history.first().history_change_reason == "closed on schedule"


def test_transition_task_runs_through_celery():
    from consultations.tasks import consultations_transition_due

    ConsultationFactory(state=State.OPEN, closes_at=timezone.now() - timedelta(seconds=1))
    assert consultations_transition_due.delay().get() == {"opened": 0, "closed": 1}


def test_schedule_refuses_when_the_standard_is_not_met_and_saves_nothing(publisher, team):
    c = ConsultationFactory(team=team, state=State.DRAFT, summary="", privacy_notice="", published_at=None)
    with pytest.raises(services.StandardNotMet) as exc:
        services.consultation_schedule(consultation=c, by=publisher)
    codes = {f.code for f in exc.value.failures}
    assert {"no_summary", "no_privacy_notice", "no_document"} <= codes
    c.refresh_from_db()
    assert c.state == State.DRAFT and c.published_at is None


def test_schedule_publishes_documents_and_future_consultation_is_scheduled(publisher, team):
    c = ConsultationFactory(
        team=team,
        state=State.DRAFT,
        opens_at=timezone.now() + timedelta(days=1),
        closes_at=timezone.now() + timedelta(weeks=13),
        published_at=None,
    )
    doc = make_document(consultation=c, clauses=2)
    doc.state = doc.State.DRAFT
    doc.save()
    services.consultation_schedule(consultation=c, by=publisher)
    c.refresh_from_db(), doc.refresh_from_db()
    assert c.state == State.SCHEDULED and c.published_at is not None
    assert doc.state == doc.State.PUBLISHED


def test_standard_names_short_period_without_reason_and_accepts_it_with_one():
    c = ConsultationFactory(
        opens_at=timezone.now(), closes_at=timezone.now() + timedelta(weeks=6), kind=Consultation.Kind.FORMAL
    )
    Question.objects.create(consultation=c, text="Do you agree?")
    assert [f.title for f in check_standard(c)] == ["Shorter than 12 weeks without a reason"]
    c.short_period_reason = "Statutory deadline set by the Act."
    assert check_standard(c) == []


def test_standard_names_every_missing_piece():
    c = ConsultationFactory.build(
        kind=Consultation.Kind.FORMAL,
        summary="",
        opens_at=None,
        closes_at=None,
        privacy_notice="",
        how_responses_used="",
        contact_email="",
        contact_phone="",
        postal_address="",
        accessible_formats_email="",
    )
    titles = {f.title for f in check_standard(c)}
    assert titles == {
        "No summary",
        "No opening date",
        "No closing date",
        "No privacy notice",
        "No statement of how responses will be used",
        "No contact details",
        "No alternative way to respond",
        "No accessible format on request",
        "Nothing to respond to",
    }


def test_close_early_needs_a_reason_and_sets_closing_time(publisher, consultation):
    with pytest.raises(ValidationError):
        services.consultation_close_early(consultation=consultation, by=publisher, reason="  ")
    services.consultation_close_early(
        consultation=consultation, by=publisher, reason="Bill timetable changed"
    )
    consultation.refresh_from_db()
    assert consultation.state == State.CLOSED and consultation.closes_at <= timezone.now()
    assert not consultation.is_open()


def test_extend_must_move_closing_date_later(publisher, consultation):
    with pytest.raises(ValidationError):
        services.consultation_extend(
            consultation=consultation,
            by=publisher,
            closes_at=consultation.closes_at - timedelta(days=1),
            reason="More time",
        )
    new = consultation.closes_at + timedelta(weeks=2)
    services.consultation_extend(consultation=consultation, by=publisher, closes_at=new, reason="More time")
    consultation.refresh_from_db()
    assert consultation.closes_at == new


def test_withdraw_records_reason_and_blocks_further_transitions(publisher, consultation):
    services.consultation_withdraw(
        consultation=consultation, by=publisher, reason="Policy overtaken by events"
    )
    consultation.refresh_from_db()
    assert (
        consultation.phase() == "withdrawn" and consultation.withdrawn_reason == "Policy overtaken by events"
    )
    with pytest.raises(ValidationError):
        services.consultation_close_early(consultation=consultation, by=publisher, reason="x")


def test_conclude_only_after_close(publisher, consultation):
    with pytest.raises(ValidationError):
        services.consultation_conclude(
            consultation=consultation, by=publisher, outcome_summary="x", outcome_body=""
        )
    consultation.closes_at = timezone.now() - timedelta(seconds=1)
    consultation.save()
    services.consultation_conclude(
        consultation=consultation, by=publisher, outcome_summary="We changed clause 3.", outcome_body=""
    )
    consultation.refresh_from_db()
    assert consultation.state == State.CONCLUDED and consultation.outcome_published_at


def test_response_due_defaults_to_twelve_weeks_after_closing(consultation):
    expected = (timezone.localtime(consultation.closes_at) + timedelta(weeks=12)).date()
    assert consultation.response_due_date == expected
