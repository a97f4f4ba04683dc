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

The views say which pages may be kept (`public_page`); PublicPageCacheMiddleware keeps and serves them,
near the top of the middleware, so that a page from the cache costs one round trip to Redis and little
else. Cache outages fail open (dhdigital/lib/cache.py): the page is rendered as usual.
"""

from __future__ import annotations

import functools
import hashlib
import re

from django.conf import settings
from django.core.cache import cache
from django.dispatch import Signal
from django.http import HttpResponse

HIT_HEADER = "X-Page-Cache"

# Sent for every GET answered from the cache, which answers before the later middleware runs; the visitor
# count (policycycle/visitors.py) listens. Arguments: request, url_name, slug.
served_from_cache = Signal()


def timeout() -> int:
    return int(getattr(settings, "PUBLIC_PAGE_CACHE_SECONDS", 30))


def _generation_key(slug: str) -> str:
    return f"pagegen:{slug}"


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
    """Mark a consultation page (a view taking `slug`) as one PublicPageCacheMiddleware may keep for
    anonymous readers; see the module's text."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        request.public_page = True
        return view(request, *args, **kwargs)

    return wrapper


# Headers that belong to one response, not to the page.
_NOT_KEPT = {"x-request-id", HIT_HEADER.lower(), "set-cookie", "date"}
_CONSULTATION_PATH = re.compile(r"^/consultations/(?P<slug>[-a-zA-Z0-9_]+)/")


class PublicPageCacheMiddleware:
    """Serves a kept page before the rest of the middleware and the view run, and keeps the pages that
    `public_page` marked, as they leave the whole stack (so the security and CSP headers that the
    middleware below adds are kept with them and served again).

    Sits just below the request id and health check middleware. Before answering from the cache it checks
    what the middleware it skips would have refused: a Host not in ALLOWED_HOSTS (400), and plain HTTP
    when SECURE_SSL_REDIRECT is on (left to SecurityMiddleware's redirect). Pages served from here are
    counted as visits like any other (policycycle.visitors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = timeout()
        match = _CONSULTATION_PATH.match(request.path_info)
        if seconds <= 0 or match is None or not _cacheable_request(request):
            return self.get_response(request)
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            return self.get_response(request)
        request.get_host()  # raises DisallowedHost (a 400) for a Host the site does not serve
        slug = match["slug"]
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        # One round trip: the consultation's generation and the page, which is served only when it was
        # kept under the current generation.
        gen_key, key = _generation_key(slug), f"page:{slug}:{path}"
        found = cache.get_many([gen_key, key])
        current = int(found.get(gen_key) or 0)
        kept = found.get(key)
        if kept is not None and kept[0] == current:
            return self._serve(request, slug, *kept[1:])
        response = self.get_response(request)
        if getattr(request, "public_page", False) and _cacheable_response(request, response):
            headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_KEPT]
            url_name = request.resolver_match.url_name if request.resolver_match else ""
            cache.set(key, (current, url_name, response.content, headers), seconds)
            response[HIT_HEADER] = "miss"
        return response

    @staticmethod
    def _serve(request, slug: str, url_name: str, content: bytes, headers: list) -> HttpResponse:
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        response[HIT_HEADER] = "hit"
        if request.method == "GET":
            served_from_cache.send(sender=None, request=request, url_name=url_name, slug=slug)
        return response
