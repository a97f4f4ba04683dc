"""Writes for idea crowd-sourcing: submit, vote (one vote each), status with a public note, merge.
Comments on ideas are written by comments.services.comment_create (its moderation applies).

Ranking uses the Wilson score lower bound of the share of "for" votes among for+against votes
(see models.wilson_lower_bound): a new idea with two votes for does not outrank an established one with
ninety for and ten against, and a heavily opposed idea sinks however many votes it has."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from consultations.models import Consultation
from dhdigital.lib import history

from . import events
from .models import Idea, IdeaCategory, IdeaFlag, IdeaVote, wilson_lower_bound
from .services import queue_analysis


def _require_ideas_open(consultation: Consultation, user) -> None:
    if consultation.kind != Consultation.Kind.IDEAS:
        raise ValidationError("This consultation does not collect ideas.")
    if not consultation.is_open():
        raise ValidationError("This consultation is closed: ideas and votes are no longer accepted.")
    if not getattr(user, "may_participate", False):
        raise PermissionDenied("Sign in with a verified email address to take part.")


@transaction.atomic
def idea_create(
    *, consultation: Consultation, author, title: str, description: str, category: IdeaCategory | None = None
) -> Idea:
    _require_ideas_open(consultation, author)
    if category is not None and category.consultation_id != consultation.pk:
        raise ValidationError("Choose one of this consultation's categories.")
    # Under pre-moderation an idea waits for a moderator, as a comment does (staff publish it by
    # setting its status to "New").
    held = consultation.moderation_mode == Consultation.Moderation.PRE
    idea = Idea.objects.create(
        consultation=consultation,
        author=author,
        title=title.strip(),
        description=description.strip(),
        category=category,
        status=Idea.Status.PENDING if held else Idea.Status.NEW,
    )
    queue_analysis("idea", [idea.pk])
    return idea


def _recount(idea_id: int) -> Idea:
    counts = IdeaVote.objects.filter(idea_id=idea_id).aggregate(
        up=Count("pk", filter=Q(value=IdeaVote.UP)), down=Count("pk", filter=Q(value=IdeaVote.DOWN))
    )
    score = wilson_lower_bound(counts["up"], counts["down"])
    Idea.objects.filter(pk=idea_id).update(up_votes=counts["up"], down_votes=counts["down"], score=score)
    return Idea.objects.get(pk=idea_id)


@transaction.atomic
def idea_vote(*, idea: Idea, user, value: int) -> Idea:
    """Vote for (+1) or against (-1); voting again changes the vote; value 0 withdraws it."""
    _require_ideas_open(idea.consultation, user)
    if not idea.is_listed:
        raise ValidationError("This idea is no longer open for votes.")
    if idea.author_id == user.pk:
        raise ValidationError("You cannot vote on your own idea.")
    Idea.objects.select_for_update().filter(pk=idea.pk).first()
    if value == 0:
        IdeaVote.objects.filter(idea=idea, user=user).delete()
    elif value in (IdeaVote.UP, IdeaVote.DOWN):
        IdeaVote.objects.update_or_create(idea=idea, user=user, defaults={"value": value})
    else:
        raise ValidationError("Choose for or against.")
    return _recount(idea.pk)


@transaction.atomic
def idea_flag(*, idea: Idea, user, reason: str, note: str = "") -> IdeaFlag:
    """A reader reports an idea (once each; reporting again changes the reason). Only a listed idea of a
    consultation the reader may see, never their own; the idea goes into the team's moderation queue."""
    if not getattr(user, "may_participate", False):
        raise PermissionDenied("Sign in with a verified email address to report an idea.")
    if not idea.is_listed:
        raise ValidationError("This idea is not shown to the public, so it cannot be reported.")
    if idea.author_id == user.pk:
        raise ValidationError("You cannot report your own idea.")
    if reason not in IdeaFlag.Reason.values:
        raise ValidationError("Choose why you are reporting this idea.")
    flag, _ = IdeaFlag.objects.update_or_create(
        idea=idea,
        user=user,
        defaults={
            "reason": reason,
            "note": (note or "").strip()[:1000],
            "resolution": "",
            "resolved_at": None,
        },
    )
    return flag


def idea_flags_resolve(*, idea: Idea, by, resolution: str) -> int:
    """Close the idea's open reports: upheld when the idea is hidden, dismissed when a moderator keeps it."""
    return IdeaFlag.objects.filter(idea=idea, resolution=IdeaFlag.Resolution.OPEN).update(
        resolution=resolution, resolved_by=by, resolved_at=timezone.now()
    )


@transaction.atomic
def idea_set_status(*, idea: Idea, by, status: str, note: str = "") -> Idea:
    if status == Idea.Status.MERGED:
        raise ValidationError("Use merge to mark an idea as a duplicate.")
    if status not in Idea.Status.values:
        raise ValidationError("Choose a status.")
    changed = idea.status != status
    idea.status = status
    idea.status_note = note.strip()
    history.save(idea, by=by, reason=f"status: {status}", update_fields=["status", "status_note"])
    if status == Idea.Status.HIDDEN:
        idea_flags_resolve(idea=idea, by=by, resolution=IdeaFlag.Resolution.UPHELD)
    if changed:
        events.idea_status_changed.send(sender=Idea, idea=idea)
    return idea


@transaction.atomic
def idea_merge(*, duplicate: Idea, into: Idea, by, note: str = "") -> Idea:
    """Fold a duplicate into the idea kept: its votes move across, but a person who voted on both keeps
    only their vote on the kept idea, so nobody is counted twice."""
    if duplicate.pk == into.pk:
        raise ValidationError("Choose a different idea to merge into.")
    if duplicate.consultation_id != into.consultation_id:
        raise ValidationError("Both ideas must belong to the same consultation.")
    if not into.is_listed:
        raise ValidationError("The idea to keep has itself been merged or hidden.")
    locked = {i.pk: i for i in Idea.objects.select_for_update().filter(pk__in=[duplicate.pk, into.pk])}
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    already = IdeaVote.objects.filter(idea=into).values("user_id")
    IdeaVote.objects.filter(idea=duplicate, user_id__in=already).delete()
    IdeaVote.objects.filter(idea=duplicate).update(idea=into)
    # Ideas merged earlier into the duplicate now point at the kept idea, and its discussion moves too.
    Idea.objects.filter(merged_into=duplicate).update(merged_into=into)
    duplicate.comments.update(idea=into)  # comments on ideas (comments.Comment.idea)
    duplicate.status = Idea.Status.MERGED
    duplicate.merged_into = into
    duplicate.status_note = note.strip() or f"Merged into “{into.title}”."
    fields = ["status", "merged_into", "status_note"]
    history.save(duplicate, by=by, reason=f"merged into {into.pk}", update_fields=fields)
    _recount(duplicate.pk)
    return _recount(into.pk)
