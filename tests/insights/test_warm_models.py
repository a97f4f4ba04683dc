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


def test_building_the_models_trains_only_what_is_missing(monkeypatch):
    """`python -m policycycle.analysis.warm` (make models, and docker compose's models service)."""
    from policycycle.analysis import matcher, stance, warm

    trained, warmed = [], []
    monkeypatch.setattr(matcher, "train", lambda **kw: trained.append("matcher"))
    monkeypatch.setattr(stance, "train", lambda **kw: trained.append("stance"))
    monkeypatch.setattr(warm, "warm_models", lambda **kw: warmed.append(kw))
    status = dict.fromkeys(("spam model", "evidence classifier", "theme matcher", "stance model"), False)
    monkeypatch.setattr(warm, "built", lambda: {**status, "theme matcher": True})
    log = []
    seconds = warm.build_models(log=log.append)
    assert trained == ["stance"] and warmed == [{"enrichment": True}]
    assert log == ["theme matcher: already built"] and set(seconds) == {
        "spam model and evidence classifier",
        "stance model",
    }
    trained.clear()
    warm.build_models(tuned=False, log=log.append)
    assert trained == []


def test_building_the_models_refuses_without_the_shared_data(monkeypatch, tmp_path):
    from policycycle.analysis import warm

    monkeypatch.setenv("DHDIGITAL_SHARED_DATA", str(tmp_path))
    monkeypatch.setattr(warm, "warm_models", lambda **kw: pytest.fail("nothing is built without the data"))
    with pytest.raises(FileNotFoundError, match="DHDIGITAL_SHARED_DATA") as err:
        warm.build_models()
    assert str(tmp_path / "comments" / "regulation_room" / "train.csv") in str(err.value)
