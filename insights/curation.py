"""Officials in the loop: edit, merge, split, delete and confirm themes; confirm, reject, add and move tags.

Machine and human tags stay distinct (`source`), officials' decisions are flags on the machine tag
(`confirmed` / `rejected`), and every change goes through simple-history with a change reason.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from dhdigital.lib import history

from . import units
from .models import Theme, ThemeAssignment
from .runs import valid_scope


class CurationError(Exception):
    """An edit that cannot be made (a message for the official)."""


def _save(obj, by, reason: str, fields: list[str] | None = None) -> None:
    history.save(obj, by=by, reason=reason, update_fields=fields)


def _active(theme: Theme) -> None:
    if not theme.is_active:
        raise CurationError("That theme was deleted or merged.")


@transaction.atomic
def theme_update(*, theme: Theme, by, label: str, description: str = "") -> Theme:
    """Rename or re-describe a theme."""
    _active(theme)
    label = " ".join(label.split())
    if not label:
        raise CurationError("Enter a name for the theme.")
    changes = []
    if label != theme.label:
        changes.append(f"renamed from “{theme.label}”")
    if description != theme.description:
        changes.append("description changed")
    if not changes:
        return theme
    theme.label, theme.description = label[:200], description
    _save(theme, by, "; ".join(changes), ["label", "description"])
    return theme


@transaction.atomic
def theme_create(*, consultation, by, scope: str, label: str, description: str = "") -> Theme:
    """A theme an official names (source human), e.g. one the machine missed."""
    label = " ".join(label.split())
    if not label:
        raise CurationError("Enter a name for the theme.")
    if not valid_scope(consultation, scope):
        raise CurationError("Choose a clause or question of this consultation.")
    theme = Theme(
        consultation=consultation,
        scope=scope,
        label=label[:200],
        description=description,
        source=Theme.Source.HUMAN,
        approved_by=by,
        approved_at=timezone.now(),
    )
    _save(theme, by, "created by an official")
    return theme


@transaction.atomic
def theme_confirm(*, theme: Theme, by) -> Theme:
    _active(theme)
    theme.approved_by, theme.approved_at = by, timezone.now()
    _save(theme, by, "confirmed", ["approved_by", "approved_at"])
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme, by) -> Theme:
    """Soft delete: the theme leaves every list and count; its history and tags stay for the audit."""
    _active(theme)
    theme.is_active = False
    _save(theme, by, "deleted", ["is_active"])
    return theme


@transaction.atomic
def theme_restore(*, theme: Theme, by) -> Theme:
    """Undo a deletion: the theme, with the tags it kept, is back in every list and count. A merged theme's
    tags now live on the theme it was merged into, so it cannot come back this way."""
    if theme.is_active:
        raise CurationError("That theme is not deleted.")
    if theme.merged_into_id:
        raise CurationError("That theme was merged into another one: split its responses out instead.")
    theme.is_active = True
    _save(theme, by, "restored", ["is_active"])
    return theme


def _move_tag(tag: ThemeAssignment, target: Theme, by, reason: str) -> None:
    """Put `tag`'s unit on `target`. A machine tag moved by an official counts as a correction: the machine
    tag is kept (rejected) and a human tag is added on the target."""
    unit = tag.unit_key.ref()
    existing = ThemeAssignment.objects.filter(theme=target, **unit).first()
    now = timezone.now()
    if tag.source == ThemeAssignment.Source.MACHINE:
        if not tag.rejected:
            tag.rejected, tag.confirmed, tag.decided_by, tag.decided_at = True, False, by, now
            _save(tag, by, f"{reason}: moved to “{target.label}”")
    else:
        if existing is None:
            tag.theme = target
            tag.decided_by, tag.decided_at = by, now
            _save(tag, by, f"{reason}: moved to “{target.label}”")
            return
        history.attribute(tag, by=by, reason=f"{reason}: already on “{target.label}”")
        tag.delete()
    if existing is None:
        new = ThemeAssignment(
            theme=target,
            source=ThemeAssignment.Source.HUMAN,
            confirmed=True,
            decided_by=by,
            decided_at=now,
            confidence=1.0,
            **unit,
        )
        _save(new, by, reason)
    elif existing.source == ThemeAssignment.Source.MACHINE and not existing.confirmed:
        existing.confirmed, existing.rejected, existing.decided_by, existing.decided_at = True, False, by, now
        _save(existing, by, reason)


@transaction.atomic
def theme_merge(*, target: Theme, sources: list[Theme], by) -> Theme:
    """Merge `sources` into `target`: their tags move over, they are marked merged into it."""
    _active(target)
    sources = [s for s in sources if s.pk != target.pk]
    if not sources:
        raise CurationError("Choose at least one other theme to merge into this one.")
    for s in sources:
        _active(s)
        if s.consultation_id != target.consultation_id:
            raise CurationError("Themes can only be merged within one consultation.")
        for tag in ThemeAssignment.objects.filter(theme=s, rejected=False).select_related("theme"):
            _move_tag(tag, target, by, f"merged from “{s.label}”")
        s.is_active, s.merged_into = False, target
        _save(s, by, f"merged into “{target.label}”", ["is_active", "merged_into"])
    target.keywords = list(dict.fromkeys(target.keywords + [k for s in sources for k in s.keywords]))[:12]
    target.quotes = (target.quotes + [q for s in sources for q in s.quotes])[:5]
    _save(target, by, "merged " + ", ".join(f"“{s.label}”" for s in sources), ["keywords", "quotes"])
    return target


@transaction.atomic
def theme_split(*, theme: Theme, by, tag_ids: list[int], label: str, description: str = "") -> Theme:
    """Move the chosen responses of `theme` to a new human theme in the same scope."""
    _active(theme)
    tags = list(ThemeAssignment.objects.filter(theme=theme, pk__in=tag_ids, rejected=False))
    if not tags:
        raise CurationError("Choose the responses to move to the new theme.")
    new = theme_create(
        consultation=theme.consultation, by=by, scope=theme.scope, label=label, description=description
    )
    new.section_id, new.question_id = theme.section_id, theme.question_id
    new.save(update_fields=["section", "question"])
    for tag in tags:
        _move_tag(tag, new, by, f"split from “{theme.label}”")
    return new


@transaction.atomic
def tag_decide(*, tag: ThemeAssignment, by, confirm: bool) -> ThemeAssignment:
    """An official confirms or rejects a machine tag (these decisions feed the agreement figure)."""
    if tag.source != ThemeAssignment.Source.MACHINE:
        raise CurationError("Only machine tags are confirmed or rejected; remove an official's tag instead.")
    tag.confirmed, tag.rejected = confirm, not confirm
    tag.decided_by, tag.decided_at = by, timezone.now()
    _save(tag, by, "confirmed" if confirm else "rejected")
    return tag


@transaction.atomic
def tag_add(*, theme: Theme, by, unit: str) -> ThemeAssignment:
    """Label an example: an official puts a response (`comment:12`, `answer:5`, `idea:3`) on a theme."""
    _active(theme)
    try:
        key = units.key_in(theme.consultation_id, unit)
    except ValueError as exc:
        raise CurationError("Choose a response of this consultation.") from exc
    existing = ThemeAssignment.objects.filter(theme=theme, **key.ref()).first()
    if existing is not None:
        if existing.source == ThemeAssignment.Source.MACHINE:
            return tag_decide(tag=existing, by=by, confirm=True)
        return existing
    tag = ThemeAssignment(
        theme=theme,
        source=ThemeAssignment.Source.HUMAN,
        confirmed=True,
        confidence=1.0,
        decided_by=by,
        decided_at=timezone.now(),
        **key.ref(),
    )
    _save(tag, by, "labelled by an official")
    return tag


@transaction.atomic
def tag_remove(*, tag: ThemeAssignment, by) -> None:
    if tag.source == ThemeAssignment.Source.MACHINE:
        tag_decide(tag=tag, by=by, confirm=False)
        return
    history.attribute(tag, by=by, reason="removed by an official")
    tag.delete()


@transaction.atomic
def tag_move(*, tag: ThemeAssignment, target: Theme, by) -> None:
    _active(target)
    if target.consultation_id != tag.theme.consultation_id:
        raise CurationError("Choose a theme of this consultation.")
    if target.pk == tag.theme_id:
        raise CurationError("The response is already on that theme.")
    _move_tag(tag, target, by, f"moved from “{tag.theme.label}”")
