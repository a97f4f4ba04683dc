"""Appeals and sanctions through the API: the moderation pages' services and rules, the team's
moderators only, bad input a 400 that changes nothing."""

from __future__ import annotations

import pytest

from comments import moderation, services
from comments.demo import polis_comments
from comments.models import Appeal, Comment, Sanction
from consultations.models import Section

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def texts():
    return [c["body"] for c in polis_comments() if len(c["body"]) > 60][:4]


@pytest.fixture
def rejected(document, citizen, moderator, texts):
    clause = Section.objects.get(document=document, anchor="clause-1")
    document.consultation.moderation_mode = "pre"
    document.consultation.save()
    comment = services.comment_create(
        author=citizen, consultation=document.consultation, document=document, section=clause, body=texts[0]
    )
    moderation.comment_moderate(comment=comment, by=moderator, decision="reject", reason="on_topic")
    appeal = services.appeal_create(comment=comment, user=citizen, text=texts[1])
    return comment, appeal


def url(consultation, what: str) -> str:
    return f"/api/v1/staff/consultations/{consultation.slug}/{what}"


def test_a_moderator_lists_open_appeals_and_upholds_one(api, api_as, moderator, consultation, rejected):
    comment, appeal = rejected
    client = api_as(moderator)
    listed = client.get(url(consultation, "appeals/"), {"state": "open"}).json()["results"]
    assert [(a["id"], a["comment"], a["comment_status"]) for a in listed] == [
        (appeal.pk, comment.pk, "rejected")
    ]
    decided = client.post(url(consultation, f"appeals/{appeal.pk}/decide/"), {"uphold": True}, format="json")
    assert decided.status_code == 200 and decided.json()["state"] == "upheld"
    comment.refresh_from_db()
    assert comment.status == "published"
    assert comment.pk in {c["id"] for c in api.get("/api/v1/comments/").json()["results"]}
    again = client.post(url(consultation, f"appeals/{appeal.pk}/decide/"), {"uphold": False}, format="json")
    assert again.status_code == 400 and "already been decided" in again.json()["error"]["message"]


def test_a_moderator_suspends_a_commenter_by_the_id_in_the_staff_list(
    api_as, moderator, consultation, citizen, rejected
):
    client = api_as(moderator)
    staff = client.get(url(consultation, "comments/")).json()["results"]
    author = staff[0]["author_id"]
    assert author == citizen.pk
    refused = client.post(url(consultation, "sanctions/"), {"user": author, "kind": "ban"}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()["error"]["fields"]
    no_days = client.post(
        url(consultation, "sanctions/"), {"user": author, "kind": "suspend", "reason": "civil"}, format="json"
    )
    assert no_days.status_code == 400 and "days" in no_days.json()["error"]["fields"]
    citizen.refresh_from_db()
    assert citizen.status == "active" and not Sanction.objects.exists()
    made = client.post(
        url(consultation, "sanctions/"),
        {"user": author, "kind": "suspend", "reason": "civil", "days": 7, "note": "Second warning"},
        format="json",
    )
    assert made.status_code == 201 and made.json()["kind"] == "suspend" and made.json()["until"]
    citizen.refresh_from_db()
    assert citizen.status == "suspended"
    assert [s["kind"] for s in client.get(url(consultation, "sanctions/")).json()["results"]] == ["suspend"]


def test_someone_who_has_not_commented_here_or_an_official_cannot_be_sanctioned(
    api_as, moderator, analyst, other_citizen, consultation, rejected
):
    client = api_as(moderator)
    stranger = client.post(
        url(consultation, "sanctions/"),
        {"user": other_citizen.pk, "kind": "ban", "reason": "civil"},
        format="json",
    )
    assert stranger.status_code == 400 and "user" in stranger.json()["error"]["fields"]
    Comment.objects.create(
        consultation=consultation, author=analyst, body="Official note.", status="published"
    )
    official = client.post(
        url(consultation, "sanctions/"), {"user": analyst.pk, "kind": "ban", "reason": "civil"}, format="json"
    )
    assert official.status_code == 400 and "Officials" in official.json()["error"]["message"]
    assert not Sanction.objects.exists()


@pytest.mark.parametrize("persona", ["analyst", "outsider_official", "citizen"])
def test_only_the_teams_moderators_reach_appeals_and_sanctions(
    request, api_as, persona, consultation, citizen, rejected
):
    _, appeal = rejected
    client = api_as(request.getfixturevalue(persona))
    codes = [
        client.get(url(consultation, "appeals/")).status_code,
        client.post(
            url(consultation, f"appeals/{appeal.pk}/decide/"), {"uphold": True}, format="json"
        ).status_code,
        client.get(url(consultation, "sanctions/")).status_code,
        client.post(
            url(consultation, "sanctions/"),
            {"user": citizen.pk, "kind": "ban", "reason": "civil"},
            format="json",
        ).status_code,
    ]
    assert codes == [403, 403, 403, 403]
    appeal.refresh_from_db()
    citizen.refresh_from_db()
    assert appeal.state == Appeal.State.OPEN and citizen.status == "active"
