"""The system checks that stop a deployment whose analysis engine cannot work (insights/checks.py): in the
image, the app user's home is not writable and the shared data was not there, so every enrichment failed
(PermissionError, then FileNotFoundError) while the portal itself looked healthy."""

from __future__ import annotations

from django.core import checks as django_checks

from insights import checks
from policycycle.analysis import warm

ALL_BUILT = dict.fromkeys(("spam model", "evidence classifier", "theme matcher", "stance model"), True)


def _ids(messages) -> list[str]:
    return [m.id for m in messages]


def test_the_check_is_registered_with_django():
    assert checks.analysis_models in django_checks.registry.registry.get_checks()
    assert "analysis" in django_checks.registry.registry.tags_available()


def test_missing_shared_data_is_an_error_naming_the_files(monkeypatch, tmp_path):
    monkeypatch.setenv("DHDIGITAL_SHARED_DATA", str(tmp_path))
    (messages,) = checks.analysis_models()
    assert messages.id == "insights.E001" and messages.level == django_checks.ERROR
    assert str(tmp_path / "comments" / "argkp" / "arguments_train.csv") in messages.msg
    assert "DHDIGITAL_SHARED_DATA" in messages.hint


def test_a_model_cache_that_cannot_be_created_is_an_error(monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("DHD_MODEL_CACHE", str(blocker / "models"))
    (messages,) = checks.analysis_models()
    assert messages.id == "insights.E002"
    assert "cannot be created" in messages.msg and "DHD_MODEL_CACHE" in messages.hint


def test_a_read_only_cache_is_an_error_only_while_a_model_is_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("DHD_MODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(checks.os, "access", lambda path, mode: False)  # the suite runs as root
    monkeypatch.setattr(warm, "built", lambda: {**ALL_BUILT, "spam model": False})
    (messages,) = checks.analysis_models()
    assert messages.id == "insights.E002" and "the spam model must be built there" in messages.msg
    monkeypatch.setattr(warm, "built", lambda: ALL_BUILT)
    assert checks.analysis_models() == []


def test_untuned_models_are_reported_unless_turned_off_on_purpose(monkeypatch, tmp_path):
    monkeypatch.setenv("DHD_MODEL_CACHE", str(tmp_path))
    monkeypatch.delenv("DHD_MATCHER", raising=False)
    monkeypatch.delenv("DHD_STANCE", raising=False)
    (messages,) = checks.analysis_models()
    assert messages.id == "insights.I001" and messages.level == django_checks.INFO
    assert "theme matcher and the stance model" in messages.msg and "rule-based" in messages.msg
    monkeypatch.setenv("DHD_MATCHER", "packaged")
    (messages,) = checks.analysis_models()
    assert "theme matcher" not in messages.msg and "stance model" in messages.msg
    monkeypatch.setenv("DHD_STANCE", "rules")
    assert checks.analysis_models() == []
