"""Moderation decisions, their audit trail, emails to authors, appeals, suspensions and bans."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from comments import moderation, selectors, services
from comments.models import Appeal, Comment, Flag, Sanction
from comments.services import CommentError
from consultations.models import Consultation

from .conftest import post, reply

pytestmark = pytest.mark.django_db


@pytest.fixture
def pre_clause(clause):
    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    clause.document.consultation.refresh_from_db()
    return clause


def test_moderator_approves_one_and_rejects_one_and_both_authors_are_emailed(
    pre_clause, citizen, other_citizen, moderator, real_texts, django_capture_on_commit_callbacks
):
    good = post(citizen, pre_clause, real_texts[0])
    bad = post(other_citizen, pre_clause, real_texts[1])
    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_moderate(comment=good, by=moderator, decision="approve")
        moderation.comment_moderate(
            comment=bad,
            by=moderator,
            decision="reject",
            reason="on_topic",
            note="Please comment on the clause itself.",
        )
    good.refresh_from_db()
    bad.refresh_from_db()
    assert good.status == "published" and good.moderated_by == moderator
    assert bad.status == "rejected" and bad.moderation_reason == "on_topic"
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "published" in by_recipient["citizen@example.org"].subject
    rejection = by_recipient["other.citizen@example.org"]
    assert "Stay on topic" in rejection.body
    assert "Please comment on the clause itself." in rejection.body
    assert f"/comments/{bad.pk}/appeal/" in rejection.body


def test_every_decision_is_audited_with_who_when_and_why(pre_clause, citizen, moderator, real_texts):
    comment = post(citizen, pre_clause, real_texts[0])
    moderation.comment_moderate(comment=comment, by=moderator, decision="reject", reason="no_spam")
    latest = comment.history.order_by("-history_date").first()
    assert latest.history_user == moderator
    assert latest.history_change_reason == "reject: no_spam"
    assert latest.status == "rejected"
    assert latest.history_date <= timezone.now()


def test_rejecting_or_hiding_needs_a_house_rule(pre_clause, citizen, moderator, real_texts):
    comment = post(citizen, pre_clause, real_texts[0])
    for reason in ("", "because I said so"):
        with pytest.raises(CommentError, match="house rule"):
            moderation.comment_moderate(comment=comment, by=moderator, decision="reject", reason=reason)
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_bulk_decision_is_all_or_nothing(pre_clause, citizen, other_citizen, moderator, real_texts):
    a = post(citizen, pre_clause, real_texts[0])
    b = post(other_citizen, pre_clause, real_texts[1])
    moderation.comment_moderate(comment=b, by=moderator, decision="approve")
    with pytest.raises(CommentError, match="cannot reject"):
        moderation.comments_moderate(
            consultation=pre_clause.document.consultation,
            comment_ids=[a.pk, b.pk],
            by=moderator,
            decision="reject",
            reason="civil",
        )
    a.refresh_from_db()
    assert a.status == "pending"


def test_bulk_approve(pre_clause, citizen, other_citizen, moderator, real_texts):
    ids = [post(citizen, pre_clause, real_texts[0]).pk, post(other_citizen, pre_clause, real_texts[1]).pk]
    moderation.comments_moderate(
        consultation=pre_clause.document.consultation, comment_ids=ids, by=moderator, decision="approve"
    )
    assert set(Comment.objects.values_list("status", flat=True)) == {"published"}


def test_comments_of_another_consultation_cannot_be_moderated_through_this_one(
    pre_clause, citizen, moderator, real_texts, team
):
    from tests.factories import ConsultationFactory

    elsewhere = ConsultationFactory(team=team)
    comment = post(citizen, pre_clause, real_texts[0])
    with pytest.raises(CommentError, match="not in this consultation"):
        moderation.comments_moderate(
            consultation=elsewhere, comment_ids=[comment.pk], by=moderator, decision="approve"
        )


@pytest.mark.parametrize("who", ["citizen", "analyst", "outsider_official"])
def test_only_the_teams_moderators_may_moderate(request, who, pre_clause, other_citizen, real_texts):
    comment = post(other_citizen, pre_clause, real_texts[0])
    with pytest.raises(PermissionDenied):
        moderation.comment_moderate(comment=comment, by=request.getfixturevalue(who), decision="approve")


def test_publisher_may_moderate(pre_clause, citizen, publisher, real_texts):
    comment = moderation.comment_moderate(
        comment=post(citizen, pre_clause, real_texts[0]), by=publisher, decision="approve"
    )
    assert comment.status == "published"


def test_hiding_a_comment_keeps_its_replies_readable(clause, citizen, other_citizen, moderator, real_texts):
    root = post(citizen, clause, real_texts[0])
    child = reply(other_citizen, root, real_texts[1])
    moderation.comment_moderate(comment=root, by=moderator, decision="hide", reason="civil")
    threads = selectors.section_threads(clause)
    assert [n.comment.pk for n in threads.items] == [root.pk, child.pk]
    assert threads.items[0].visible is False and threads.items[1].visible is True


def test_reviewed_kept_comment_is_not_held_again_by_more_flags(
    clause, citizen, moderator, real_texts, settings
):
    from tests.factories import UserFactory

    settings.FLAGS_TO_AUTO_HOLD = 2
    comment = post(citizen, clause, real_texts[0])
    for _ in range(2):
        services.flag_create(comment=comment, user=UserFactory(), reason="off_topic")
    comment.refresh_from_db()
    assert comment.status == "pending"
    moderation.comment_moderate(comment=comment, by=moderator, decision="keep")
    comment.refresh_from_db()
    assert comment.status == "published" and comment.reviewed_kept
    assert set(Flag.objects.values_list("resolution", flat=True)) == {"dismissed"}
    services.flag_create(comment=comment, user=UserFactory(), reason="spam")
    comment.refresh_from_db()
    assert comment.status == "published"


def test_queue_filters(clause, citizen, other_citizen, moderator, real_texts, settings):
    from tests.factories import UserFactory

    held = post(UserFactory(), clause, "See https://example.org/buy for more")  # new account + link
    flagged = post(citizen, clause, real_texts[0])
    services.flag_create(comment=flagged, user=other_citizen, reason="off_topic")
    consultation = clause.document.consultation
    assert [c.pk for c in selectors.moderation_queue(consultation, filter_name="auto_held")] == [held.pk]
    assert [c.pk for c in selectors.moderation_queue(consultation, filter_name="flagged")] == [flagged.pk]
    assert [c.pk for c in selectors.moderation_queue(consultation, filter_name="pending")] == [held.pk]


def test_author_appeals_and_moderator_upholds(pre_clause, citizen, moderator, real_texts):
    comment = post(citizen, pre_clause, real_texts[0])
    moderation.comment_moderate(comment=comment, by=moderator, decision="reject", reason="on_topic")
    appeal = services.appeal_create(comment=comment, user=citizen, text=real_texts[1])
    with pytest.raises(CommentError, match="already appealed"):
        services.appeal_create(comment=comment, user=citizen, text=real_texts[2])
    moderation.appeal_decide(appeal=appeal, by=moderator, uphold=True)
    comment.refresh_from_db()
    appeal.refresh_from_db()
    assert comment.status == "published" and appeal.state == Appeal.State.UPHELD


def test_appeal_on_a_published_comment_or_by_someone_else_is_refused(
    clause, citizen, other_citizen, real_texts
):
    comment = post(citizen, clause, real_texts[0])
    with pytest.raises(CommentError, match="Only a rejected"):
        services.appeal_create(comment=comment, user=citizen, text=real_texts[1])
    with pytest.raises(CommentError, match="your own"):
        services.appeal_create(comment=comment, user=other_citizen, text=real_texts[1])
    assert not Appeal.objects.exists()


def test_moderator_suspends_and_bans_a_commenter(clause, citizen, moderator, real_texts):
    post(citizen, clause, real_texts[0])
    consultation = clause.document.consultation
    moderation.user_sanction(
        user=citizen,
        by=moderator,
        consultation=consultation,
        kind="suspend",
        reason="civil",
        until=timezone.now() + timedelta(days=7),
    )
    citizen.refresh_from_db()
    assert citizen.status == "suspended" and not citizen.may_participate
    with pytest.raises(CommentError, match="suspended"):
        post(citizen, clause, real_texts[1])
    moderation.user_sanction(
        user=citizen, by=moderator, consultation=consultation, kind="ban", reason="civil"
    )
    citizen.refresh_from_db()
    assert citizen.status == "banned"
    assert list(Sanction.objects.values_list("kind", "by")) == [
        ("ban", moderator.pk),
        ("suspend", moderator.pk),
    ]


def test_suspension_needs_a_future_date_and_officials_cannot_be_banned(
    clause, citizen, moderator, analyst, real_texts
):
    post(citizen, clause, real_texts[0])
    post(analyst, clause, real_texts[1])
    consultation = clause.document.consultation
    with pytest.raises(CommentError, match="future"):
        moderation.user_sanction(
            user=citizen, by=moderator, consultation=consultation, kind="suspend", reason="civil", until=None
        )
    with pytest.raises(CommentError, match="Officials"):
        moderation.user_sanction(
            user=analyst, by=moderator, consultation=consultation, kind="ban", reason="civil"
        )
    citizen.refresh_from_db()
    assert citizen.status == "active"


def test_a_site_wide_sanction_is_changed_only_by_the_team_that_imposed_it_or_an_administrator(
    clause, citizen, moderator, superuser, other_team, real_texts
):
    """Bans and suspensions hold across the site, so another team's moderator (where the person also
    commented) can neither lift nor change one; the imposing team's moderators and administrators can."""
    from tests.factories import ConsultationFactory, UserFactory, add_member, make_document

    post(citizen, clause, real_texts[0])
    theirs = ConsultationFactory(team=other_team)
    their_clause = make_document(consultation=theirs, clauses=2).sections.get(anchor="clause-1")
    post(citizen, their_clause, real_texts[1])
    other_moderator = add_member(UserFactory(email="mod.b@example.org"), other_team, "moderator")
    consultation = clause.document.consultation
    moderation.user_sanction(
        user=citizen, by=moderator, consultation=consultation, kind="ban", reason="civil"
    )
    for kind in ("lift", "suspend", "ban"):
        with pytest.raises(PermissionDenied, match="imposed"):
            moderation.user_sanction(
                user=citizen,
                by=other_moderator,
                consultation=theirs,
                kind=kind,
                reason="civil",
                until=timezone.now() + timedelta(days=1),
            )
    citizen.refresh_from_db()
    assert citizen.status == "banned" and Sanction.objects.count() == 1
    moderation.user_sanction(user=citizen, by=superuser, consultation=theirs, kind="lift", reason="")
    citizen.refresh_from_db()
    assert citizen.status == "active"
    # Once lifted, any team where the person commented may act again; its own sanction is then its own.
    moderation.user_sanction(
        user=citizen, by=other_moderator, consultation=theirs, kind="ban", reason="civil"
    )
    moderation.user_sanction(user=citizen, by=other_moderator, consultation=theirs, kind="lift", reason="")
    citizen.refresh_from_db()
    assert citizen.status == "active"
