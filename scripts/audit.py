"""Known vulnerabilities in the installed Python packages (pip-audit), reported honestly.

pip-audit asks a vulnerability service about each installed version; a package it cannot look up is
"skipped", and its own summary still says "No known vulnerabilities found". This wrapper counts what
was really checked, so a registry mirror without PyPI's per-version JSON (every package skipped) is
reported as "not checked", never as clean.

    python scripts/audit.py [--strict] [pip-audit options, e.g. --vulnerability-service osv]

Exit status: 1 when a package has a known vulnerability; with --strict also when any package could not
be checked; 0 otherwise (with a warning line when some or all were not checked).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).with_name("pip-audit")


def main(argv: list[str]) -> int:
    strict = "--strict" in argv
    extra = [a for a in argv if a != "--strict"]
    proc = subprocess.run(  # noqa: S603 - our own virtualenv's pip-audit, fixed arguments
        [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "--format", "json", *extra],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        print(proc.stdout + proc.stderr, file=sys.stderr)
        print("pip-audit: FAILED to run (see above)")
        return 1
    # our own package, installed editable, is not a dependency to look up
    deps = [d for d in report.get("dependencies", []) if "editable" not in (d.get("skip_reason") or "")]
    skipped = [d for d in deps if d.get("skip_reason")]
    checked = [d for d in deps if not d.get("skip_reason")]
    vulnerable = [d for d in checked if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions", [])) or "no fixed version yet"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
    print(
        f"pip-audit: {len(checked)} of {len(deps)} packages checked, {len(vulnerable)} with known "
        f"vulnerabilities, {len(skipped)} could not be checked"
    )
    if skipped:
        reasons = {d["skip_reason"].split(":")[0] for d in skipped}
        print(f"  not checked ({len(skipped)}): {'; '.join(sorted(reasons))}")
        if not checked:
            print(
                "  WARNING: no package was checked. The package index answered no vulnerability data "
                "(a mirror without PyPI's per-version JSON API?). Run `make audit AUDIT_STRICT=1` where "
                "pypi.org or osv.dev is reachable (AUDIT_ARGS='--vulnerability-service osv')."
            )
    if vulnerable:
        return 1
    return 1 if strict and skipped else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
