"""Celery tasks for the policy cycle app: thin wrappers around services."""

from celery import shared_task
from django.utils import timezone

from .visitors import visits_roll_up


@shared_task
def visitors_roll_up() -> int:
    """Forget yesterday's visitor hashes and salts, keeping one count per consultation and day.
    (Visits also trigger this when the day's first salt is made; the task covers quiet days.)"""
    return visits_roll_up(before=timezone.localdate())
