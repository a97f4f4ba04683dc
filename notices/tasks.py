"""Thin Celery wrappers around notices.services: take ids, call the service."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from . import services
from .models import Event

RETRY = {
    "autoretry_for": (ConnectionError, OSError),
    "retry_backoff": True,
    "max_retries": 5,
    "acks_late": True,
}


@shared_task(**RETRY)
def fan_out(event_id: int) -> int:
    return services.event_fan_out(event_id=event_id)


@shared_task(**RETRY)
def send_notices(notice_ids: list[int]) -> int:
    return services.notices_send(notice_ids=notice_ids)


@shared_task(**RETRY)
def send_bulletins(event_id: int, bulletin_ids: list[int]) -> int:
    return services.bulletins_send(event_id=event_id, bulletin_ids=bulletin_ids)


@shared_task(**RETRY)
def send_bulletin_confirmation(bulletin_id: int) -> bool:
    return services.bulletin_send_confirmation(bulletin_id=bulletin_id)


@shared_task
def send_digests() -> int:
    return services.digests_send()


@shared_task
def sweep() -> int:
    """Fan out events whose task was lost (the broker was down when they were recorded)."""
    due = Event.objects.filter(
        fanned_out_at__isnull=True, created_at__lte=timezone.now() - timedelta(minutes=5)
    )
    n = 0
    for event_id in due.values_list("pk", flat=True)[:100]:
        services.event_fan_out(event_id=event_id)
        n += 1
    return n
