"""Request ids, one structured log line per request, and health checks that bypass host and TLS checks."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from . import views
from .logging import request_id_var

logger = logging.getLogger("dhdigital.request")

# An id supplied by the proxy in front (X-Request-ID) is kept if it looks like one; anything else is
# replaced, so a client cannot inject text into the logs.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
HEALTH_PATHS = ("/healthz", "/readyz")


def loggable_path(request: HttpRequest) -> str:
    """The request path with any secret URL token (emailed resume and unsubscribe links) masked: anyone
    who can read the logs must not be able to use the links."""
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match is not None else None
    if token and isinstance(token, str):
        return request.path.replace(token, "<token>")
    return request.path


class RequestIdMiddleware:
    """Gives every request an id (request.request_id, the X-Request-ID response header, every log line)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if request.path not in HEALTH_PATHS:
                path = loggable_path(request)
                logger.info(
                    "%s %s %s",
                    request.method,
                    path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        # the path only: query strings can carry search terms or tokens
                        "path": path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before host validation and the HTTPS redirect.

    Container health checks and load balancers call these by IP over plain HTTP inside the network;
    they must not need a public Host header or TLS.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in ("GET", "HEAD") and request.path in HEALTH_PATHS:
            return views.healthz(request) if request.path == "/healthz" else views.readyz(request)
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A lost database connection (PostgreSQL restarting, failing over) answers 503 with Retry-After and a
    plain explanation, not a 500: the outage is temporary and the visitor should simply try again.

    Django closes the broken connection at the end of the request, so the next request reconnects.
    """

    RETRY_AFTER_SECONDS = 30

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.db import DatabaseError, InterfaceError, OperationalError, connections

        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if isinstance(exception, DatabaseError) and "deadlock" in str(exception).lower():
            return None  # a real bug or contention, not an outage: let it be a 500 and be seen
        for conn in connections.all(initialized_only=True):
            conn.close_if_unusable_or_obsolete()
        logger.warning(
            "database unavailable: %s", type(exception).__name__, extra={"path": request.path, "status": 503}
        )
        response = _unavailable_response(request)
        response["Retry-After"] = str(self.RETRY_AFTER_SECONDS)
        return response


def _unavailable_response(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse
    from django.template.loader import render_to_string

    message = "The service is briefly unavailable. Try again in a minute."
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"detail": message, "code": "service_unavailable"}, status=503)
    try:
        # No request: context processors would query the database that has just gone away.
        html = render_to_string("errors/503.html")
    except Exception:  # noqa: BLE001 - the page of last resort must not fail
        html = (
            "<!DOCTYPE html><title>Service unavailable</title>"
            f"<h1>Sorry, the service is unavailable</h1><p>{message}</p>"
        )
    return HttpResponse(html, status=503)
