"""/healthz (liveness) and /readyz (database, migrations, broker) as a load balancer sees them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError, connection

ROOT = Path(__file__).resolve().parents[2]


def test_liveness_answers_without_touching_the_database(client):
    # no django_db mark: any query would raise, so a 200 here proves the database was not touched
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readiness_reports_database_and_migrations_ok(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["migrations"] == "ok"


@pytest.mark.django_db
def test_readiness_is_503_when_the_database_cursor_fails(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"


@pytest.mark.django_db
def test_readiness_is_503_while_a_migration_is_not_applied(client):
    """A new release's web process against an old schema: not ready until `migrate` has run."""
    from django.db.migrations.recorder import MigrationRecorder

    latest = MigrationRecorder.Migration.objects.filter(app="comments").order_by("-id").first()
    latest.delete()  # as if that migration had never run (the test's transaction puts it back)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "1 pending"
    assert response.json()["checks"]["database"] == "ok"


@pytest.mark.django_db
def test_readiness_is_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unavailable"


@pytest.mark.django_db
def test_readiness_checks_the_broker_celery_uses_not_the_cache(client, settings):
    settings.REDIS_URL = ""  # no cache Redis at all
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/1"
    assert client.get("/readyz").json()["checks"]["broker"] == "unavailable"
    settings.CELERY_BROKER_URL = "memory://"  # in-process tasks: there is no broker to check
    response = client.get("/readyz")
    assert response.status_code == 200 and "broker" not in response.json()["checks"]


@pytest.mark.django_db
def test_health_checks_answer_a_load_balancer_by_ip_over_plain_http(client, settings):
    """Production: HTTPS redirect on and a public ALLOWED_HOSTS; the probe uses the container IP."""
    settings.SECURE_SSL_REDIRECT = True
    settings.ALLOWED_HOSTS = ["consult.example.gov.uk"]
    assert client.get("/healthz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    assert client.get("/readyz", HTTP_HOST="10.1.2.3:8000").status_code == 200
    # every other path is still protected by the host check
    client.raise_request_exception = False
    assert client.get("/privacy/", HTTP_HOST="10.1.2.3:8000").status_code == 400


def test_readiness_is_503_against_a_real_closed_database_port():
    """A separate process whose DATABASE_URL points at a port where nothing listens."""
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/readyz');"
        "print(r.status_code, r.json()['checks']['database'])"
    )
    env = {
        **os.environ,
        "DATABASE_URL": "postgres://postgres@127.0.0.1:1/none",
        "REDIS_URL": "",
        "DJANGO_SETTINGS_MODULE": "dhdigital.settings",
        "LOG_LEVEL": "CRITICAL",
    }
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split()[-2:] == ["503", "unavailable"]
