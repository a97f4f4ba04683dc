"""Issue 20, item 6: the minimum digital standard cannot be edited away. Every save of a scheduled or open
consultation re-runs the check and refuses a change that breaks it, naming the failure in the error
summary; a draft may be incomplete until it is scheduled."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Consultation
from consultations.standard import check_standard
from responses.models import Question
from tests.factories import PASSWORD, ConsultationFactory, datetime_boxes, edit_form_data, make_document

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(team):
    c = ConsultationFactory(team=team)
    make_document(consultation=c, clauses=1)
    return c


def _edit(client, publisher, c, **changes):
    client.login(email=publisher.email, password=PASSWORD)
    return client.post(f"/staff/consultations/{c.slug}/edit/", edit_form_data(c, **changes))


def _summary(response) -> str:
    html = response.content.decode()
    assert 'class="govuk-error-summary"' in html
    return html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"privacy_notice": ""}, "No privacy notice"),
        ({"contact_email": "", "contact_phone": ""}, "No contact details"),
        ({"contact_email": "", "postal_address": ""}, "No alternative way to respond"),
        ({"respond_online": None}, "People cannot respond online"),
    ],
)
def test_an_edit_that_breaks_the_standard_of_an_open_consultation_is_refused(
    client, publisher, live, changes, named
):
    before = {name: getattr(live, name) for name in changes}
    response = _edit(client, publisher, live, **changes)
    assert response.status_code == 200
    summary = _summary(response)
    assert f"Minimum digital standard: {named}." in summary
    live.refresh_from_db()
    assert {name: getattr(live, name) for name in changes} == before  # nothing saved


def test_a_failure_links_to_the_field_that_fixes_it(client, publisher, live):
    summary = _summary(_edit(client, publisher, live, privacy_notice=""))
    assert 'href="#id_privacy_notice"' in summary


def test_a_scheduled_consultation_cannot_lose_its_closing_date(client, publisher, team):
    c = ConsultationFactory(
        team=team,
        state=Consultation.State.SCHEDULED,
        opens_at=timezone.now() + timedelta(days=2),
        closes_at=timezone.now() + timedelta(weeks=13),
    )
    make_document(consultation=c, clauses=1)
    data = edit_form_data(c)
    for box in ("day", "month", "year", "time"):
        data.pop(f"closes_at_{box}")
    client.login(email=publisher.email, password=PASSWORD)
    response = client.post(f"/staff/consultations/{c.slug}/edit/", data)
    assert "Minimum digital standard: No closing date." in _summary(response)
    c.refresh_from_db()
    assert c.closes_at is not None


def test_an_edit_that_keeps_the_standard_is_saved(client, publisher, live):
    response = _edit(client, publisher, live, privacy_notice="A new privacy notice.")
    assert response.status_code == 302
    live.refresh_from_db()
    assert live.privacy_notice == "A new privacy notice."
    assert live.history.first().history_user == publisher


def test_a_draft_may_be_saved_incomplete(client, publisher, team):
    c = ConsultationFactory(team=team, state=Consultation.State.DRAFT, published_at=None)
    assert _edit(client, publisher, c, privacy_notice="", contact_email="").status_code == 302
    c.refresh_from_db()
    assert c.privacy_notice == ""


def test_the_service_refuses_too_whatever_calls_it(publisher, live):
    live.privacy_notice = ""
    with pytest.raises(services.StandardNotMet) as exc:
        services.consultation_save(consultation=live, by=publisher)
    assert [f.code for f in exc.value.failures] == ["no_privacy_notice"]
    live.refresh_from_db()
    assert live.privacy_notice


def test_a_formal_consultation_with_no_question_and_no_document_fails(team):
    c = ConsultationFactory(team=team, kind=Consultation.Kind.FORMAL)
    assert "no_way_to_respond" in {f.code for f in check_standard(c)}
    Question.objects.create(consultation=c, text="Do you agree?")
    assert "no_way_to_respond" not in {f.code for f in check_standard(c)}


def test_a_formal_consultation_with_a_document_and_no_question_passes(team):
    c = ConsultationFactory(team=team, kind=Consultation.Kind.FORMAL)
    make_document(consultation=c, clauses=1)
    assert check_standard(c) == []


def test_people_can_respond_online_is_part_of_the_standard(team):
    c = ConsultationFactory(team=team, respond_online=False)
    make_document(consultation=c, clauses=1)
    assert [f.code for f in check_standard(c)] == ["no_online_response"]


def test_the_create_form_asks_for_what_the_standard_needs(client, publisher):
    client.login(email=publisher.email, password=PASSWORD)
    html = client.get("/staff/consultations/new/").content.decode()
    for field in ("privacy_notice", "how_responses_used", "contact_email", "accessible_formats_email"):
        hint = html.split(f'id="id_{field}-hint"', 1)[1].split("</div>", 1)[0]
        assert "Needed before you can schedule the consultation." in hint
    # dates with the GOV.UK date input pattern: day, month, year boxes, then the time
    for box in ("day", "month", "year", "time"):
        assert f'name="closes_at_{box}"' in html
    assert 'type="datetime-local"' not in html


def test_dates_are_read_from_the_govuk_date_input_boxes(client, publisher, team):
    when = timezone.localtime() + timedelta(weeks=13)
    response = _edit(
        client,
        publisher,
        ConsultationFactory(team=team, state=Consultation.State.DRAFT, published_at=None),
        **{**datetime_boxes("closes_at", when), "closes_at_time": "5:30pm"},
    )
    assert response.status_code == 302
    c = Consultation.objects.get(state=Consultation.State.DRAFT)
    closes = timezone.localtime(c.closes_at)
    assert (closes.date(), closes.hour, closes.minute) == (when.date(), 17, 30)


def test_an_unreadable_time_gets_a_clear_message(client, publisher, team):
    c = ConsultationFactory(team=team, state=Consultation.State.DRAFT, published_at=None)
    response = _edit(client, publisher, c, closes_at_time="half past")
    assert "Enter a real date and a time, for example 27 3 2027 and 17:00" in _summary(response)
