"""Every role against every lifecycle state, for the public pages and the publishing pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.models import Consultation
from tests.factories import PASSWORD, ConsultationFactory, make_document

pytestmark = pytest.mark.django_db
State = Consultation.State
ROLES = ["anonymous", "citizen", "outsider_official", "moderator", "analyst", "publisher", "superuser"]
TEAM = {"moderator", "analyst", "publisher", "superuser"}
STATES = ["draft", "upcoming", "open", "closed", "concluded", "withdrawn"]


def make_in_state(team, state: str) -> Consultation:
    now = timezone.now()
    fields = {"team": team}
    if state == "draft":
        fields.update(state=State.DRAFT, published_at=None)
    elif state == "upcoming":
        fields.update(
            state=State.SCHEDULED, opens_at=now + timedelta(days=3), closes_at=now + timedelta(weeks=14)
        )
    elif state == "open":
        fields.update(state=State.OPEN)
    elif state == "closed":
        fields.update(
            state=State.CLOSED, opens_at=now - timedelta(weeks=13), closes_at=now - timedelta(days=1)
        )
    elif state == "concluded":
        fields.update(
            state=State.CONCLUDED,
            opens_at=now - timedelta(weeks=13),
            closes_at=now - timedelta(days=1),
            outcome_summary="We listened.",
            outcome_published_at=now,
        )
    elif state == "withdrawn":
        fields.update(state=State.WITHDRAWN, withdrawn_reason="Superseded", withdrawn_at=now)
    c = ConsultationFactory(**fields)
    doc = make_document(consultation=c, clauses=2)
    if state == "draft":
        doc.state = doc.State.DRAFT
        doc.save()
    return c


@pytest.fixture
def as_role(request, client):
    def _login(role: str):
        if role != "anonymous":
            user = request.getfixturevalue(role)
            assert client.login(email=user.email, password=PASSWORD)
        return client

    return _login


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_public_pages_hide_drafts_from_everyone_outside_the_team(role, state, as_role, team):
    c = make_in_state(team, state)
    client = as_role(role)
    expected = 200 if (state != "draft" or role in TEAM) else 404
    for url in (
        f"/consultations/{c.slug}/",
        f"/consultations/{c.slug}/draft-bill/",
        f"/consultations/{c.slug}/draft-bill/clause-1/",
    ):
        assert client.get(url).status_code == expected, url
    listed = c.title in client.get("/consultations/").content.decode()
    assert listed == (state != "draft")


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_staff_manage_page_is_for_the_team_only(role, state, as_role, team):
    c = make_in_state(team, state)
    response = as_role(role).get(f"/staff/consultations/{c.slug}/")
    if role == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif role in TEAM:
        assert response.status_code == 200
    else:
        assert response.status_code == (404 if state == "draft" else 403)


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
def test_only_publishers_edit_and_only_before_conclusion(role, state, as_role, team):
    c = make_in_state(team, state)
    response = as_role(role).post(f"/staff/consultations/{c.slug}/edit/", {"title": "Hijacked"})
    if role == "anonymous":
        assert response.status_code == 302
    elif role in {"publisher", "superuser"}:
        assert response.status_code == (403 if state in {"concluded", "withdrawn"} else 200)
    elif role in TEAM:
        assert response.status_code == 403
    else:
        assert response.status_code == (404 if state == "draft" else 403)
    c.refresh_from_db()
    assert c.title != "Hijacked"


@pytest.mark.parametrize("role", ROLES)
def test_only_publishers_can_withdraw(role, as_role, team):
    c = make_in_state(team, "open")
    response = as_role(role).post(f"/staff/consultations/{c.slug}/withdraw/", {"reason": "Testing"})
    c.refresh_from_db()
    if role in {"publisher", "superuser"}:
        assert response.status_code == 302 and c.state == State.WITHDRAWN
    else:
        assert response.status_code in {302, 403} and c.state == State.OPEN


def test_draft_document_of_a_published_consultation_is_hidden_from_the_public(client, team, publisher):
    c = make_in_state(team, "open")
    c.documents.update(state="draft")
    assert client.get(f"/consultations/{c.slug}/draft-bill/").status_code == 404
    client.login(email=publisher.email, password=PASSWORD)
    assert client.get(f"/consultations/{c.slug}/draft-bill/").status_code == 200


def test_invited_only_consultation_is_not_public(client, team):
    c = make_in_state(team, "open")
    c.visibility = Consultation.Visibility.INVITED
    c.save()
    assert client.get(f"/consultations/{c.slug}/").status_code == 404
    assert c.title not in client.get("/consultations/").content.decode()
