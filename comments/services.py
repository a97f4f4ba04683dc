"""Every write a reader makes: comment, reply, edit, withdraw, react, flag, follow, appeal.

Moderators' writes are in `moderation.py`. Side effects (enrichment, emails) are queued on commit.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from consultations.models import Consultation, Document, Section
from consultations.visibility import may_view
from dhdigital.accounts.roles import has_team_role
from dhdigital.lib import history
from dhdigital.lib.markdown import COMMENT_TAGS, render_markdown
from dhdigital.lib.signals import units_saved

from . import autohold, ratelimit, tasks
from .models import Appeal, Comment, Flag, Reaction, Subscription

logger = logging.getLogger(__name__)

Status = Comment.Status
HTML_RE = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
NEW_ACCOUNT_DAYS = 7


class CommentError(ValidationError):
    """A refusal with a message for the reader; `field` says which form field it belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def max_length() -> int:
    return settings.COMMENT_MAX_LENGTH


# --- checks -------------------------------------------------------------------------------------------


def clean_body(body: str, *, noun: str = "comment") -> str:
    """The body as it will be stored, or CommentError. Never silently drops what the reader wrote.
    `noun` names it in the messages ("comment" or "reply")."""
    text = (body or "").replace("\r\n", "\n").strip()
    if not text:
        raise CommentError(f"Enter your {noun}", "body")
    if len(text) > max_length():
        raise CommentError(f"Your {noun} must be {max_length():,} characters or fewer", "body")
    if "\ufffd" in text or CONTROL_RE.search(text):
        raise CommentError(
            f"Your {noun} contains characters we could not read. Retype it, or paste it as plain text", "body"
        )
    if HTML_RE.search(text):
        raise CommentError(
            f"Remove the HTML from your {noun}. Use plain text, or simple Markdown such as *emphasis*", "body"
        )
    return text


REFUSALS = {
    "sign_in": "Sign in to comment",
    "banned": "Your account has been banned from commenting",
    "suspended": "Your account is suspended from commenting",
    "verify": "Confirm your email address before you comment",
}


def participation_refusal(user) -> str:
    """Why this person may not comment, react or flag (a key of REFUSALS), or "" when they may: the one
    rule the pages (comments_tags) and every write below check."""
    if not getattr(user, "is_authenticated", False):
        return "sign_in"
    if user.status == user.Status.BANNED or not user.is_active:
        return "banned"
    if not user.may_participate:
        return "suspended" if user.status == user.Status.SUSPENDED else "verify"
    return ""


def check_may_participate(user) -> None:
    refusal = participation_refusal(user)
    if refusal:
        raise CommentError(REFUSALS[refusal])


def check_consultation_open(consultation: Consultation, user=None) -> None:
    if not consultation.is_published or (user is not None and not may_view(user, consultation)):
        raise CommentError("This consultation is not published")
    if not consultation.is_open():
        phase = consultation.phase()
        if phase == "upcoming":
            raise CommentError("This consultation is not open for comments yet")
        raise CommentError("This consultation is closed. You can read the comments but not add to them")


def _check_target(consultation: Consultation, document: Document | None, section: Section | None) -> None:
    if document is not None:
        if document.consultation_id != consultation.pk:
            raise CommentError("That document is not part of this consultation")
        if document.state != Document.State.PUBLISHED:
            raise CommentError("You can only comment on the published version of the document")
    if section is not None:
        if document is None or section.document_id != document.pk:
            raise CommentError("That clause is not part of this document")
        if section.kind in Section.GROUPING or section.kind == Section.Kind.PREAMBLE:
            raise CommentError("Comment on a clause, not on a heading")


def _check_idea(consultation: Consultation, document, section, idea) -> None:
    if idea is None:
        return
    if idea.consultation_id != consultation.pk or document is not None or section is not None:
        raise CommentError("That idea is not part of this consultation")
    if idea.status in ("merged", "hidden", "pending"):
        raise CommentError("This idea is no longer open for comments")


def _check_parent(parent: Comment, consultation, document, section, idea=None) -> None:
    if (parent.consultation_id, parent.document_id, parent.section_id, parent.idea_id) != (
        consultation.pk,
        document.pk if document else None,
        section.pk if section else None,
        idea.pk if idea else None,
    ):
        raise CommentError("You can only reply to a comment on the same clause", "parent")
    if parent.status != Status.PUBLISHED:
        raise CommentError(
            "You cannot reply to a comment that has been removed or is not published", "parent"
        )


def shown_text(section: Section) -> str:
    """A clause's (or provision's) words as its page shows them, whitespace squashed: each provision's
    number and heading before its text, so that a phrase selected across two provisions, "(a) ... (b)",
    is found. A clause's own number and heading are the page's title, outside the quotable text."""
    parts: list[str] = []
    rows = (
        Section.objects.subtree(section).order_by("position").values_list("number", "heading", "text", "kind")
    )
    for number, heading, text, kind in rows:
        if kind not in Section.COMMENTABLE:
            parts += [number, heading]
        parts.append(text)
    return " ".join(" ".join(parts).split())


def _check_quote(quote: dict | None, section: Section | None) -> dict:
    quote = {k: (quote or {}).get(k, "") or "" for k in ("exact", "prefix", "suffix")}
    if not quote["exact"]:
        return quote
    if section is None:
        raise CommentError("Choose a clause to quote from", "quote_exact")
    # Whitespace is left out of the comparison: the page breaks lines where the text has newlines.
    if "".join(quote["exact"].split()) not in shown_text(section).replace(" ", ""):
        if section.kind in Section.COMMENTABLE:
            raise CommentError(
                "The words you quoted are not in this clause. Copy them exactly from the clause",
                "quote_exact",
            )
        raise CommentError(
            "The words you quoted are not in the part of the clause you chose. "
            "Choose the whole clause, or the part the words are in",
            "quote_exact",
        )
    quote["exact"] = quote["exact"][:500]
    quote["prefix"] = quote["prefix"][-64:]
    quote["suffix"] = quote["suffix"][:64]
    return quote


def is_new_account(user) -> bool:
    return user.date_joined > timezone.now() - timedelta(days=NEW_ACCOUNT_DAYS)


def _initial_status(*, author, consultation: Consultation, body: str, official: bool) -> tuple[str, str]:
    if official:
        return Status.PUBLISHED, ""
    if consultation.moderation_mode == Consultation.Moderation.PRE:
        return Status.PENDING, Comment.Hold.PRE_MODERATION
    if is_new_account(author) and autohold.has_link(body):
        return Status.PENDING, Comment.Hold.NEW_ACCOUNT_LINK
    return Status.PUBLISHED, ""


# --- comment lifecycle ---------------------------------------------------------------------------------


def _existing_for_key(author, key: str) -> Comment | None:
    if not key:
        return None
    # Unique per author: no ORDER BY, which would only give PostgreSQL another index to consider. Nearly
    # every post is a first try: ask for the id alone (a cheaper query to build and read), and load the
    # comment only for a retry.
    found = list(
        Comment.objects.filter(author=author, idempotency_key=key).order_by().values_list("pk", flat=True)[:1]
    )
    return Comment.objects.get(pk=found[0]) if found else None


def form_idempotency_key(
    *, author, key: str, body: str, document=None, section=None, parent_id: int | None = None
) -> str:
    """The key to post a web form under. A browser that goes Back to a form restores its hidden fields,
    old key included: when that key already saved a different comment, the new words are a new comment,
    not a retry (otherwise they would be silently dropped). They get a key derived from the old one and
    from what they say, so that a retry of this second post is still recognised. A real double submit
    sends the same words to the same place and keeps its key."""
    key = (key or "")[:64]
    existing = _existing_for_key(author, key) if getattr(author, "is_authenticated", False) else None
    if existing is None:
        return key
    body = (body or "").replace("\r\n", "\n").strip()
    place = (
        document.pk if document is not None else None,
        section.pk if section is not None else None,
        parent_id,
    )
    if existing.body == body and (existing.document_id, existing.section_id, existing.parent_id) == place:
        return key
    return hashlib.sha256(f"{key}\n{place}\n{body}".encode()).hexdigest()


def comment_create(**kwargs) -> Comment:
    """Validate, rate limit and save a comment or reply (on a clause, a document, the consultation, or
    an idea of an ideas consultation). A repeated idempotency key returns the first comment unchanged.
    Raises CommentError (nothing saved) or ratelimit.RateLimited. Arguments as `comment_post`."""
    return comment_post(**kwargs)[0]


def comment_post(
    *,
    author,
    consultation: Consultation,
    body: str,
    category: str = Comment.Category.GENERAL,
    document: Document | None = None,
    section: Section | None = None,
    parent: Comment | None = None,
    quote: dict | None = None,
    idempotency_key: str = "",
    ip: str = "",
    idea=None,
) -> tuple[Comment, bool]:
    """`comment_create`, also saying whether the comment is new (False: the idempotency key's earlier
    comment, returned unchanged and unchecked against these arguments)."""
    idempotency_key = (idempotency_key or "")[:64]
    existing = _existing_for_key(author, idempotency_key)
    if existing is not None:
        return existing, False
    check_may_participate(author)
    check_consultation_open(consultation, author)
    _check_target(consultation, document, section)
    _check_idea(consultation, document, section, idea)
    if parent is not None:
        parent = Comment.objects.get(pk=parent.pk)  # its status now, not when the page was loaded
        _check_parent(parent, consultation, document, section, idea)
    if category not in Comment.Category.values:
        raise CommentError("Choose what your comment is about", "category")
    text = clean_body(body)
    quote = _check_quote(quote, section) if parent is None else _check_quote(None, None)
    ratelimit.check_comment_rate(user=author, ip=ip)

    official = has_team_role(author, consultation.team_id)
    spam, toxicity = autohold.score_text(text, links_trusted=not is_new_account(author))
    status, hold = _initial_status(author=author, consultation=consultation, body=text, official=official)
    if status == Status.PUBLISHED and not official and autohold.should_hold(spam, toxicity):
        status, hold = Status.PENDING, Comment.Hold.SCORE
    now = timezone.now()
    comment = Comment(
        consultation=consultation,
        document=document,
        section=section,
        idea=idea,
        parent=parent,
        quote_exact=quote["exact"],
        quote_prefix=quote["prefix"],
        quote_suffix=quote["suffix"],
        author=author,
        category=category,
        body=text,
        body_html=render_markdown(text, tags=COMMENT_TAGS),
        is_official=official,
        status=status,
        hold_reason=hold,
        spam_score=spam,
        toxicity_score=toxicity,
        idempotency_key=idempotency_key,
        depth=(parent.depth + 1) if parent else 0,
        published_at=now if status == Status.PUBLISHED else None,
    )
    history.attribute(comment, by=author, reason="posted" if status == Status.PUBLISHED else f"held: {hold}")
    try:
        with transaction.atomic():
            reserved = _reserve_comment_id()
            if reserved is not None:
                comment.pk = reserved
                comment.path = Comment.thread_path(parent, reserved)
                comment.save(force_insert=True)
            else:
                comment.save()
                comment.path = Comment.thread_path(parent, comment.pk)
                Comment.objects.filter(pk=comment.pk).update(path=comment.path)
            if status == Status.PUBLISHED:
                _count_published(comment, +1)
    except IntegrityError:
        # A concurrent retry with the same key won the race: return its comment.
        existing = _existing_for_key(author, idempotency_key)
        if existing is None:
            raise
        return existing, False
    transaction.on_commit(lambda: _after_create(comment.pk, published=status == Status.PUBLISHED))
    return comment, True


def _reserve_comment_id() -> int | None:
    """On PostgreSQL, the new comment's id from the table's sequence, so that the row is written once,
    path included: writing the path after the insert would write the row, and each of its indexes, twice.
    None on other databases (the path is then set just after the insert)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [Comment._meta.db_table])
        return cursor.fetchone()[0]


def _count_published(comment: Comment, delta: int) -> None:
    """Add delta to every ancestor's reply_count (one UPDATE)."""
    ancestors = comment.ancestor_ids
    if ancestors:
        Comment.objects.filter(pk__in=ancestors).update(reply_count=F("reply_count") + delta)


def set_status(comment: Comment, status: str) -> None:
    """Change status, keeping the ancestors' reply counts right. Call inside a transaction."""
    was = comment.status == Status.PUBLISHED
    comment.status = status
    now_published = status == Status.PUBLISHED
    if was != now_published:
        _count_published(comment, +1 if now_published else -1)
    if now_published and comment.published_at is None:
        comment.published_at = timezone.now()


def _after_create(pk: int, *, published: bool) -> None:
    """One message for the worker (comments.tasks.comment_posted): notifications, then enrichment. With
    the broker down the comment is still saved; the enrichment sweep enriches it later."""
    try:
        tasks.comment_posted.delay(pk, published)
    except Exception:  # noqa: BLE001 - broker down: the comment is saved; do not fail the request
        logger.warning("could not queue the follow-up (notifications, enrichment) of comment %s", pk)


def queue_enrichment_guarded(pk: int) -> None:
    """The edited words are analysed again (dhdigital.lib.signals.units_saved); never raises: the
    enrichment sweep catches up on anything not queued."""
    try:
        units_saved.send(sender=Comment, kind="comment", pks=[pk])
    except Exception:  # noqa: BLE001 - enrichment catches up later (periodic sweep)
        logger.warning("could not queue enrichment for comment %s", pk)


def editable_until(comment: Comment):
    return comment.created_at + timedelta(minutes=settings.COMMENT_EDIT_WINDOW_MINUTES)


def can_edit(comment: Comment, user) -> bool:
    """The author, within the edit window, while the consultation is open."""
    return (
        getattr(user, "is_authenticated", False)
        and comment.author_id == user.pk
        and comment.status in (Status.PUBLISHED, Status.PENDING)
        and timezone.now() <= editable_until(comment)
        and comment.consultation.is_open()
    )


@transaction.atomic
def comment_edit(*, comment: Comment, by, body: str) -> Comment:
    """The author changes the text within the edit window; the page then shows "edited"."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != by.pk:
        raise CommentError("You can only edit your own comments")
    check_may_participate(by)
    check_consultation_open(comment.consultation)
    if not can_edit(comment, by):
        raise CommentError(
            f"You can only edit a comment in the first {settings.COMMENT_EDIT_WINDOW_MINUTES} minutes"
        )
    text = clean_body(body)
    if text == comment.body:
        return comment
    comment.body = text
    comment.body_html = render_markdown(text, tags=COMMENT_TAGS)
    comment.edited_at = timezone.now()
    spam, toxicity = autohold.score_text(text, links_trusted=not is_new_account(by))
    comment.spam_score, comment.toxicity_score = spam, toxicity
    if comment.status == Status.PUBLISHED and not comment.is_official:
        # New words face the same checks as a new comment: under pre-moderation an approved comment
        # goes back to the queue, and a new account adding a link or text the scorer marks is held.
        status, hold = _initial_status(
            author=by, consultation=comment.consultation, body=text, official=False
        )
        if status == Status.PUBLISHED and autohold.should_hold(spam, toxicity):
            status, hold = Status.PENDING, Comment.Hold.SCORE
        if status == Status.PENDING:
            set_status(comment, Status.PENDING)
            comment.hold_reason = hold
    history.save(comment, by=by, reason="edited by author")
    transaction.on_commit(lambda: queue_enrichment_guarded(comment.pk))
    return comment


@transaction.atomic
def comment_withdraw(*, comment: Comment, by) -> Comment:
    """The author takes back their comment. Replies stay readable under a placeholder."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != by.pk:
        raise CommentError("You can only withdraw your own comments")
    if comment.status == Status.WITHDRAWN:
        return comment
    if comment.status not in (Status.PUBLISHED, Status.PENDING):
        raise CommentError("This comment has already been removed")
    set_status(comment, Status.WITHDRAWN)
    history.save(comment, by=by, reason="withdrawn by author")
    return comment


# --- reactions and flags -------------------------------------------------------------------------------


@transaction.atomic
def reaction_set(*, comment: Comment, user, value: str, ip: str = "") -> Comment:
    """Agree or disagree (one per person). The same value again takes the reaction back; the other value
    changes it. Returns the comment with fresh counts."""
    if value not in Reaction.Value.values:
        raise CommentError("Choose agree or disagree", "value")
    check_may_participate(user)
    if comment.status != Status.PUBLISHED:
        raise CommentError("You can only react to a published comment")
    check_consultation_open(comment.consultation)
    if comment.author_id == user.pk:
        raise CommentError("You cannot react to your own comment")
    ratelimit.check_action_rate(user=user, ip=ip, scope="react")
    field = {"agree": "agree_count", "disagree": "disagree_count"}
    current = Reaction.objects.select_for_update().filter(comment=comment, user=user).first()
    updates: dict = {}
    if current is None:
        try:
            with transaction.atomic():
                Reaction.objects.create(comment=comment, user=user, value=value)
        except IntegrityError:
            raise CommentError("Your reaction was already recorded. Refresh the page") from None
        updates[field[value]] = F(field[value]) + 1
    elif current.value == value:
        current.delete()
        updates[field[value]] = F(field[value]) - 1
    else:
        updates[field[current.value]] = F(field[current.value]) - 1
        updates[field[value]] = F(field[value]) + 1
        current.value = value
        current.save(update_fields=["value", "updated_at"])
    Comment.objects.filter(pk=comment.pk).update(**updates)
    comment.refresh_from_db(fields=["agree_count", "disagree_count"])
    return comment


@transaction.atomic
def flag_create(*, comment: Comment, user, reason: str, note: str = "", ip: str = "") -> Flag:
    """A reader reports a comment. After FLAGS_TO_AUTO_HOLD distinct readers, it is held for review
    (unless a moderator has already reviewed and kept it)."""
    if reason not in Flag.Reason.values:
        raise CommentError("Choose why you are reporting this comment", "reason")
    check_may_participate(user)
    if comment.status != Status.PUBLISHED:
        raise CommentError("You can only report a published comment")
    if comment.author_id == user.pk:
        raise CommentError("You cannot report your own comment")
    note = (note or "").strip()
    if len(note) > 1000:
        raise CommentError("Your note must be 1,000 characters or fewer", "note")
    ratelimit.check_action_rate(user=user, ip=ip, scope="flag")
    flag, created = Flag.objects.get_or_create(
        comment=comment, user=user, defaults={"reason": reason, "note": note}
    )
    if not created:
        return flag
    Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if (
        locked.status == Status.PUBLISHED
        and not locked.reviewed_kept
        and not locked.is_official
        and locked.flag_count >= settings.FLAGS_TO_AUTO_HOLD
    ):
        set_status(locked, Status.PENDING)
        locked.hold_reason = Comment.Hold.FLAGS
        history.save(locked, reason=f"held after {locked.flag_count} flags")
    return flag


# --- follows and appeals -------------------------------------------------------------------------------


def subscription_follow(
    *, user, kind: str, consultation=None, document=None, section=None, frequency: str = "immediate"
) -> Subscription:
    if kind not in Subscription.Kind.values:
        raise CommentError("Choose what to follow")
    if frequency not in Subscription.Frequency.values:
        raise CommentError("Choose how often to be told", "frequency")
    sub, _ = Subscription.objects.update_or_create(
        user=user,
        kind=kind,
        consultation=consultation,
        document=document,
        section=section,
        defaults={"frequency": frequency, "active": True},
    )
    return sub


def subscription_unsubscribe(*, subscription: Subscription) -> Subscription:
    Subscription.objects.filter(pk=subscription.pk).update(active=False)
    subscription.active = False
    return subscription


def appeal_create(*, comment: Comment, user, text: str) -> Appeal:
    """The author asks moderators to look again at a rejected or removed comment."""
    if comment.author_id != user.pk:
        raise CommentError("You can only appeal decisions on your own comments")
    if comment.status not in (Status.REJECTED, Status.HIDDEN):
        raise CommentError("Only a rejected or removed comment can be appealed")
    text = (text or "").strip()
    if not text:
        raise CommentError("Explain why the decision should change", "text")
    if len(text) > 2000:
        raise CommentError("Your appeal must be 2,000 characters or fewer", "text")
    if HTML_RE.search(text) or "\ufffd" in text:
        raise CommentError("Use plain text only in your appeal", "text")
    try:
        with transaction.atomic():
            return Appeal.objects.create(comment=comment, user=user, text=text)
    except IntegrityError:
        raise CommentError("You have already appealed this decision") from None
