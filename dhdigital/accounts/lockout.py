"""Login throttling and lockout (django-axes) fitted to allauth's email login.

- allauth authenticates with `email=` credentials and posts the address as `login`: axes must read the
  username from there, lower-cased, or "Jo@x" and "jo@x" would count separately.
- Programmatic `authenticate()` calls without a request (Django's test client `login()`, management
  commands) have no client to throttle: `LockoutBackend` lets them through to the real backends
  instead of raising, as stock axes does.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


def username_from_request(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """The email address being tried, from allauth's credentials or the posted login form."""
    value = None
    if credentials:
        value = credentials.get("email") or credentials.get("username") or credentials.get("login")
    if not value and request is not None and request.method == "POST":
        value = request.POST.get("login") or request.POST.get("email") or request.POST.get("username")
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


class LockoutBackend(AxesStandaloneBackend):
    """Refuses sign-in for locked-out accounts; authenticates nobody itself."""

    def authenticate(self, request: HttpRequest | None = None, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request: HttpRequest, original_response=None, credentials: dict | None = None):
    """The page a locked-out visitor sees (429), saying when to try again and how to reset the password."""
    from django.conf import settings
    from django.shortcuts import render

    cooloff = settings.AXES_COOLOFF_TIME
    minutes = int(cooloff.total_seconds() // 60) if cooloff is not None else None
    return render(
        request,
        "accounts/lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes},
        status=429,
    )
