"""Publication respects consent; ideas rank fairly, one vote each, merge without double counting."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from responses import ideas, selectors, services
from responses.models import Idea, IdeaCategory, IdeaVote, Response, wilson_lower_bound
from responses.validation import CleanAnswer
from tests.factories import ConsultationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def three_responses(formal, questions, analyst, real_comments):
    made = {}
    for n, consent in enumerate(["named", "anonymous", "none"]):
        made[consent] = services.response_enter_offline(
            consultation=formal,
            by=analyst,
            channel="email",
            received_at=formal.opens_at.date(),
            respondent_type="individual",
            region="london",
            consent=consent,
            respondent_name=f"Named Person {consent}",
            email=f"{consent}@example.org",
            address=f"{n} Secret Road, Leeds",
            answers={questions[0].pk: CleanAnswer(choices=[], text=real_comments[n])},
        )
    made["org"] = services.response_enter_offline(
        consultation=formal,
        by=analyst,
        channel="post",
        received_at=formal.opens_at.date(),
        respondent_type="organisation",
        organisation_name="Greystone Affordable Development",
        organisation_type="business",
        region="london",
        consent="named",
        respondent_name="Org Contact",
        email="contact@greystone.example",
        answers={questions[0].pk: CleanAnswer(choices=[], text=real_comments[5])},
    )
    made["org_anon"] = services.response_enter_offline(
        consultation=formal,
        by=analyst,
        channel="post",
        received_at=formal.opens_at.date(),
        respondent_type="organisation",
        organisation_name="Hidden Charity Ltd",
        organisation_type="charity",
        region="wales",
        consent="anonymous",
        answers={questions[0].pk: CleanAnswer(choices=[], text=real_comments[6])},
    )
    return made


def test_nothing_is_published_while_the_consultation_is_open(client, formal, three_responses):
    assert not selectors.published_responses(formal).exists()
    page = client.get(reverse("responses:published-list", args=[formal.slug])).content.decode()
    assert "after the consultation closes" in page and "Named Person" not in page


def test_responses_publish_on_close_and_a_publisher_can_withhold_and_republish_them(
    client, formal, three_responses, close, publisher
):
    with pytest.raises(ValidationError, match="after the consultation closes"):
        services.responses_publish(consultation=formal, by=publisher)
    assert not selectors.published_responses(formal).exists()
    close()
    assert selectors.published_responses(formal).count() == 4
    services.responses_withhold(consultation=formal, by=publisher)
    assert not selectors.published_responses(formal).exists()
    page = client.get(reverse("responses:published-list", args=[formal.slug])).content.decode()
    assert "Named Person named" not in page
    services.responses_publish(consultation=formal, by=publisher)
    assert selectors.published_responses(formal).count() == 4


@pytest.mark.parametrize("persona,status", [("analyst", 403), ("moderator", 403), ("publisher", 302)])
def test_only_publishers_withhold_responses(client, request, formal, three_responses, close, persona, status):
    close()
    client.force_login(request.getfixturevalue(persona))
    r = client.post(reverse("responses:staff-publication", args=[formal.slug]), {"action": "withhold"})
    assert r.status_code == status
    assert selectors.responses_publishable(formal) is (status != 302)


def test_after_close_each_consent_choice_is_respected(
    client, formal, three_responses, close, real_comments, publisher
):
    close()
    published = list(selectors.published_responses(formal))
    refs = {r.reference for r in published}
    assert three_responses["named"].reference in refs and three_responses["anonymous"].reference in refs
    assert three_responses["none"].reference not in refs
    page = client.get(reverse("responses:published-list", args=[formal.slug])).content.decode()
    # Named: with the name. Anonymous: "Respondent <number>", not the name. Not published: absent entirely.
    assert "Named Person named" in page
    assert "Named Person anonymous" not in page and f"Respondent {three_responses['anonymous'].pk}" in page
    assert "Named Person none" not in page and real_comments[2][:40] not in page
    assert real_comments[0][:40] in page and real_comments[1][:40] in page
    # Organisations: the name only when they consented to be named.
    assert "Greystone Affordable Development" in page and "Org Contact" not in page
    assert "Hidden Charity Ltd" not in page and f"Respondent {three_responses['org_anon'].pk}" in page
    # Personal data never appears.
    assert "@example.org" not in page and "@greystone.example" not in page and "Secret Road" not in page


def test_public_label_never_uses_the_email(formal, citizen):
    r = Response(consultation=formal, respondent=citizen, consent="named", respondent_type="individual")
    r.pk = 77
    assert r.public_label == "Jo Citizen"
    citizen.display_name = ""
    assert r.public_label == "Respondent 77"


# --- ideas ------------------------------------------------------------------------------------------------


@pytest.fixture
def ideas_consultation(team):
    c = ConsultationFactory(team=team, kind="ideas")
    IdeaCategory.objects.create(consultation=c, name="Recruitment", slug="recruitment")
    IdeaCategory.objects.create(consultation=c, name="Accountability", slug="accountability")
    return c


def test_wilson_lower_bound_prefers_many_votes_over_a_lucky_few():
    assert wilson_lower_bound(0, 0) == 0.0
    assert wilson_lower_bound(90, 10) > wilson_lower_bound(3, 0)
    assert wilson_lower_bound(3, 0) > wilson_lower_bound(30, 30)
    assert 0 < wilson_lower_bound(1, 0) < 1


def test_each_person_has_one_vote_and_can_change_or_withdraw_it(ideas_consultation, citizen, other_citizen):
    idea = ideas.idea_create(
        consultation=ideas_consultation,
        author=citizen,
        title="Youth panels",
        description="Eliminate bias - wider background check to see the type of people they are hiring",
    )
    ideas.idea_vote(idea=idea, user=other_citizen, value=1)
    idea = ideas.idea_vote(idea=idea, user=other_citizen, value=1)
    assert (idea.up_votes, idea.down_votes) == (1, 0)
    idea = ideas.idea_vote(idea=idea, user=other_citizen, value=-1)
    assert (idea.up_votes, idea.down_votes) == (0, 1) and IdeaVote.objects.count() == 1
    idea = ideas.idea_vote(idea=idea, user=other_citizen, value=0)
    assert (idea.up_votes, idea.down_votes, idea.score) == (0, 0, 0.0)


def test_ranking_uses_the_wilson_score_not_raw_counts(ideas_consultation, citizen):
    voters = [UserFactory() for _ in range(12)]
    popular = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Popular", description="x"
    )
    divisive = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Divisive", description="y"
    )
    for v in voters[:10]:
        ideas.idea_vote(idea=popular, user=v, value=1)
    for n, v in enumerate(voters):
        ideas.idea_vote(idea=divisive, user=v, value=1 if n % 2 else -1)
    ranked = list(selectors.ideas_for(ideas_consultation))
    assert ranked[0].title == "Popular"
    assert Idea.objects.get(pk=divisive.pk).up_votes + Idea.objects.get(pk=divisive.pk).down_votes == 12


def test_ideas_can_be_filtered_by_category(ideas_consultation, citizen):
    rec = IdeaCategory.objects.get(slug="recruitment")
    ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Hire locally", description="a", category=rec
    )
    ideas.idea_create(consultation=ideas_consultation, author=citizen, title="Body cameras", description="b")
    assert [i.title for i in selectors.ideas_for(ideas_consultation, category="recruitment")] == [
        "Hire locally"
    ]


def test_merging_moves_votes_without_counting_anyone_twice(ideas_consultation, citizen, moderator):
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    keep = ideas.idea_create(consultation=ideas_consultation, author=citizen, title="Keep", description="k")
    dup = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Duplicate", description="d"
    )
    ideas.idea_vote(idea=keep, user=a, value=1)
    ideas.idea_vote(idea=dup, user=a, value=1)  # a voted on both: counted once
    ideas.idea_vote(idea=dup, user=b, value=1)
    ideas.idea_vote(idea=dup, user=c, value=-1)
    kept = ideas.idea_merge(duplicate=dup, into=keep, by=moderator)
    assert (kept.up_votes, kept.down_votes) == (2, 1)
    assert IdeaVote.objects.filter(idea=keep).count() == 3 and not IdeaVote.objects.filter(idea=dup).exists()
    dup.refresh_from_db()
    assert dup.status == "merged" and dup.merged_into == keep and "Keep" in dup.status_note
    assert list(selectors.ideas_for(ideas_consultation)) == [kept]
    with pytest.raises(ValidationError):
        ideas.idea_merge(duplicate=keep, into=dup, by=moderator)


def test_status_and_public_note_are_recorded(ideas_consultation, citizen, analyst):
    idea = ideas.idea_create(consultation=ideas_consultation, author=citizen, title="T", description="D")
    ideas.idea_set_status(idea=idea, by=analyst, status="accepted", note="We will pilot this in 2027.")
    idea.refresh_from_db()
    assert idea.status == "accepted" and idea.status_note == "We will pilot this in 2027."
    assert idea.history.count() == 2


def test_ideas_and_votes_are_refused_when_closed_or_unverified(
    ideas_consultation, citizen, unverified_citizen
):
    idea = ideas.idea_create(consultation=ideas_consultation, author=citizen, title="T", description="D")
    with pytest.raises(PermissionDenied):
        ideas.idea_vote(idea=idea, user=unverified_citizen, value=1)
    ideas_consultation.state = "closed"
    ideas_consultation.save(update_fields=["state"])
    with pytest.raises(ValidationError, match="closed"):
        ideas.idea_vote(idea=idea, user=citizen, value=1)
    with pytest.raises(ValidationError, match="closed"):
        ideas.idea_create(consultation=ideas_consultation, author=citizen, title="Late", description="x")
    assert not IdeaVote.objects.exists() and Idea.objects.count() == 1


def test_new_ideas_are_queued_for_analysis(
    ideas_consultation, citizen, enrichment_calls, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = ideas.idea_create(consultation=ideas_consultation, author=citizen, title="T", description="D")
    assert enrichment_calls == [("idea", idea.pk)]


# --- comments on ideas (the comments app, with its moderation) -------------------------------------------


@pytest.fixture
def polis_texts():
    import csv
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.DATA_DIR) / "comments" / "polis" / "london.youth.policing" / "comments.csv"
    with path.open(encoding="utf-8") as fh:
        return [r["comment-body"] for r in csv.DictReader(fh) if len(r["comment-body"]) > 30]


def test_comments_on_an_idea_are_its_own_thread_not_the_consultations(
    ideas_consultation, citizen, other_citizen, polis_texts
):
    from comments import selectors as comment_selectors
    from comments import services as comment_services

    idea = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Youth panels", description=polis_texts[0]
    )
    comment = comment_services.comment_create(
        author=other_citizen, consultation=ideas_consultation, idea=idea, body=polis_texts[1]
    )
    assert comment.idea == idea and comment.status == "published"
    reply = comment_services.comment_create(
        author=citizen, consultation=ideas_consultation, idea=idea, parent=comment, body=polis_texts[2]
    )
    assert reply.idea == idea
    threads = comment_selectors.idea_threads(idea)
    assert [n.comment.pk for n in threads.items] == [comment.pk, reply.pk]
    assert not comment_selectors.consultation_threads(ideas_consultation).items
    # A reply must stay on the same idea.
    other = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Body cameras", description=polis_texts[3]
    )
    with pytest.raises(ValidationError):
        comment_services.comment_create(
            author=citizen, consultation=ideas_consultation, idea=other, parent=comment, body=polis_texts[4]
        )


def test_comments_on_ideas_follow_the_consultations_moderation(ideas_consultation, citizen, polis_texts):
    from comments import selectors as comment_selectors
    from comments import services as comment_services

    ideas_consultation.moderation_mode = "pre"
    ideas_consultation.save(update_fields=["moderation_mode"])
    idea = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Youth panels", description=polis_texts[0]
    )
    assert idea.status == "pending"  # the idea waits for a moderator too (issue 20)
    Idea.objects.filter(pk=idea.pk).update(status="new")
    idea.refresh_from_db()
    held = comment_services.comment_create(
        author=citizen, consultation=ideas_consultation, idea=idea, body=polis_texts[1]
    )
    assert held.status == "pending"
    assert held in comment_selectors.moderation_queue(ideas_consultation)
    assert comment_selectors.idea_threads(idea).published == 0


def test_an_idea_from_another_consultation_or_a_hidden_one_takes_no_comments(
    ideas_consultation, team, citizen, polis_texts
):
    from comments import services as comment_services
    from comments.models import Comment

    elsewhere = ConsultationFactory(team=team, kind="ideas")
    foreign = ideas.idea_create(consultation=elsewhere, author=citizen, title="T", description=polis_texts[0])
    with pytest.raises(ValidationError, match="not part of this consultation"):
        comment_services.comment_create(
            author=citizen, consultation=ideas_consultation, idea=foreign, body=polis_texts[1]
        )
    hidden = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="T", description=polis_texts[0]
    )
    ideas.idea_set_status(idea=hidden, by=citizen, status="hidden")
    with pytest.raises(ValidationError, match="no longer open"):
        comment_services.comment_create(
            author=citizen, consultation=ideas_consultation, idea=hidden, body=polis_texts[1]
        )
    assert not Comment.objects.exists()


def test_merging_ideas_moves_their_discussion_to_the_idea_kept(
    ideas_consultation, citizen, other_citizen, moderator, polis_texts
):
    from comments import services as comment_services

    keep = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Keep", description=polis_texts[0]
    )
    dup = ideas.idea_create(
        consultation=ideas_consultation, author=citizen, title="Duplicate", description=polis_texts[1]
    )
    comment = comment_services.comment_create(
        author=other_citizen, consultation=ideas_consultation, idea=dup, body=polis_texts[2]
    )
    ideas.idea_merge(duplicate=dup, into=keep, by=moderator)
    comment.refresh_from_db()
    assert comment.idea_id == keep.pk
