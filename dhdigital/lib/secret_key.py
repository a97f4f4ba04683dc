"""SECRET_KEY: given by the deployment, or, on your own machine only, a random one kept in the checkout.

A key that is published (a default in the code, the placeholder in .env.example, Django's
`django-insecure-` keys) signs nothing: with it anyone can forge what the key signs, such as email
confirmation links, password reset links and sessions. So with DEBUG off and no PLAIN_HTTP opt-out the
portal refuses to start without a key of its own, instead of falling back to one silently: the WSGI
application (gunicorn, runserver) and the Celery app refuse to load (`refuse_to_start`) and
`check --deploy` fails (`check_secret_key`). Commands that serve nothing and sign nothing
(`makemigrations`, `collectstatic`) still run, with an empty key that Django itself never signs with.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

LOCAL_KEY_FILE = ".secret_key"
# Prefixes of keys that are written down somewhere public.
PUBLISHED_PREFIXES = ("django-insecure-", "change-me")

REFUSAL = (
    "SECRET_KEY is not set, or is a published placeholder. Set it to 50 or more random characters "
    '(python -c "import secrets; print(secrets.token_urlsafe(64))"). On your own machine over plain '
    "HTTP, set PLAIN_HTTP=true instead (make run does): a random key is then kept in {file}."
)


def is_published(key: str) -> bool:
    return key.strip().startswith(PUBLISHED_PREFIXES)


def secret_key(given: str, *, local: bool, checkout: Path) -> str:
    """`given` when it is a real key. Otherwise, for local use (DEBUG or PLAIN_HTTP), this checkout's own
    random key (made on first use); otherwise ImproperlyConfigured."""
    if given and not is_published(given):
        return given
    path = checkout / LOCAL_KEY_FILE
    if not local:
        raise ImproperlyConfigured(REFUSAL.format(file=path))
    return _local_key(path)


def _local_key(path: Path) -> str:
    """The key in `path`, written there first if there is none. Processes that start together (parallel
    test processes, a server and its worker) all read the one key: it is written to a temporary file and
    linked into place, so nobody reads a half-written file and the first link wins."""
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_urlsafe(64) + "\n")
        with contextlib.suppress(FileExistsError):  # another process linked its key first: use that one
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


def refuse_to_start() -> None:
    """For what serves or works (the WSGI application, the Celery app): settings' refusal, if any."""
    from django.conf import settings

    if settings.SECRET_KEY_REFUSAL:
        raise ImproperlyConfigured(settings.SECRET_KEY_REFUSAL)


def check_secret_key(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """The same refusal as a deployment check (`check --deploy`)."""
    from django.conf import settings

    if settings.SECRET_KEY_REFUSAL:
        return [checks.Error(settings.SECRET_KEY_REFUSAL, id="lib.E001")]
    return []
