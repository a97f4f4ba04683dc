"""Celery application. With no REDIS_URL, settings make every task run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dhdigital.settings")

app = Celery("dhdigital")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
