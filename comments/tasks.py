"""Thin Celery wrappers: take ids, call notifications. Queued with transaction.on_commit."""

from __future__ import annotations

import logging

from celery import shared_task

from . import notifications

logger = logging.getLogger(__name__)


@shared_task(
    name="comments.tasks.comment_posted",
    acks_late=True,
    autoretry_for=(ConnectionError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def comment_posted(comment_id: int, published: bool) -> dict:
    """Everything that follows a new comment, from one message (a post is one send to the broker, not
    one per follow-up): its followers are notified when it is published, then it is enriched for
    analysis. An enrichment that fails is left to the periodic sweep (insights.tasks.enrichment_sweep),
    which enriches whatever is missing; a notification that cannot be sent retries the task."""
    try:
        notified = notifications.notify_new_comment(comment_id) if published else 0
    except Exception:
        _enrich(comment_id)  # a failed notification does not hold up the analysis
        raise
    return {"notified": notified, "enriched": _enrich(comment_id)}


def _enrich(comment_id: int) -> bool:
    try:
        from insights.services import enrichment_compute
    except ImportError:  # the analysis app is optional
        return False
    try:
        return enrichment_compute(kind="comment", pk=comment_id) is not None
    except Exception:  # noqa: BLE001 - the sweep catches it up
        logger.exception("comment %s not enriched; the enrichment sweep will retry it", comment_id)
        return False


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def notify_new_comment(comment_id: int) -> int:
    return notifications.notify_new_comment(comment_id)


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def notify_decision(comment_id: int) -> bool:
    return notifications.notify_decision(comment_id)


@shared_task
def send_daily_digests() -> int:
    return notifications.send_daily_digests()
