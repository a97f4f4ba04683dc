"""Thin Celery wrappers: take ids, call notifications. Queued with transaction.on_commit."""

from __future__ import annotations

import logging

from celery import shared_task

from dhdigital.lib.signals import enrich_now

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
    """Enriched by the analysis app (dhdigital.lib.signals.enrich_now); False when it failed, which the
    enrichment sweep catches up, or when no app enriches."""
    enriched = False
    for _receiver, result in enrich_now.send_robust(sender=None, kind="comment", pk=comment_id):
        if isinstance(result, Exception):
            logger.error(
                "comment %s not enriched; the enrichment sweep will retry it", comment_id, exc_info=result
            )
        else:
            enriched = enriched or bool(result)
    return enriched


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def notify_new_comment(comment_id: int) -> int:
    return notifications.notify_new_comment(comment_id)


@shared_task(autoretry_for=(ConnectionError, OSError), retry_backoff=True, max_retries=5)
def notify_decision(comment_id: int) -> bool:
    return notifications.notify_decision(comment_id)


@shared_task
def send_daily_digests() -> int:
    return notifications.send_daily_digests()
