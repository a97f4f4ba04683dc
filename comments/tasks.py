"""Thin Celery wrappers: take ids, call notifications. Queued with transaction.on_commit."""

from __future__ import annotations

from celery import shared_task

from . import notifications


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def notify_new_comment(comment_id: int) -> int:
    return notifications.notify_new_comment(comment_id)


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def notify_decision(comment_id: int) -> bool:
    return notifications.notify_decision(comment_id)


@shared_task
def send_daily_digests() -> int:
    return notifications.send_daily_digests()
