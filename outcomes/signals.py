"""A change to the ledger shows at once on the consultation's cached public pages
(dhdigital/lib/pagecache.py)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from consultations.signals import bump_for

from .models import LedgerEntry


@receiver([post_save, post_delete], sender=LedgerEntry)
def ledger_changed(sender, instance, **kwargs):
    bump_for(instance.consultation_id)
