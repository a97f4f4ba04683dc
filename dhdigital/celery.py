"""Celery application. With no REDIS_URL, settings make every task run in-process (eager)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dhdigital.settings")


class App(Celery):
    def on_configure(self) -> None:
        """A worker, beat or any celery command refuses to start without a real SECRET_KEY (a signal
        handler's exception would only be logged, so this is the app's own hook)."""
        from dhdigital.lib.secret_key import refuse_to_start

        refuse_to_start()


app = App("dhdigital")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
