"""Issue 20, item 7: ideas are moderated like comments. A pre-moderated consultation holds new ideas until a
moderator publishes them; nobody votes on their own idea; the ranking is explained in plain words."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from consultations.models import Consultation
from responses import ideas
from responses.models import Idea
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise(team):
    return ConsultationFactory(team=team, kind=Consultation.Kind.IDEAS, slug="ideas")


def test_a_pre_moderated_exercise_holds_a_new_idea_until_a_moderator_publishes_it(
    client, exercise, citizen, other_citizen, moderator
):
    Consultation.objects.filter(pk=exercise.pk).update(moderation_mode=Consultation.Moderation.PRE)
    exercise.refresh_from_db()
    client.force_login(citizen)
    response = client.post(
        f"/responses/{exercise.slug}/ideas/new/",
        {"title": "Open the library on Sundays", "description": "Many people work all week."},
        follow=True,
    )
    idea = Idea.objects.get()
    assert idea.status == Idea.Status.PENDING
    assert "will appear once a moderator has checked it" in response.content.decode()
    assert client.get(idea.get_absolute_url()).status_code == 200  # its author sees it
    client.force_login(other_citizen)
    assert client.get(idea.get_absolute_url()).status_code == 404
    assert "Open the library" not in client.get(f"/responses/{exercise.slug}/ideas/").content.decode()
    with pytest.raises(ValidationError):
        ideas.idea_vote(idea=idea, user=other_citizen, value=1)
    ideas.idea_set_status(idea=idea, by=moderator, status=Idea.Status.NEW)
    assert "Open the library" in client.get(f"/responses/{exercise.slug}/ideas/").content.decode()


def test_a_post_moderated_exercise_publishes_at_once(exercise, citizen):
    idea = ideas.idea_create(
        consultation=exercise, author=citizen, title="Benches", description="More benches"
    )
    assert idea.status == Idea.Status.NEW


def test_nobody_votes_on_their_own_idea(client, exercise, citizen):
    idea = Idea.objects.create(consultation=exercise, author=citizen, title="Benches", description="x")
    with pytest.raises(ValidationError, match="You cannot vote on your own idea"):
        ideas.idea_vote(idea=idea, user=citizen, value=1)
    client.force_login(citizen)
    html = client.get(idea.get_absolute_url()).content.decode()
    assert "This is your idea: you cannot vote on it." in html and "Vote for" not in html
    client.post(f"/responses/{exercise.slug}/ideas/{idea.pk}/vote/", {"value": "1"})
    idea.refresh_from_db()
    assert idea.up_votes == 0


def test_the_ranking_is_explained_in_plain_words(client, exercise):
    html = client.get(f"/responses/{exercise.slug}/ideas/").content.decode()
    assert "How “Most supported” works" in html
    assert "9 votes for out of 10 ranks above 2 out of 2" in html
    assert "Wilson" not in html
