"""Site-wide pages: the statements every public service must publish, health checks, errors."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from dhdigital.lib import contacts


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html")


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/cookies.html")


def security(request: HttpRequest) -> HttpResponse:
    """How to report a vulnerability, and what happens to a report."""
    return render(request, "pages/security.html", {"contacts": contacts.security_contacts()})


def security_txt(request: HttpRequest) -> HttpResponse:
    """/.well-known/security.txt (RFC 9116): where security researchers report what they find."""
    text = contacts.security_txt(
        canonical=request.build_absolute_uri(request.path),
        policy=request.build_absolute_uri(reverse("security")),
    )
    return HttpResponse(text, content_type="text/plain; charset=utf-8")


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness: the process answers. Touches nothing else."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Readiness: database reachable, migrations applied, broker reachable when one is configured."""
    from django.conf import settings

    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        checks["database"] = "ok"
        checks["migrations"] = "ok" if not pending else f"{len(pending)} pending"
    except Exception:  # noqa: BLE001 - any database failure means not ready
        checks["database"] = "unavailable"
    # The broker Celery really uses (CELERY_BROKER_URL may name another Redis than the cache's).
    broker_url = settings.CELERY_BROKER_URL
    if broker_url.startswith(("redis://", "rediss://")):
        try:
            import redis

            redis.Redis.from_url(broker_url, socket_connect_timeout=1, socket_timeout=1).ping()
            checks["broker"] = "ok"
        except Exception:  # noqa: BLE001
            checks["broker"] = "unavailable"
    ready = all(v == "ok" for v in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def error_403(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (an old tab, cookies cleared, a forged post): say
    plainly that nothing was saved and how to try again. `reason` is for logs, never for the page."""
    fetch = request.headers.get("X-Requested-With") == "fetch"
    if fetch:
        return JsonResponse(
            {"error": "Your session has expired, so nothing was saved. Reload the page and try again."},
            status=403,
        )
    return render(request, "errors/403_csrf.html", status=403)


def error_404(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    # No request context: context processors read the user (the database), which may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
