"""Public pages cached for anonymous readers (dhdigital/lib/pagecache.py) go stale at once when the
consultation or its documents change; the apps above connect what else makes them stale (a comment's
moderation, wording or withdrawal: comments/signals.py; the ledger: outcomes/signals.py) to `bump_for`."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dhdigital.lib import pagecache

from .models import Consultation, Document


def bump_for(consultation_id: int | None) -> None:
    """Make every cached public page of the consultation stale now."""
    if consultation_id is None:
        return
    slug = Consultation.objects.filter(pk=consultation_id).values_list("slug", flat=True).first()
    if slug:
        pagecache.bump(slug)


@receiver([post_save, post_delete], sender=Consultation)
def consultation_changed(sender, instance, **kwargs):
    pagecache.bump(instance.slug)


@receiver([post_save, post_delete], sender=Document)
def document_changed(sender, instance, **kwargs):
    bump_for(instance.consultation_id)
