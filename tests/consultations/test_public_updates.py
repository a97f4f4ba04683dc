"""The consultation page tells the public what changed and when, as GOV.UK does: first published,
closing date extended (with the reason), closed early, withdrawn, response published."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Consultation, ConsultationUpdate
from dhdigital.lib.time import govuk_datetime
from responses.models import Question
from tests.factories import PASSWORD, ConsultationFactory, datetime_boxes, edit_form_data, make_document

pytestmark = pytest.mark.django_db
LONG_REASON = (
    "Many organisations asked for more time because the consultation overlapped with the summer holidays, "
    "and the draft regulations were published three weeks late."
)


def _page(client, c) -> str:
    return client.get(f"/consultations/{c.slug}/").content.decode()


def test_an_extension_and_its_reason_are_shown_to_the_public(client, publisher, team):
    c = ConsultationFactory(team=team, kind="formal", state=Consultation.State.DRAFT, published_at=None)
    Question.objects.create(consultation=c, text="Do you agree with the proposal?")
    services.consultation_schedule(consultation=c, by=publisher)
    new_close = timezone.localtime(c.closes_at).replace(hour=23, minute=59, second=0, microsecond=0)
    new_close += timedelta(weeks=2)
    services.consultation_extend(consultation=c, by=publisher, closes_at=new_close, reason=LONG_REASON)
    html = _page(client, c)
    updates = html.split('id="updates"', 1)[1].split("</ol>", 1)[0]
    assert f"Closing date extended to {govuk_datetime(new_close)}. {LONG_REASON}" in updates
    assert "First published." in updates
    assert updates.index("Closing date extended") < updates.index("First published.")  # newest first
    assert "see all updates" in html and ">Published<" in html
    # the audit trail and the public note both keep all of it (a 100-character history field would
    # refuse it on PostgreSQL)
    c.refresh_from_db()
    assert len(LONG_REASON) > 100 and c.history.first().history_change_reason.endswith(LONG_REASON)
    field = type(c.history.first())._meta.get_field("history_change_reason")
    assert field.get_internal_type() == "TextField"
    assert ConsultationUpdate.objects.get(consultation=c, kind="extended").note.endswith(LONG_REASON)


def test_closing_early_and_withdrawing_are_shown_with_their_reasons(client, publisher, consultation):
    services.consultation_close_early(consultation=consultation, by=publisher, reason=LONG_REASON)
    services.consultation_withdraw(consultation=consultation, by=publisher, reason="Replaced by a new bill.")
    html = _page(client, consultation)
    assert "Closed early at " in html and LONG_REASON in html
    assert "Withdrawn. Replaced by a new bill." in html


def test_an_extension_with_a_long_reason_is_accepted_through_the_page(client, publisher, consultation):
    client.login(email=publisher.email, password=PASSWORD)
    later = timezone.localtime(consultation.closes_at) + timedelta(weeks=3)
    response = client.post(
        f"/staff/consultations/{consultation.slug}/extend/",
        {**datetime_boxes("closes_at", later), "reason": LONG_REASON * 3},
    )
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert timezone.localtime(consultation.closes_at).strftime("%Y-%m-%dT%H:%M") == later.strftime(
        "%Y-%m-%dT%H:%M"
    )


def test_a_draft_preview_has_no_updates(client, publisher, team):
    c = ConsultationFactory(team=team, state=Consultation.State.DRAFT, published_at=None)
    client.login(email=publisher.email, password=PASSWORD)
    html = client.get(f"/staff/consultations/{c.slug}/preview/").content.decode()
    assert 'id="updates"' not in html and ">Published<" not in html


def test_an_open_consultation_dates_cannot_be_changed_by_editing(client, publisher, consultation):
    make_document(consultation=consultation, clauses=1)
    client.login(email=publisher.email, password=PASSWORD)
    before = consultation.closes_at
    form = client.get(f"/staff/consultations/{consultation.slug}/edit/").content.decode()
    assert "Extend the closing date" in form
    data = edit_form_data(
        consultation, **datetime_boxes("closes_at", timezone.localtime() + timedelta(minutes=5))
    )
    assert client.post(f"/staff/consultations/{consultation.slug}/edit/", data).status_code == 302
    consultation.refresh_from_db()
    assert abs(consultation.closes_at - before) < timedelta(seconds=1)  # not moved to 5 minutes' time


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (23, 59, "11:59pm on 17 February 2027"),
        (9, 0, "9am on 17 February 2027"),
        (12, 0, "12pm (midday) on 17 February 2027"),
        (0, 0, "12am (midnight) on 17 February 2027"),
        (14, 5, "2:05pm on 17 February 2027"),
    ],
)
def test_dates_and_times_are_written_the_govuk_way(hour, minute, expected):
    moment = timezone.make_aware(timezone.datetime(2027, 2, 17, hour, minute))
    assert govuk_datetime(moment) == expected
