"""Issue 20, item 2: a signed-in person's activity page lists their comments (a rejected one with the house
rule and how to appeal), responses (receipt reference, "view or change"), ideas, votes, follows with "stop
following", and their notices; nobody else's."""

from __future__ import annotations

import pytest

from comments.models import Comment, Subscription
from consultations.models import Consultation
from notices.models import Event, Notice
from responses.models import Idea, IdeaVote, Response
from tests.factories import ConsultationFactory

from .conftest import comment_on

pytestmark = pytest.mark.django_db


def test_the_activity_page_needs_sign_in(client):
    response = client.get("/activity/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_lists_everything_a_person_did_and_was_told(
    client, citizen, other_citizen, consultation, clause, team
):
    comment_on(citizen, clause, body="Published words")
    rejected = comment_on(citizen, clause, body="Rejected words", status=Comment.Status.REJECTED)
    Comment.objects.filter(pk=rejected.pk).update(moderation_reason="on_topic")
    comment_on(other_citizen, clause, body="Someone else's words")
    response = Response.objects.create(
        consultation=consultation, respondent=citizen, status=Response.Status.SUBMITTED
    )
    ideas = ConsultationFactory(team=team, kind=Consultation.Kind.IDEAS, slug="ideas")
    Idea.objects.create(consultation=ideas, author=citizen, title="My own idea", description="x")
    theirs = Idea.objects.create(
        consultation=ideas, author=other_citizen, title="Their idea", description="y"
    )
    IdeaVote.objects.create(idea=theirs, user=citizen, value=IdeaVote.UP)
    Subscription.objects.create(user=citizen, kind="section", section=clause)
    event = Event.objects.create(kind="closed", key="closed:x", consultation=consultation)
    Notice.objects.create(
        user=citizen,
        event=event,
        title="It has closed",
        body="Thanks",
        links=[{"text": "Read", "url": "/x/"}],
    )
    Notice.objects.create(user=other_citizen, event=event, title="Not for you", body="")

    client.force_login(citizen)
    html = client.get("/activity/").content.decode()
    assert "Published words" in html and "Rejected words" in html
    assert "Someone else" not in html and "Not for you" not in html
    assert "Stay on topic" in html and "/comments/house-rules/#rule-on_topic" in html
    assert f"/comments/{rejected.pk}/appeal/" in html
    assert response.reference in html and "View or change" in html
    assert f"/responses/{consultation.slug}/respond/check/" in html
    assert "My own idea" in html and "You voted for" in html and "Their idea" in html
    assert "Stop following" in html and clause.label in html
    assert "It has closed" in html and 'href="/x/"' in html


def test_stop_following_from_the_activity_page(client, citizen, other_citizen, clause):
    mine = Subscription.objects.create(user=citizen, kind="section", section=clause)
    theirs = Subscription.objects.create(user=other_citizen, kind="section", section=clause)
    client.force_login(citizen)
    assert client.post(f"/activity/follows/{theirs.pk}/stop/").status_code == 404
    assert client.post(f"/activity/follows/{mine.pk}/stop/").status_code == 302
    mine.refresh_from_db(), theirs.refresh_from_db()
    assert (mine.active, theirs.active) == (False, True)


def test_the_email_choice_is_saved(client, citizen):
    client.force_login(citizen)
    assert client.post("/activity/", {"email": "daily"}).status_code == 302
    assert citizen.notice_preference.email == "daily"
    response = client.post("/activity/", {"email": "hourly"})
    assert "Select a valid choice" in response.content.decode()


def test_the_home_page_does_not_ask_a_signed_in_person_to_create_an_account(client, citizen):
    assert "create an account" in client.get("/").content.decode()
    client.force_login(citizen)
    html = client.get("/").content.decode()
    assert "create an account" not in html and "/activity/" in html


def test_notices_and_email_alerts_are_in_the_data_download_and_go_with_the_account(
    citizen, consultation, team
):
    from dhdigital.accounts.privacy import account_erase, personal_data_export
    from notices.models import Bulletin, Mute, Preference

    event = Event.objects.create(kind="closed", key="closed:y", consultation=consultation)
    Notice.objects.create(user=citizen, event=event, title="It has closed")
    Preference.objects.create(user=citizen, email="daily")
    Mute.objects.create(user=citizen, consultation=consultation)
    Bulletin.objects.create(email=citizen.email, team=team)
    Bulletin.objects.create(email="someone.else@example.org", team=team)
    export = personal_data_export(user=citizen)
    assert export["records"]["notices.Notice"]["user"][0]["title"] == "It has closed"
    assert [b["email"] for b in export["email_alerts"]] == [citizen.email]
    account_erase(user=citizen)
    assert not Notice.objects.filter(user=citizen).exists()
    assert not Preference.objects.exists() and not Mute.objects.exists()
    assert list(Bulletin.objects.values_list("email", flat=True)) == ["someone.else@example.org"]
