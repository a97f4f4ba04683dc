"""The docker-compose deployment is valid and wired as docs/deploy.md describes.

Needs Debian's `docker-compose` (it validates offline; no Docker engine is needed). Skipped without it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = shutil.which("docker-compose")
pytestmark = pytest.mark.skipif(COMPOSE is None, reason="docker-compose is not installed")


def _config(*extra: str, env_file: str = ".env.example") -> subprocess.CompletedProcess:
    return subprocess.run(
        [COMPOSE, "--env-file", env_file, "-f", "docker-compose.yml", "config", *extra],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin:/usr/local/bin"},
    )


@pytest.fixture(scope="module")
def resolved() -> dict:
    proc = _config()
    assert proc.returncode == 0, proc.stderr
    return yaml.safe_load(proc.stdout)["services"]


def test_compose_file_is_valid_with_the_example_environment():
    proc = _config("-q")
    assert proc.returncode == 0, proc.stderr


def test_compose_refuses_to_start_without_a_secret_key(tmp_path):
    env_file = tmp_path / "empty.env"
    env_file.write_text("POSTGRES_PASSWORD=x\n")
    proc = _config("-q", env_file=str(env_file))
    assert proc.returncode != 0
    assert "SECRET_KEY" in proc.stderr


def test_every_service_of_the_stack_is_defined(resolved):
    assert set(resolved) == {"postgres", "redis", "migrate", "models", "web", "worker", "beat"}


def test_app_services_wait_for_the_one_off_migration(resolved):
    assert "restart" not in resolved["migrate"] or resolved["migrate"]["restart"] == "no"
    assert resolved["migrate"]["command"][-2:] == ["migrate", "--noinput"]
    for name in ("web", "worker", "beat"):
        assert resolved[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully", name
    assert resolved["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_datastores_and_web_have_health_checks(resolved):
    for name in ("postgres", "redis", "web", "worker"):
        assert resolved[name]["healthcheck"]["test"], name
    assert "/readyz" in " ".join(resolved["web"]["healthcheck"]["test"])


def test_web_runs_gunicorn_and_the_worker_and_beat_run_celery(resolved):
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn dhdigital.wsgi:application" in dockerfile
    assert resolved["worker"]["command"][:4] == ["celery", "-A", "dhdigital", "worker"]
    assert resolved["beat"]["command"][:4] == ["celery", "-A", "dhdigital", "beat"]


def test_settings_come_from_the_environment_in_production_mode(resolved):
    env = resolved["web"]["environment"]
    assert env["DEBUG"] == "false"
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["REDIS_URL"].startswith("redis://")
    assert env["SECURE_COOKIES"] == "true"
    assert int(env["SECURE_HSTS_SECONDS"]) >= 31536000


def test_compose_refuses_to_start_without_a_real_mail_server(tmp_path):
    """No console-mail default: it would print every message, with its recipient, into the logs."""
    example = (ROOT / ".env.example").read_text()
    env_file = tmp_path / "no-mail.env"
    env_file.write_text("\n".join(line for line in example.splitlines() if not line.startswith("EMAIL_URL=")))
    proc = _config("-q", env_file=str(env_file))
    assert proc.returncode != 0
    assert "EMAIL_URL" in proc.stderr


def test_every_service_logs_to_a_driver_with_time_based_retention(resolved):
    for name, service in resolved.items():
        assert service["logging"]["driver"] == "journald", name
    assert "log_error_verbosity=terse" in resolved["postgres"]["command"]


def test_beat_is_healthy_only_while_it_keeps_writing_its_schedule(resolved):
    check = " ".join(resolved["beat"]["healthcheck"]["test"])
    assert "find /tmp/celerybeat-schedule -mmin" in check
    assert "--schedule=/tmp/celerybeat-schedule" in resolved["beat"]["command"]


def _mounts(service: dict) -> dict[str, tuple[str, bool]]:
    """{target: (source, read-only)} from the short form docker-compose 1.x prints or the long form of 2.x."""
    out = {}
    for v in service["volumes"]:
        if isinstance(v, str):
            source, target, *mode = v.split(":")
            out[target] = (source, mode == ["ro"])
        else:
            out[v["target"]] = (v["source"], bool(v.get("read_only")))
    return out


def test_the_analysis_models_are_built_once_before_the_worker_starts(resolved):
    """The engine's models are built from the shared data into a volume by a one-off service; the worker,
    which enriches and tags, waits for it, so no response is analysed without them. web does not wait:
    it serves pages meanwhile (its spam model is built in seconds at its own start)."""
    models = resolved["models"]
    assert "restart" not in models or models["restart"] == "no"
    assert models["command"] == ["python", "-m", "policycycle.analysis.warm"]
    assert resolved["worker"]["depends_on"]["models"]["condition"] == "service_completed_successfully"
    assert "models" not in resolved["web"]["depends_on"]


def test_every_app_service_reads_the_shared_data_and_the_model_volume(resolved):
    """The image's user cannot write its home (/app): without DHD_MODEL_CACHE and the data, every enrichment
    failed with PermissionError or FileNotFoundError (insights.E001 and E002 now stop `migrate`)."""
    for name in ("migrate", "models", "web", "worker", "beat"):
        env = resolved[name]["environment"]
        mounts = _mounts(resolved[name])
        assert env["DHD_MODEL_CACHE"] == "/app/models" and mounts["/app/models"] == ("models", False), name
        data = str((ROOT / ".." / "shared" / "data").resolve())
        assert mounts[env["DHDIGITAL_SHARED_DATA"]] == (data, True), name


def test_the_image_gives_the_app_user_its_model_cache():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "DHD_MODEL_CACHE=/app/models" in dockerfile
    assert "DHDIGITAL_SHARED_DATA=/app/shared-data" in dockerfile
    chown = next(line for line in dockerfile.splitlines() if "chown" in line)
    assert "/app/models" in chown.split("chown", 1)[1], chown
