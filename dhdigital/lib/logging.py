"""Structured logs: one JSON object a line, each with the request id, and no personal data.

- `request_id_var` holds the current request's id (set by `dhdigital.lib.middleware.RequestIdMiddleware`,
  carried into Celery tasks through a task header so a worker's lines share the id of the request that
  queued the task).
- `ContextFilter` stamps every record with `request_id`; `ScrubFilter` rewrites the message so email
  addresses and IP addresses never reach a log file ("[email]", "[ip]"), nor the secret part of a
  link that is its own permission (resume, unsubscribe, confirm email, reset password: "[secret]").
  Both sit on the handler, so records from every logger (Django's, Celery's, ours) pass through them.
- `JsonFormatter` writes the line; extra fields passed with `logger.info(..., extra={...})` are included
  (scrubbed too), except objects such as the request, which are never serialised.

LOG_FORMAT=plain in the environment gives human-readable lines for development (still scrubbed).
"""

from __future__ import annotations

import contextvars
import ipaddress
import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Candidates only; each is checked with `ipaddress` so times ("12:30:45") and versions survive.
IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.])")
IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?:%\w+)?(?![\w:])")

# LogRecord's own attributes: everything else on a record came from `extra=`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}
_NEVER = {"request", "server_time", "response", "scope", "user"}


# Links whose path is the permission (resume a response, unsubscribe, confirm an email address, reset a
# password): their secret part never reaches a log line, where it would let a reader act as the person.
SECRET_PATH_RE = re.compile(
    r"(/responses/resume/|/comments/unsubscribe/|/accounts/confirm-email/|/accounts/password/reset/key/"
    r"|/consultations/invitations/)"
    r"[^/\s\"']+"
)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return False
    return True


def scrub(text: str) -> str:
    """Replace email addresses and IP addresses in free text."""
    if not text:
        return text
    text = SECRET_PATH_RE.sub(r"\1[secret]", text)
    text = EMAIL_RE.sub("[email]", text)
    text = IPV4_RE.sub(lambda m: "[ip]" if _is_ip(m.group(0)) else m.group(0), text)
    if ":" in text:
        text = IPV6_RE.sub(lambda m: "[ip]" if _is_ip(m.group(0)) else m.group(0), text)
    return text


def _scrub_value(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_scrub_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _scrub_value(v) for k, v in value.items()}
    return scrub(str(value))


class ContextFilter(logging.Filter):
    """Adds `request_id` to every record (the current request's or task's, or "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = request_id_var.get()
        return True


class ScrubFilter(logging.Filter):
    """Formats the message once and removes emails and IP addresses from it (and from the traceback)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not lose the line
            message = str(record.msg)
        record.msg = scrub(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: ts, level, logger, message, request_id, extras, exc."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_var.get(),
        }
        for key, value in record.__dict__.items():
            if key in _STANDARD or key in _NEVER or key.startswith("_"):
                continue
            entry[key] = _scrub_value(value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = scrub(record.exc_text)
        return json.dumps(entry, ensure_ascii=False, default=str)


class PlainFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return scrub(super().format(record))


def logging_config(*, fmt: str = "json", level: str = "INFO") -> dict:
    """The LOGGING dict for settings.py."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "context": {"()": "dhdigital.lib.logging.ContextFilter"},
            "scrub": {"()": "dhdigital.lib.logging.ScrubFilter"},
        },
        "formatters": {
            "json": {"()": "dhdigital.lib.logging.JsonFormatter"},
            "plain": {"()": "dhdigital.lib.logging.PlainFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain" if fmt == "plain" else "json",
                "filters": ["context", "scrub"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            "axes": {"level": "WARNING"},  # its INFO lines repeat every sign-in attempt
            # runserver's access log prints query strings and is for development only.
            "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }


def _connect_celery_signals() -> None:
    """Carry the request id from the web process into the tasks it queues."""
    try:
        from celery import signals
    except ImportError:  # pragma: no cover - celery is a dependency
        return

    @signals.before_task_publish.connect(weak=False)
    def _add_request_id(headers=None, **_kwargs):
        if headers is not None and request_id_var.get() != "-":
            headers.setdefault("dhd_request_id", request_id_var.get())

    @signals.task_prerun.connect(weak=False)
    def _set_request_id(task=None, task_id=None, **_kwargs):
        rid = getattr(getattr(task, "request", None), "dhd_request_id", None)
        # Eager tasks run inside the request: keep its id. On a worker use the header, else the task id.
        if rid or request_id_var.get() == "-":
            request_id_var.set(rid or f"task-{task_id}")

    @signals.task_postrun.connect(weak=False)
    def _clear_request_id(task=None, **_kwargs):
        if not getattr(getattr(task, "request", None), "is_eager", False):
            request_id_var.set("-")


_connect_celery_signals()
