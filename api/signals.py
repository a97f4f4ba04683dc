"""Webhook events from state changes, listened for here so the consultations services stay unaware of
integrations (a decoupled concern). The state loaded from the database is remembered on the instance
and compared after each save; the event goes out only if the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from consultations.models import Consultation

from .models import WebhookEvent
from .webhooks import webhooks_dispatch


@receiver(post_init, sender=Consultation)
def _remember_state(sender, instance: Consultation, **kwargs) -> None:
    instance._api_loaded_state = instance.__dict__.get("state")


@receiver(post_save, sender=Consultation)
def _state_changed(sender, instance: Consultation, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_api_loaded_state", None)
    after = instance.state
    instance._api_loaded_state = after
    # A new consultation is a draft nobody outside the team knows of; a deferred state is unknown.
    if created or before is None or before == after:
        return
    data = {
        "consultation": {
            "slug": instance.slug,
            "title": instance.title,
            "kind": instance.kind,
            "visibility": instance.visibility,
        },
        "from_state": before,
        "to_state": after,
    }
    team_id = instance.team_id

    def send() -> None:
        with transaction.atomic():
            webhooks_dispatch(event=WebhookEvent.CONSULTATION_STATE, team_id=team_id, data=data)

    transaction.on_commit(send)
