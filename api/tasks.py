"""Webhook delivery: one attempt per run; Celery retries with exponential back-off; a beat sweep
catches deliveries whose task was lost (or that run in-process without a worker)."""

from __future__ import annotations

from celery import shared_task

from . import delivery, webhooks


@shared_task(bind=True, max_retries=delivery.MAX_ATTEMPTS - 1, acks_late=True)
def deliver_webhook(self, delivery_id: int) -> bool | None:
    ok = webhooks.webhook_attempt(delivery_id=delivery_id)
    if ok is False and not self.request.is_eager and self.request.retries < self.max_retries:
        raise self.retry(countdown=delivery.backoff_seconds(self.request.retries + 1))
    return ok


@shared_task
def webhooks_retry_due() -> int:
    """Every minute (beat): announce finished analysis runs, then retry deliveries whose back-off passed."""
    webhooks.notify_finished_runs()
    due = webhooks.deliveries_due()
    for pk in due:
        webhooks.webhook_attempt(delivery_id=pk)
    return len(due)
