"""Moderators' writes: approve, reject, hide, keep, appeals, suspensions and bans.

Every decision is saved through django-simple-history with the moderator as `history_user` and
"<decision>: <house rule>" as `history_change_reason`: who, when and why.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from consultations.models import Consultation
from dhdigital.accounts.models import Role, User
from dhdigital.accounts.roles import has_team_role
from dhdigital.lib import history

from . import house_rules, tasks
from .models import Appeal, Comment, Flag, Sanction
from .services import CommentError, set_status

Status = Comment.Status
logger = logging.getLogger(__name__)


class Decision:
    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    KEEP = "keep"
    CHOICES = [
        (APPROVE, "Approve (publish)"),
        (REJECT, "Reject (never published)"),
        (HIDE, "Remove (replies stay readable)"),
        (KEEP, "Reviewed, keep it published"),
    ]
    NEEDS_REASON = {REJECT, HIDE}

    @classmethod
    def choices_for(cls, status: str) -> list[tuple[str, str]]:
        """The decisions a comment in this status can take."""
        return cls.choices_for_all({status})

    @classmethod
    def choices_for_all(cls, statuses: set[str]) -> list[tuple[str, str]]:
        """The decisions every comment in these statuses can take (a bulk decision is all or nothing)."""
        return [(value, label) for value, label in cls.CHOICES if statuses <= cls.ALLOWED_FROM[value]]

    ALLOWED_FROM = {
        APPROVE: {Status.PENDING, Status.REJECTED, Status.HIDDEN},
        REJECT: {Status.PENDING},
        HIDE: {Status.PUBLISHED, Status.PENDING},
        KEEP: {Status.PUBLISHED, Status.PENDING},
    }


def _require_moderator(user, consultation_or_team_id) -> None:
    team_id = (
        consultation_or_team_id
        if isinstance(consultation_or_team_id, int)
        else consultation_or_team_id.team_id
    )
    if not has_team_role(user, team_id, Role.MODERATOR):
        raise PermissionDenied("Only this consultation's moderators may do that")


def _decide_one(comment: Comment, *, by, decision: str, reason: str, note: str) -> bool:
    """Apply one decision to a locked comment. Returns True when the author should be told."""
    if comment.status not in Decision.ALLOWED_FROM[decision]:
        raise CommentError(
            f"Comment {comment.pk} is {comment.get_status_display().lower()}: cannot {decision} it"
        )
    now = timezone.now()
    tell_author = decision in (Decision.APPROVE, Decision.REJECT, Decision.HIDE)
    if decision == Decision.APPROVE:
        set_status(comment, Status.PUBLISHED)
        comment.hold_reason = ""
        if comment.flag_count:
            comment.reviewed_kept = True
            Flag.objects.filter(comment=comment, resolution="").update(
                resolution=Flag.Resolution.DISMISSED, resolved_by=by, resolved_at=now
            )
    elif decision == Decision.KEEP:
        tell_author = comment.status != Status.PUBLISHED
        set_status(comment, Status.PUBLISHED)
        comment.hold_reason = ""
        comment.reviewed_kept = True
        Flag.objects.filter(comment=comment, resolution="").update(
            resolution=Flag.Resolution.DISMISSED, resolved_by=by, resolved_at=now
        )
    else:
        set_status(comment, Status.REJECTED if decision == Decision.REJECT else Status.HIDDEN)
        Flag.objects.filter(comment=comment, resolution="").update(
            resolution=Flag.Resolution.UPHELD, resolved_by=by, resolved_at=now
        )
    comment.moderation_reason = reason if decision in Decision.NEEDS_REASON else ""
    comment.moderation_note = note
    comment.moderated_by = by
    comment.moderated_at = now
    history.save(comment, by=by, reason=f"{decision}: {reason}" if reason else decision)
    return tell_author


def comments_moderate(
    *, consultation: Consultation, comment_ids: list[int], by, decision: str, reason: str = "", note: str = ""
) -> list[Comment]:
    """Approve, reject, hide or keep one or more comments of one consultation, atomically: either every
    comment gets the decision or none does. Rejecting and hiding need a house-rule reason. Each author
    is emailed the decision (with the reason and an appeal link) after commit."""
    _require_moderator(by, consultation)
    if decision not in Decision.ALLOWED_FROM:
        raise CommentError("Choose a decision", "decision")
    if decision in Decision.NEEDS_REASON and reason not in house_rules.BY_CODE:
        raise CommentError("Choose which house rule the comment breaks", "reason")
    if reason and reason not in house_rules.BY_CODE:
        raise CommentError("Choose a house rule from the list", "reason")
    if not comment_ids:
        raise CommentError("Select at least one comment", "comments")
    note = (note or "").strip()[:2000]
    with transaction.atomic():
        comments = list(
            Comment.objects.select_for_update()
            .filter(pk__in=comment_ids, consultation=consultation)
            .order_by("pk")
        )
        if len(comments) != len(set(comment_ids)):
            raise CommentError("Some of the selected comments are not in this consultation", "comments")
        told = [c.pk for c in comments if _decide_one(c, by=by, decision=decision, reason=reason, note=note)]
        published = [c.pk for c in comments if c.status == Status.PUBLISHED and decision == Decision.APPROVE]

        def after() -> None:
            try:
                for pk in told:
                    tasks.notify_decision.delay(pk)
                for pk in published:
                    tasks.notify_new_comment.delay(pk)
            except Exception:  # noqa: BLE001 - broker down: the decision stands; do not fail the request
                logger.warning("could not queue moderation emails for %s comments", len(told))

        transaction.on_commit(after)
    return comments


def comment_moderate(*, comment: Comment, by, decision: str, reason: str = "", note: str = "") -> Comment:
    comments_moderate(
        consultation=comment.consultation,
        comment_ids=[comment.pk],
        by=by,
        decision=decision,
        reason=reason,
        note=note,
    )
    comment.refresh_from_db()
    return comment


@transaction.atomic
def appeal_decide(*, appeal: Appeal, by, uphold: bool, note: str = "") -> Appeal:
    """Uphold (restore the comment) or dismiss an appeal."""
    _require_moderator(by, appeal.comment.consultation)
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.state != Appeal.State.OPEN:
        raise CommentError("This appeal has already been decided")
    if uphold:
        comment_moderate(
            comment=appeal.comment, by=by, decision=Decision.APPROVE, note=note or "appeal upheld"
        )
    appeal.state = Appeal.State.UPHELD if uphold else Appeal.State.DISMISSED
    appeal.decided_by = by
    appeal.decided_at = timezone.now()
    history.save(appeal, by=by)
    return appeal


def _require_owner_of_sanction_in_force(by, user: User) -> None:
    if user.status == User.Status.ACTIVE or by.is_superuser:
        return
    latest = (
        Sanction.objects.filter(user=user).exclude(kind=Sanction.Kind.LIFT).order_by("-created_at", "-pk")
    )
    imposed = latest.select_related("consultation").first()
    team_id = imposed.consultation.team_id if imposed and imposed.consultation_id else None
    if team_id is None or not has_team_role(by, team_id, Role.MODERATOR):
        raise PermissionDenied(
            "This person's suspension or ban was imposed by another team: only that team's moderators "
            "or an administrator may change or lift it"
        )


@transaction.atomic
def user_sanction(
    *,
    user: User,
    by,
    consultation: Consultation,
    kind: str,
    reason: str,
    until: datetime | None = None,
    note: str = "",
) -> Sanction:
    """Suspend (until a date), ban, or restore a commenter. Only a moderator of a consultation where the
    user has commented may do it; officials cannot be sanctioned this way.

    Sanctions hold across the whole site, so one in force (a suspension or a ban) is changed or lifted
    only by a moderator of the team that imposed it, or by an administrator (superuser): another team's
    moderator cannot undo it (docs/security.md)."""
    _require_moderator(by, consultation)
    _require_owner_of_sanction_in_force(by, user)
    if kind not in Sanction.Kind.values:
        raise CommentError("Choose suspend, ban or restore", "kind")
    if kind != Sanction.Kind.LIFT and reason not in house_rules.BY_CODE:
        raise CommentError("Choose which house rule was broken", "reason")
    if kind == Sanction.Kind.SUSPEND and (until is None or until <= timezone.now()):
        raise CommentError("Enter a date in the future for the suspension to end", "until")
    if user.is_superuser or user.memberships.exists():
        raise CommentError("Officials cannot be suspended or banned here")
    if not Comment.objects.filter(author=user, consultation=consultation).exists():
        raise CommentError("This person has not commented on this consultation")
    user.status = {"suspend": User.Status.SUSPENDED, "ban": User.Status.BANNED, "lift": User.Status.ACTIVE}[
        kind
    ]
    user.suspended_until = until if kind == Sanction.Kind.SUSPEND else None
    user.save(update_fields=["status", "suspended_until"])
    sanction = Sanction(
        user=user,
        by=by,
        consultation=consultation,
        kind=kind,
        reason=reason,
        until=user.suspended_until,
        note=(note or "")[:2000],
    )
    history.save(sanction, by=by)
    return sanction
