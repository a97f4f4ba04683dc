"""`make audit` (scripts/audit.py) says how many packages pip-audit really checked, never "clean" when it
checked none, and fails on a known vulnerability."""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

SKIP = "Dependency not found on PyPI and could not be audited: django (5.2.19)"


def _fake(monkeypatch, deps: list[dict]):
    def run(argv, **kwargs):
        assert "--format" in argv and "json" in argv
        return subprocess.CompletedProcess(argv, 0, json.dumps({"dependencies": deps, "fixes": []}), "")

    monkeypatch.setattr(audit.subprocess, "run", run)


def test_a_mirror_without_vulnerability_data_is_reported_as_not_checked(monkeypatch, capsys):
    _fake(
        monkeypatch,
        [
            {"name": "django", "version": "5.2.19", "skip_reason": SKIP},
            {"name": "dhdigital", "version": "0.1.0", "skip_reason": "distribution marked as editable"},
        ],
    )
    assert audit.main([]) == 0
    out = capsys.readouterr().out
    assert "0 of 1 packages checked" in out and "WARNING: no package was checked" in out
    assert "No known vulnerabilities found" not in out
    assert audit.main(["--strict"]) == 1


def test_a_known_vulnerability_fails_with_its_id_and_fix(monkeypatch, capsys):
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["5.2.20"], "aliases": [], "description": ""}
    _fake(
        monkeypatch,
        [
            {"name": "django", "version": "5.2.19", "vulns": [vuln]},
            {"name": "redis", "version": "8.1.0", "vulns": []},
        ],
    )
    assert audit.main([]) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE django 5.2.19: PYSEC-2099-1 (fixed in 5.2.20)" in out
    assert "2 of 2 packages checked, 1 with known vulnerabilities" in out


@pytest.mark.parametrize("strict", [[], ["--strict"]])
def test_everything_checked_and_clean_passes(monkeypatch, capsys, strict):
    _fake(monkeypatch, [{"name": "redis", "version": "8.1.0", "vulns": []}])
    assert audit.main(strict) == 0
    assert "1 of 1 packages checked, 0 with known vulnerabilities, 0 could not be checked" in (
        capsys.readouterr().out
    )
