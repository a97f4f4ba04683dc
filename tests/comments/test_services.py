"""Posting, replying, editing, withdrawing, reacting and flagging through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.models import Comment, Flag, Reaction
from comments.services import CommentError
from consultations.models import Consultation
from tests.factories import ConsultationFactory, UserFactory, make_document

from .conftest import post, reply

pytestmark = pytest.mark.django_db


def test_citizen_comment_on_a_clause_is_published_at_once_under_post_moderation(citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    assert comment.status == Comment.Status.PUBLISHED
    assert comment.section == clause and comment.document == clause.document
    assert comment.path == f"{comment.pk:010d}/"
    assert comment.published_at is not None
    assert "<p>" in comment.body_html


def test_comment_under_pre_moderation_waits_for_a_moderator(citizen, clause, real_texts):
    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    clause.document.consultation.refresh_from_db()
    comment = post(citizen, clause, real_texts[0])
    assert comment.status == Comment.Status.PENDING
    assert comment.hold_reason == Comment.Hold.PRE_MODERATION


def test_replies_at_any_depth_update_every_ancestors_reply_count(citizen, other_citizen, clause, real_texts):
    root = post(citizen, clause, real_texts[0])
    first = reply(other_citizen, root, real_texts[1])
    second = reply(citizen, first, real_texts[2])
    third = reply(other_citizen, second, real_texts[3])
    assert third.depth == 3
    assert third.path == f"{root.pk:010d}/{first.pk:010d}/{second.pk:010d}/{third.pk:010d}/"
    root.refresh_from_db()
    first.refresh_from_db()
    assert (root.reply_count, first.reply_count) == (3, 2)


def test_comment_on_a_subsection_and_on_a_quoted_phrase(citizen, clause, subsection, real_texts):
    comment = services.comment_create(
        author=citizen,
        consultation=clause.document.consultation,
        document=clause.document,
        section=subsection,
        body=real_texts[0],
        category="drafting",
        quote={"exact": "meet the adult's needs", "prefix": "must ", "suffix": " for care"},
    )
    assert comment.section == subsection
    assert comment.quote_exact == "meet the adult's needs"


def test_quote_that_is_not_in_the_clause_is_refused(citizen, clause, real_texts):
    with pytest.raises(CommentError, match="not in this clause"):
        post(citizen, clause, real_texts[0], quote={"exact": "words that are nowhere in the bill"})
    assert not Comment.objects.exists()


def test_general_comments_on_document_and_consultation(citizen, document, real_texts):
    on_doc = services.comment_create(
        author=citizen,
        consultation=document.consultation,
        document=document,
        body=real_texts[0],
        category="general",
    )
    on_consultation = services.comment_create(
        author=citizen, consultation=document.consultation, body=real_texts[1], category="question"
    )
    assert on_doc.section is None and on_doc.document == document
    assert on_consultation.document is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "Enter your comment"),
        ("   \n  ", "Enter your comment"),
        ("x" * 5001, "5,000 characters or fewer"),
        ("<script>alert('x')</script> clause 3 is vague", "Remove the HTML"),
        ("Clause 3 <b>must</b> change", "Remove the HTML"),
        ("Clause 3 is vague \ufffd\ufffd", "characters we could not read"),
        ("Null \x00 byte", "characters we could not read"),
    ],
)
def test_bad_bodies_are_refused_with_a_clear_message_and_nothing_saved(citizen, clause, body, message):
    with pytest.raises(CommentError, match=message):
        post(citizen, clause, body)
    assert Comment.objects.count() == 0


def test_markdown_is_rendered_safely(citizen, clause):
    comment = post(citizen, clause, "See [this](javascript:alert(1)) and *this* please")
    assert "javascript" not in comment.body_html
    assert "<em>this</em>" in comment.body_html


def test_unverified_banned_and_suspended_users_cannot_comment(unverified_citizen, clause, real_texts):
    with pytest.raises(CommentError, match="Confirm your email"):
        post(unverified_citizen, clause, real_texts[0])
    banned = UserFactory(status="banned")
    with pytest.raises(CommentError, match="banned"):
        post(banned, clause, real_texts[0])
    suspended = UserFactory(status="suspended", suspended_until=timezone.now() + timedelta(days=2))
    with pytest.raises(CommentError, match="suspended"):
        post(suspended, clause, real_texts[0])
    assert not Comment.objects.exists()


def test_posting_after_closing_time_is_refused_even_if_state_still_says_open(citizen, clause, real_texts):
    c = clause.document.consultation
    Consultation.objects.filter(pk=c.pk).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(minutes=1)
    )
    c.refresh_from_db()
    assert c.state == "open"
    with pytest.raises(CommentError, match="closed"):
        post(citizen, clause, real_texts[0])
    assert not Comment.objects.exists()


def test_draft_consultation_refuses_comments(citizen, team, real_texts):
    draft = ConsultationFactory(team=team, state="draft", published_at=None)
    doc = make_document(consultation=draft, clauses=1)
    with pytest.raises(CommentError, match="not published"):
        services.comment_create(author=citizen, consultation=draft, document=doc, body=real_texts[0])


def test_parent_from_another_clause_is_refused(citizen, other_citizen, document, real_texts):
    from consultations.models import Section

    c1 = Section.objects.get(document=document, anchor="clause-1")
    c2 = Section.objects.get(document=document, anchor="clause-2")
    parent = post(citizen, c1, real_texts[0])
    with pytest.raises(CommentError, match="same clause"):
        services.comment_create(
            author=other_citizen,
            consultation=document.consultation,
            document=document,
            section=c2,
            parent=parent,
            body=real_texts[1],
        )
    assert Comment.objects.count() == 1


def test_parent_from_another_consultation_is_refused(citizen, other_citizen, clause, team, real_texts):
    elsewhere = make_document(consultation=ConsultationFactory(team=team), clauses=3)
    from consultations.models import Section

    their_clause = Section.objects.get(document=elsewhere, anchor="clause-3")
    parent = post(citizen, their_clause, real_texts[0])
    with pytest.raises(CommentError, match="same clause"):
        services.comment_create(
            author=other_citizen,
            consultation=clause.document.consultation,
            document=clause.document,
            section=clause,
            parent=parent,
            body=real_texts[1],
        )


def test_reply_to_removed_or_withdrawn_comment_is_refused(citizen, other_citizen, clause, real_texts):
    parent = post(citizen, clause, real_texts[0])
    services.comment_withdraw(comment=parent, by=citizen)
    with pytest.raises(CommentError, match="removed"):
        reply(other_citizen, parent, real_texts[1])
    Comment.objects.filter(pk=parent.pk).update(status="hidden")
    parent.refresh_from_db()
    with pytest.raises(CommentError, match="removed"):
        reply(other_citizen, parent, real_texts[1])
    assert Comment.objects.count() == 1


def test_same_idempotency_key_returns_the_first_comment(citizen, clause, real_texts):
    first = post(citizen, clause, real_texts[0], idempotency_key="k-123")
    again = post(citizen, clause, real_texts[0], idempotency_key="k-123")
    assert again.pk == first.pk
    assert Comment.objects.count() == 1


def test_idempotency_key_is_unique_per_author_in_the_database(citizen, clause, real_texts):
    from django.db import IntegrityError, transaction

    first = post(citizen, clause, real_texts[0], idempotency_key="k-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(
            consultation=first.consultation, author=citizen, body="x", idempotency_key="k-1"
        )


def test_new_account_posting_a_link_is_auto_held(clause, real_texts):
    newcomer = UserFactory()
    comment = post(newcomer, clause, "Read the impact assessment at https://example.org/ia first")
    assert comment.status == Comment.Status.PENDING
    assert comment.hold_reason == Comment.Hold.NEW_ACCOUNT_LINK


def test_established_account_may_post_a_link(clause):
    old = UserFactory(date_joined=timezone.now() - timedelta(days=60))
    comment = post(old, clause, "The impact assessment is at https://example.org/ia and answers this.")
    assert comment.status == Comment.Status.PUBLISHED


def test_text_the_scorer_marks_as_spam_or_toxic_is_auto_held(clause, citizen, other_citizen):
    spam = post(citizen, clause, "BUY NOW cheap pills click here casino discount")
    toxic = post(other_citizen, clause, "you are a fucking idiot")
    assert (spam.status, spam.hold_reason) == ("pending", "score")
    assert (toxic.status, toxic.hold_reason) == ("pending", "score")
    assert toxic.toxicity_score >= 0.8


def test_department_reply_is_marked_official_and_published(citizen, moderator, clause, real_texts):
    root = post(citizen, clause, real_texts[0])
    official = reply(moderator, root, real_texts[1])
    assert official.is_official and official.status == "published"


def test_edit_within_window_marks_edited_and_after_window_is_refused(citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    services.comment_edit(comment=comment, by=citizen, body=real_texts[1])
    comment.refresh_from_db()
    assert comment.body == real_texts[1] and comment.edited_at is not None
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(hours=1))
    comment.refresh_from_db()
    with pytest.raises(CommentError, match="first 15 minutes"):
        services.comment_edit(comment=comment, by=citizen, body=real_texts[2])


def test_nobody_else_can_edit_or_withdraw_a_comment(citizen, other_citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    with pytest.raises(CommentError):
        services.comment_edit(comment=comment, by=other_citizen, body=real_texts[1])
    with pytest.raises(CommentError):
        services.comment_withdraw(comment=comment, by=other_citizen)
    comment.refresh_from_db()
    assert comment.status == "published" and comment.body == real_texts[0]


def test_withdrawing_a_reply_lowers_the_ancestors_counts(citizen, other_citizen, clause, real_texts):
    root = post(citizen, clause, real_texts[0])
    r = reply(other_citizen, root, real_texts[1])
    services.comment_withdraw(comment=r, by=other_citizen)
    root.refresh_from_db()
    assert root.reply_count == 0


def test_reactions_are_one_per_person_and_changeable(
    citizen, other_citizen, third_citizen, clause, real_texts
):
    comment = post(citizen, clause, real_texts[0])
    services.reaction_set(comment=comment, user=other_citizen, value="agree")
    services.reaction_set(comment=comment, user=third_citizen, value="agree")
    comment = services.reaction_set(comment=comment, user=other_citizen, value="disagree")
    assert (comment.agree_count, comment.disagree_count) == (1, 1)
    comment = services.reaction_set(comment=comment, user=third_citizen, value="agree")  # same again: undo
    assert (comment.agree_count, comment.disagree_count) == (0, 1)
    assert Reaction.objects.filter(comment=comment).count() == 1


def test_reaction_on_unpublished_or_own_comment_is_refused(citizen, other_citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    with pytest.raises(CommentError, match="own comment"):
        services.reaction_set(comment=comment, user=citizen, value="agree")
    Comment.objects.filter(pk=comment.pk).update(status="pending")
    comment.refresh_from_db()
    with pytest.raises(CommentError, match="published comment"):
        services.reaction_set(comment=comment, user=other_citizen, value="agree")
    with pytest.raises(CommentError, match="agree or disagree"):
        services.reaction_set(comment=comment, user=other_citizen, value="love")
    assert not Reaction.objects.exists()


def test_n_distinct_flags_hold_a_comment_for_review(citizen, clause, real_texts, settings):
    settings.FLAGS_TO_AUTO_HOLD = 2
    root = post(citizen, clause, real_texts[0])
    child = reply(UserFactory(), root, real_texts[1])
    target = reply(UserFactory(), child, real_texts[2])
    flagger = UserFactory()
    services.flag_create(comment=target, user=flagger, reason="offensive")
    services.flag_create(comment=target, user=flagger, reason="spam")  # same reader twice counts once
    target.refresh_from_db()
    assert (target.status, target.flag_count) == ("published", 1)
    services.flag_create(comment=target, user=UserFactory(), reason="off_topic")
    target.refresh_from_db()
    root.refresh_from_db()
    assert (target.status, target.hold_reason, target.flag_count) == ("pending", "flags", 2)
    assert root.reply_count == 1  # the held reply no longer counts
    assert Flag.objects.filter(comment=target).count() == 2


def test_flag_with_unknown_reason_is_refused(citizen, other_citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    with pytest.raises(CommentError, match="Choose why"):
        services.flag_create(comment=comment, user=other_citizen, reason="boring")
    assert not Flag.objects.exists()


def test_a_new_comment_queues_one_follow_up_message_on_commit(
    citizen, clause, real_texts, monkeypatch, django_capture_on_commit_callbacks
):
    from comments import tasks

    sent = []
    monkeypatch.setattr(tasks.comment_posted, "delay", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment = post(citizen, clause, real_texts[0])
    assert sent == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert sent == [(comment.pk, True)]


def test_the_follow_up_notifies_then_enriches_and_a_failed_enrichment_is_left_to_the_sweep(
    citizen, other_citizen, clause, real_texts, monkeypatch
):
    from django.core import mail

    import insights.services
    from comments import tasks

    root = post(citizen, clause, real_texts[0])
    answer = services.comment_create(
        author=other_citizen,
        consultation=root.consultation,
        document=root.document,
        section=root.section,
        parent=root,
        body=real_texts[1],
    )
    enriched = []

    def enrich(kind, pk):
        enriched.append((kind, pk))
        return "an Enrichment"

    monkeypatch.setattr(insights.services, "enrichment_compute", enrich)
    assert tasks.comment_posted.apply(args=(answer.pk, True)).get() == {"notified": 1, "enriched": True}
    assert enriched == [("comment", answer.pk)] and [m.to for m in mail.outbox] == [["citizen@example.org"]]

    def broken(kind, pk):
        raise RuntimeError("model unavailable")

    monkeypatch.setattr(insights.services, "enrichment_compute", broken)
    mail.outbox.clear()
    assert tasks.comment_posted.apply(args=(answer.pk, False)).get() == {"notified": 0, "enriched": False}
    assert mail.outbox == []  # held or not yet published: nobody is told

    def no_mail(pk):
        raise RuntimeError("mail server refused")

    monkeypatch.setattr(insights.services, "enrichment_compute", enrich)
    monkeypatch.setattr(tasks.notifications, "notify_new_comment", no_mail)
    enriched.clear()
    with pytest.raises(RuntimeError, match="mail server refused"):
        tasks.comment_posted.apply(args=(answer.pk, True), throw=True)
    assert enriched == [("comment", answer.pk)]  # enriched all the same


def test_a_comment_is_saved_when_the_broker_is_down(citizen, clause, real_texts, monkeypatch, caplog):
    from comments import tasks

    def down(*args):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.comment_posted, "delay", down)
    services._after_create(1, published=True)  # what runs on commit
    assert "could not queue the follow-up" in caplog.text


def test_quote_across_two_provisions_is_accepted_as_the_page_shows_it(citizen, clause, real_texts):
    """Selecting "... (a) maintain ..." copies the provision numbers the page shows between the words."""
    subsections = list(clause.document.sections.filter(parent=clause).order_by("position"))
    first, second = subsections[0], subsections[1]
    exact = f"{' '.join(first.text.split()[-3:])}\n{second.number}  {' '.join(second.text.split()[:3])}"
    comment = post(citizen, clause, real_texts[0], quote={"exact": exact})
    assert comment.quote_exact == exact
    assert second.number in services.shown_text(clause)


def test_quote_outside_the_chosen_part_names_the_part(citizen, clause, subsection, real_texts):
    other = clause.document.sections.filter(parent=clause).exclude(pk=subsection.pk).first()
    words = " ".join(other.text.split()[-2:])
    assert words not in services.shown_text(subsection)
    with pytest.raises(CommentError, match="not in the part of the clause you chose"):
        services.comment_create(
            author=citizen,
            consultation=clause.document.consultation,
            document=clause.document,
            section=subsection,
            body=real_texts[0],
            quote={"exact": words},
        )
    assert not Comment.objects.exists()


def test_editing_an_approved_comment_under_pre_moderation_sends_it_back_to_the_queue(
    citizen, other_citizen, moderator, clause, real_texts
):
    from comments import moderation

    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    clause.document.consultation.refresh_from_db()
    root = post(other_citizen, clause, real_texts[0])
    moderation.comment_moderate(comment=root, by=moderator, decision="approve")
    comment = reply(citizen, root, real_texts[1])
    moderation.comment_moderate(comment=comment, by=moderator, decision="approve")
    root.refresh_from_db()
    assert root.reply_count == 1
    edited = services.comment_edit(comment=comment, by=citizen, body=real_texts[2])
    assert (edited.status, edited.hold_reason) == ("pending", "pre_moderation")
    root.refresh_from_db()
    assert root.reply_count == 0  # no longer shown, so no longer counted


def test_a_new_account_adding_a_link_in_an_edit_is_held(clause, real_texts):
    newcomer = UserFactory()
    comment = post(newcomer, clause, real_texts[0])
    assert comment.status == "published"
    edited = services.comment_edit(
        comment=comment, by=newcomer, body=real_texts[0] + " More at https://example.org/offer"
    )
    assert (edited.status, edited.hold_reason) == ("pending", "new_account_link")


def test_editing_after_closing_time_is_refused_with_the_reason(citizen, clause, real_texts):
    comment = post(citizen, clause, real_texts[0])
    Consultation.objects.filter(pk=clause.document.consultation_id).update(
        opens_at=timezone.now() - timedelta(days=30), closes_at=timezone.now() - timedelta(minutes=1)
    )
    comment.consultation.refresh_from_db()
    with pytest.raises(CommentError, match="closed"):
        services.comment_edit(comment=comment, by=citizen, body=real_texts[1])
    comment.refresh_from_db()
    assert comment.body == real_texts[0]


def test_a_person_over_their_own_limit_does_not_use_up_their_addresss_limit(citizen, other_citizen, settings):
    from comments import ratelimit

    settings.COMMENT_RATE_PER_USER = "2/600"
    settings.COMMENT_RATE_PER_IP = "3/600"
    ip = "198.51.100.7"
    for _ in range(2):
        ratelimit.check_comment_rate(user=citizen, ip=ip)
    for _ in range(5):  # refused on their own limit: the address's counter takes each hit back
        with pytest.raises(ratelimit.RateLimited) as refused:
            ratelimit.check_comment_rate(user=citizen, ip=ip)
        assert refused.value.retry_after > 0
    ratelimit.check_comment_rate(user=other_citizen, ip=ip)  # the address's third: allowed
    with pytest.raises(ratelimit.RateLimited):  # its fourth is over the address's limit
        ratelimit.check_comment_rate(user=other_citizen, ip=ip)
