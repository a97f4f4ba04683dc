"""Issue 20, item 7: readers can report an idea, as they report a comment; it goes into the moderation
queue until a moderator hides it (reports upheld) or keeps it (reports dismissed)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from consultations.models import Consultation
from responses import ideas
from responses.models import Idea, IdeaFlag
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exercise(team):
    return ConsultationFactory(team=team, kind=Consultation.Kind.IDEAS, slug="ideas")


@pytest.fixture
def idea(exercise, citizen):
    return ideas.idea_create(
        consultation=exercise, author=citizen, title="Open the library on Sundays", description="Many work."
    )


def test_a_reader_reports_an_idea_and_it_waits_in_the_moderation_queue(
    client, exercise, idea, other_citizen, moderator
):
    client.force_login(other_citizen)
    page = client.get(idea.get_absolute_url()).content.decode()
    report_url = f"/responses/{exercise.slug}/ideas/{idea.pk}/report/"
    assert f'href="{report_url}"' in page
    response = client.post(report_url, {"reason": "spam", "note": "An advert."}, follow=True)
    assert "A moderator will check it" in response.content.decode()
    flag = IdeaFlag.objects.get()
    assert (flag.idea, flag.user, flag.reason, flag.note, flag.resolution) == (
        idea,
        other_citizen,
        "spam",
        "An advert.",
        "",
    )
    client.force_login(moderator)
    queue = client.get(f"/comments/staff/{exercise.slug}/moderation/").content.decode()
    assert "1 reported by readers" in queue
    listing = client.get(f"/responses/staff/{exercise.slug}/ideas/").content.decode()
    assert "Reported ideas to check (1)" in listing and "1 report" in listing
    detail = client.get(f"/responses/staff/{exercise.slug}/ideas/{idea.pk}/").content.decode()
    assert "Reported by 1 reader" in detail and "Spam or advertising: “An advert.”" in detail


def test_hiding_the_idea_upholds_its_reports(exercise, idea, other_citizen, moderator):
    third = UserFactory(email="third@example.org")
    ideas.idea_flag(idea=idea, user=other_citizen, reason="offensive")
    ideas.idea_flag(idea=idea, user=third, reason="spam")
    ideas.idea_set_status(idea=idea, by=moderator, status=Idea.Status.HIDDEN)
    assert set(IdeaFlag.objects.values_list("resolution", "resolved_by")) == {("upheld", moderator.pk)}


def test_dismissing_keeps_the_idea_and_empties_the_queue(client, exercise, idea, other_citizen, moderator):
    ideas.idea_flag(idea=idea, user=other_citizen, reason="off_topic")
    client.force_login(moderator)
    staff_url = f"/responses/staff/{exercise.slug}/ideas/{idea.pk}/"
    response = client.post(staff_url, {"dismiss_reports": "1"}, follow=True)
    assert "1 report dismissed" in response.content.decode()
    assert IdeaFlag.objects.get().resolution == "dismissed"
    assert Idea.objects.get(pk=idea.pk).status == Idea.Status.NEW
    assert (
        "Reported ideas to check"
        not in client.get(f"/responses/staff/{exercise.slug}/ideas/").content.decode()
    )


def test_one_report_each_and_not_ones_own(exercise, idea, citizen, other_citizen):
    ideas.idea_flag(idea=idea, user=other_citizen, reason="spam")
    ideas.idea_flag(idea=idea, user=other_citizen, reason="offensive")
    assert list(IdeaFlag.objects.values_list("reason", flat=True)) == ["offensive"]
    with pytest.raises(ValidationError):
        ideas.idea_flag(idea=idea, user=citizen, reason="spam")
    assert IdeaFlag.objects.count() == 1


def test_a_report_needs_a_reason_and_nothing_is_saved_without_one(client, exercise, idea, other_citizen):
    client.force_login(other_citizen)
    response = client.post(f"/responses/{exercise.slug}/ideas/{idea.pk}/report/", {"reason": ""})
    assert response.status_code == 400
    assert "Select why you are reporting this idea" in response.content.decode()
    assert not IdeaFlag.objects.exists()


def test_who_cannot_report(client, exercise, idea, unverified_citizen, other_citizen, moderator):
    report_url = f"/responses/{exercise.slug}/ideas/{idea.pk}/report/"
    assert "/accounts/login/" in client.post(report_url, {"reason": "spam"})["Location"]
    with pytest.raises(PermissionDenied):
        ideas.idea_flag(idea=idea, user=unverified_citizen, reason="spam")
    ideas.idea_set_status(idea=idea, by=moderator, status=Idea.Status.HIDDEN)
    with pytest.raises(ValidationError):
        ideas.idea_flag(idea=idea, user=other_citizen, reason="spam")
    client.force_login(other_citizen)
    assert client.post(report_url, {"reason": "spam"}).status_code == 404  # a hidden idea is not there
    assert not IdeaFlag.objects.exists()
