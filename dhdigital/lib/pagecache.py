"""A short-lived cache of public pages as anonymous readers see them.

Most of the traffic on a consultation's busy day is people reading, not signed in. Their pages are the
same for everyone, so the rendered page is kept for PUBLIC_PAGE_CACHE_SECONDS (30 by default; 0 turns it
off) in the shared cache and served from there. What is and is not cached:

- only GET and HEAD, only from a request that carries no session or messages cookie (a signed-in person
  always gets a fresh page, so their own comment shows at once), and only a 200 response that sets no
  cookie (a page with a CSRF token sets one and is never cached) and has no `private`/`no-store`;
- the key holds the page's full path and a per-consultation generation: a publisher's change to the
  consultation or its documents, and any moderation, edit or withdrawal of a comment, moves the
  generation on, so those show at once; a new comment shows to anonymous readers within the timeout.

Cache outages fail open (dhdigital/lib/cache.py): the page is rendered as usual.
"""

from __future__ import annotations

import functools
import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

HIT_HEADER = "X-Page-Cache"


def timeout() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 30))


def _generation_key(slug: str) -> str:
    return f"pagegen:{slug}"


def generation(slug: str) -> int:
    return int(cache.get(_generation_key(slug)) or 0)


def bump(slug: str) -> None:
    """Make every cached page of this consultation stale now."""
    key = _generation_key(slug)
    if not cache.add(key, 1, timeout=None):
        try:
            cache.incr(key)
        except ValueError:  # expired or evicted between add and incr
            cache.set(key, 1, timeout=None)


def _cacheable_request(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    cookies = request.COOKIES
    return settings.SESSION_COOKIE_NAME not in cookies and "messages" not in cookies


def _cacheable_response(request, response: HttpResponse) -> bool:
    """A page for everyone: no cookie set here, nor later by the middleware (a CSRF token used, a
    session started, a message added)."""
    control = response.get("Cache-Control", "")
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not (session is not None and session.modified)
        and not getattr(getattr(request, "_messages", None), "added_new", False)
        and not response.streaming
        and not response.cookies
        and "private" not in control
        and "no-store" not in control
    )


def public_page(view):
    """Cache a consultation page (a view taking `slug`) for anonymous readers; see the module's text."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        seconds = timeout()
        if seconds <= 0 or not _cacheable_request(request):
            return view(request, *args, **kwargs)
        slug = kwargs.get("slug", "")
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"page:{slug}:{generation(slug)}:{path}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response[HIT_HEADER] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _cacheable_response(request, response):
            cache.set(key, (response.content, response["Content-Type"]), seconds)
            response[HIT_HEADER] = "miss"
        return response

    return wrapper
