"""Every role against every lifecycle state for each publishing action: import, check, preview,
schedule, open now, close early, extend and withdraw. Only the team's publishers (and superusers) move a
consultation, and only along the lifecycle; a refused action changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.consultations.test_permissions import ROLES, STATES, TEAM, make_in_state
from tests.factories import PASSWORD, datetime_boxes

pytestmark = pytest.mark.django_db
PUBLISHERS = {"publisher", "superuser"}

# state -> action -> the state a publisher's POST leads to (the same state: refused)
MOVES = {
    "draft": {
        "schedule": "open",
        "open-now": "open",
        "close": "draft",
        "extend": "draft",
        "withdraw": "draft",
    },
    "upcoming": {
        "schedule": "scheduled",
        "open-now": "open",
        "close": "scheduled",
        "extend": "scheduled",
        "withdraw": "withdrawn",
    },
    "open": {
        "schedule": "open",
        "open-now": "open",
        "close": "closed",
        "extend": "open",
        "withdraw": "withdrawn",
    },
    "closed": {
        "schedule": "closed",
        "open-now": "closed",
        "close": "closed",
        "extend": "closed",
        "withdraw": "withdrawn",
    },
    "concluded": dict.fromkeys(["schedule", "open-now", "close", "extend", "withdraw"], "concluded"),
    "withdrawn": dict.fromkeys(["schedule", "open-now", "close", "extend", "withdraw"], "withdrawn"),
}
EXTENDS = {"upcoming", "open"}  # where a publisher's extension moves the closing date


@pytest.fixture
def as_role(request, client):
    def _login(role: str):
        if role != "anonymous":
            user = request.getfixturevalue(role)
            assert client.login(email=user.email, password=PASSWORD)
        return client

    return _login


def _data(action: str, consultation) -> dict:
    if action == "extend":
        # Noon: a local time two weeks on from any hour may fall in a clock change's missing hour.
        later = (timezone.localtime(consultation.closes_at) + timedelta(weeks=2)).replace(hour=12, minute=0)
        return {**datetime_boxes("closes_at", later), "reason": "More time for responses"}
    if action in ("close", "withdraw"):
        return {"reason": "The policy has changed"}
    return {}


def _refusal(role: str, state: str) -> int:
    """What someone who may not act gets: 404 where they may not even see the consultation."""
    return 404 if (state == "draft" and role not in TEAM) else 403


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_lifecycle_actions_by_role_and_state(role, state, as_role, team):
    client = as_role(role)
    for action, expected in MOVES[state].items():
        c = make_in_state(team, state)
        before = (c.state, c.closes_at)
        response = client.post(f"/staff/consultations/{c.slug}/{action}/", _data(action, c))
        c.refresh_from_db()
        if role in PUBLISHERS:
            assert c.state == expected, (action, response.status_code)
            moved = action == "extend" and state in EXTENDS
            assert (c.closes_at > before[1]) == moved, action
            if c.state == before[0] and not moved:
                # refused: the publisher is told why, on the form or on the manage page
                assert response.status_code in (200, 302), action
        else:
            assert (c.state, c.closes_at) == before, action
            if role == "anonymous":
                assert response.status_code == 302 and "/accounts/login/" in response["Location"]
            else:
                assert response.status_code == _refusal(role, state), action


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_import_check_and_preview_pages_by_role_and_state(role, state, as_role, team):
    c = make_in_state(team, state)
    client = as_role(role)
    pages = {
        "import": 200 if (role in PUBLISHERS and state in ("draft", "upcoming")) else 403,
        "check": 200,
        "preview": 200,
    }
    for page, team_status in pages.items():
        response = client.get(f"/staff/consultations/{c.slug}/{page}/")
        if role == "anonymous":
            assert response.status_code == 302, page
        elif role in TEAM:
            expected = team_status if (page != "import" or role in PUBLISHERS) else 403
            assert response.status_code == expected, page
        else:
            assert response.status_code == _refusal(role, state), page


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ["moderator", "analyst", "outsider_official", "citizen"])
def test_only_publishers_can_import_a_document(role, state, as_role, team, shared_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = make_in_state(team, state)
    before = c.documents.count()
    xml = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    response = as_role(role).post(
        f"/staff/consultations/{c.slug}/import/", {"file": SimpleUploadedFile("saf.xml", xml), "format": ""}
    )
    assert response.status_code == _refusal(role, state)
    assert c.documents.count() == before
