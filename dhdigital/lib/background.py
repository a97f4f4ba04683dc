"""Sending a long task (an analysis run, reading an attachment) so that the page that started it can show
its progress.

With a broker the task goes to the worker, as any task does. With in-process tasks (no REDIS_URL: `make
run`), Celery would run it inside `.delay()`, so the request that started it would return only once it had
finished and its progress page would never show progress; here it runs in a thread of the web process
instead, after the request's transaction has committed, as a worker would. Tests run it inline
(`LONG_TASKS_IN_THREAD = False`), except those that check the thread.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

logger = logging.getLogger(__name__)


def in_thread() -> bool:
    from dhdigital.celery import app

    return bool(app.conf.task_always_eager) and getattr(settings, "LONG_TASKS_IN_THREAD", True)


def send_long_task(task, *args) -> str:
    """Queue `task(*args)`; returns the Celery task id ("" when it runs in a thread of this process)."""
    if not in_thread():
        return str(task.delay(*args).id or "")
    thread = threading.Thread(target=_run, args=(task, args), name=f"long-task:{task.name}", daemon=True)
    thread.start()
    return ""


def _run(task, args) -> None:
    close_old_connections()
    try:
        task.apply(args=args, throw=False)
    except Exception:  # noqa: BLE001 - a thread has nobody to raise to; the task's row records failures
        logger.exception("in-process task failed", extra={"task": task.name})
    finally:
        connections.close_all()
