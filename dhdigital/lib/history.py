"""Who changed what, and why, in the django-simple-history records of what officials edit (the audit trail
and the "what changed" pages): the one way the services say it."""

from __future__ import annotations

from django.db import models


def attribute(obj: models.Model, *, by=None, reason: str = "") -> None:
    """Make the history record that `obj`'s next save() or delete() writes name who (`by`) and why
    (`reason`). Without `by`, the record names the signed-in person of the request, if any (simple-history's
    middleware): nobody for beat and the workers."""
    if by is not None:
        obj._history_user = by  # type: ignore[attr-defined]
    if reason:
        obj._change_reason = reason  # type: ignore[attr-defined]


def save(obj: models.Model, *, by=None, reason: str = "", update_fields: list[str] | None = None) -> None:
    """`obj.save()` with its history record naming who and why (see `attribute`)."""
    attribute(obj, by=by, reason=reason)
    if update_fields:
        obj.save(update_fields=update_fields)
    else:
        obj.save()
