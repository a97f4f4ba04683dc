"""The comments app's personal data (dhdigital.accounts.privacy): a person's comments, reactions, flags,
follows, appeals and the sanctions about them are theirs; a moderator's decisions about other people's
comments, flags, appeals and sanctions are exported as what they did and when, never the other people's
words or the private notes."""

from __future__ import annotations

from typing import Any

from dhdigital.accounts.privacy import REMOVE_TEXT, Holder, register, value
from dhdigital.lib import history
from dhdigital.lib.signals import units_erased

from . import services
from .models import Appeal, Comment, Flag, Subscription


def _place(comment: Comment) -> dict[str, str]:
    place = {"consultation": comment.consultation.title if comment.consultation_id else ""}
    if comment.section_id:
        place["clause"] = f"{comment.section.number} {comment.section.heading}".strip()
    return place


def _versions(comment: Comment) -> list[dict[str, Any]]:
    """Earlier texts of an edited comment, as the edit history keeps them."""
    versions = []
    seen = {comment.body}
    for h in Comment.history.filter(id=comment.pk).order_by("history_date"):
        if h.body and h.body not in seen:
            seen.add(h.body)
            versions.append({"saved_at": value(h.history_date), "body": h.body, "status": h.status})
    return versions


def extend(user, export: dict) -> None:
    items = export["records"].get("comments.Comment", {}).get("author", [])
    comments = Comment.objects.select_related("consultation", "section").in_bulk([i["id"] for i in items])
    for item in items:
        item["where"] = _place(comments[item["id"]])
        item["earlier_versions"] = _versions(comments[item["id"]])


def erase(user, policy: str) -> dict[str, int]:
    """Comments that were never published always lose their text; published ones too under "remove the
    text" (they show as withdrawn), else they stay as "Deleted account"."""
    mine = Comment.objects.filter(author=user)
    wipe = mine if policy == REMOVE_TEXT else mine.exclude(status=Comment.Status.PUBLISHED)
    wipe_ids = list(wipe.values_list("pk", flat=True))
    kept = mine.exclude(pk__in=wipe_ids).count()
    # Visible or queued ones become "withdrawn" (keeps reply counts right); rejected and hidden ones
    # keep their moderation status. All lose their text.
    for comment in wipe.filter(
        status__in=[Comment.Status.PUBLISHED, Comment.Status.PENDING]
    ).select_for_update():
        services.set_status(comment, Comment.Status.WITHDRAWN)
        history.attribute(comment, by=None, reason="account erased")
        comment.save(update_fields=["status", "published_at"])
    texts = [t for t in wipe.values_list("body", flat=True) if t]
    places = set(wipe.values_list("consultation_id", flat=True))
    wipe.update(body="", body_html="", quote_exact="", quote_prefix="", quote_suffix="")
    if wipe_ids:
        units_erased.send(sender=Comment, kind="comment", pks=wipe_ids, texts=texts, consultations=places)
    Comment.history.filter(id__in=wipe_ids).update(body="", quote_exact="", quote_prefix="", quote_suffix="")
    Comment.history.filter(author_id=user.pk).update(author=None)
    mine.update(author=None, idempotency_key="")
    return {
        "comments_kept_anonymous": kept,
        "comments_text_removed": len(wipe_ids),
        "subscriptions_deleted": Subscription.objects.filter(user=user).delete()[0],
        "appeals_wiped": Appeal.objects.filter(user=user).update(text=""),
        "flag_notes_wiped": Flag.objects.filter(user=user).update(note=""),
    }


register(
    Holder(
        name="comments",
        subject=(
            "comments.Comment.author",
            "comments.Reaction.user",
            "comments.Flag.user",
            "comments.Subscription.user",
            "comments.Appeal.user",
            "comments.Sanction.user",
        ),
        acts={
            "comments.Comment.moderated_by": ("id", "status", "moderated_at"),
            "comments.Flag.resolved_by": ("id", "comment_id", "resolution", "resolved_at"),
            "comments.Appeal.decided_by": ("id", "comment_id", "state", "decided_at"),
            "comments.Sanction.by": ("id", "kind", "consultation_id", "created_at"),
        },
        extend=extend,
        erase=erase,
    )
)
