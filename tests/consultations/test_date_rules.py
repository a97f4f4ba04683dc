"""One date rule: a consultation's phase() and the open_now/upcoming/closed lists agree, also for a
published consultation missing a date (an upcoming one whose closing date was cleared), and saving an
edit (the edit form's path) keeps both dates of a published consultation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Consultation
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db
State = Consultation.State
DAY = timedelta(days=1)

# (state, opens_at, closes_at) relative to now, in days; None: no date
CASES = [
    (State.SCHEDULED, 1, 30),
    (State.SCHEDULED, -1, 30),
    (State.OPEN, -10, -1),
    (State.SCHEDULED, 1, None),  # upcoming, closing date cleared ...
    (State.SCHEDULED, -1, None),  # ... and its opening time has passed
    (State.OPEN, -1, None),
    (State.SCHEDULED, None, 30),
    (State.SCHEDULED, None, -1),
    (State.SCHEDULED, None, None),
    (State.CLOSED, -10, 5),
]


@pytest.mark.parametrize(("state", "opens", "closes"), CASES)
def test_phase_and_the_lists_agree_whatever_dates_are_missing(state, opens, closes, team):
    now = timezone.now()
    c = ConsultationFactory(
        team=team,
        state=state,
        opens_at=None if opens is None else now + opens * DAY,
        closes_at=None if closes is None else now + closes * DAY,
    )
    listed = {
        name
        for name in ("open_now", "upcoming", "closed")
        if getattr(Consultation.objects, name)(now).filter(pk=c.pk).exists()
    }
    assert listed == {{"open": "open_now"}.get(c.phase(now), c.phase(now))}


@pytest.mark.parametrize("date", ["opens_at", "closes_at"])
def test_saving_an_upcoming_consultation_without_a_date_is_refused(publisher, team, date):
    """The edit form saves through consultation_save, whose standard check keeps both dates of a
    published consultation, so the case above cannot be made from the staff pages."""
    now = timezone.now()
    c = ConsultationFactory(team=team, state=State.SCHEDULED, opens_at=now + DAY, closes_at=now + 90 * DAY)
    setattr(c, date, None)
    with pytest.raises(services.StandardNotMet):
        services.consultation_save(consultation=c, by=publisher)
    c.refresh_from_db()
    assert c.opens_at is not None and c.closes_at is not None and c.phase() == "upcoming"
