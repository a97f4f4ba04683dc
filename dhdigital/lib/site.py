"""The site's own address in what is sent away from a request (emails, feeds, exports)."""

from __future__ import annotations

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` on the site's own address (settings.SITE_URL, never a request's Host header), joined with
    one slash whether or not SITE_URL ends with one."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")
