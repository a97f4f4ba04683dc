"""Server processes load the analysis models in the background at start (insights/apps.py), so the first
comment after a start does not wait for them."""

from __future__ import annotations

import pytest
from django.apps import apps as django_apps

from insights import apps
from policycycle.analysis import evidence, moderation, resources
from policycycle.analysis.warm import warm_models


@pytest.mark.parametrize(
    "argv,run_main,expected",
    [
        (["manage.py", "runserver", "127.0.0.1:8000"], None, False),  # the autoreloader's watcher
        (["manage.py", "runserver", "127.0.0.1:8000"], "true", True),  # its serving child
        (["manage.py", "runserver", "--noreload"], None, True),
        (["/app/.venv/bin/gunicorn", "dhdigital.wsgi:application"], None, True),
        (["manage.py", "migrate"], None, False),
        (["celery", "-A", "dhdigital", "worker"], None, False),
        (["pytest", "tests"], None, False),
    ],
)
def test_only_processes_that_serve_requests_warm_up(monkeypatch, argv, run_main, expected):
    monkeypatch.setattr(apps.sys, "argv", argv)
    if run_main:
        monkeypatch.setenv("RUN_MAIN", run_main)
    else:
        monkeypatch.delenv("RUN_MAIN", raising=False)
    assert apps._serves_requests() is expected


def test_scoring_warm_up_loads_the_spam_model_but_not_the_embedder(monkeypatch):
    monkeypatch.setattr(moderation, "_spam_model", None)
    monkeypatch.setattr(resources, "_embedder", None)
    monkeypatch.setattr(evidence, "_models", {})
    warm_models(enrichment=False)
    assert moderation._spam_model is not None
    assert resources._embedder is None and evidence._models == {}


def test_full_warm_up_also_loads_the_evidence_model():
    warm_models(enrichment=True)
    assert moderation._spam_model is not None
    assert evidence._models, "the evidence classifier was not loaded"


def test_ready_starts_the_warm_up_thread_only_when_enabled(monkeypatch, settings):
    started = []
    monkeypatch.setattr(apps, "_serves_requests", lambda: True)
    monkeypatch.setattr(
        apps.threading, "Thread", lambda **kw: type("T", (), {"start": lambda s: started.append(kw)})()
    )
    config = django_apps.get_app_config("insights")
    settings.WARM_ANALYSIS_MODELS = False
    config.ready()
    assert started == []
    settings.WARM_ANALYSIS_MODELS = True
    config.ready()
    assert [kw["name"] for kw in started] == ["warm-analysis-models"] and started[0]["daemon"] is True
