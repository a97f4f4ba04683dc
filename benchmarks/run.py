"""`make bench`: measure the performance budgets of DESIGN.md on a throwaway database.

Prints a table and writes the same figures to .bench/results.json as {"<figure>": {"value": n, "unit": u}}.
Each app adds its own figures through a `run(results)` function in benchmarks/<app>_bench.py; the database
is a fresh test database (SQLite by default, PostgreSQL when DATABASE_URL points at one).
"""

from __future__ import annotations

import importlib
import json
import os
import statistics
import sys
import time
import traceback
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dhdigital.settings")
os.environ.setdefault("PLAIN_HTTP", "true")  # measured on this machine, over plain HTTP
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / ".bench" / "results.json"
# Every benchmarks/<app>_bench.py with a `run(results)` function adds its figures, in this order first.
APP_BENCHES = [
    "comments_bench",
    "responses_bench",
    "analysis_bench",
    "insights_bench",
    "dashboards_bench",
    "api_bench",
]


def timed_get(client: Client, url: str, *, repeat: int = 30) -> tuple[float, int]:
    """p50 server time in ms over `repeat` requests (after one warm-up) and the SQL query count."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(ctx.captured_queries)  # now: every request start resets the query log
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), queries


def largest_bill() -> Path:
    from consultations.importers import parse

    best, best_n = None, -1
    for path in sorted((settings.DATA_DIR / "bills").glob("*/*")):
        if path.suffix.lower() != ".xml" or "contents" in path.name:
            continue
        try:
            parsed = parse(path.read_bytes(), filename=path.name)
        except Exception:  # noqa: BLE001, S112 - a file that is not a bill is simply skipped here
            continue
        n = _count(parsed.sections)
        if n > best_n:
            best, best_n = path, n
    assert best is not None
    return best


def _count(nodes) -> int:
    return sum(1 + _count(n.children) for n in nodes)


def bench_document_page(results: dict) -> None:
    from consultations.importers import parse
    from consultations.importers.save import document_import
    from tests.factories import ConsultationFactory

    path = largest_bill()
    consultation = ConsultationFactory(slug="bench-bill")
    result = document_import(
        consultation=consultation,
        parsed=parse(path.read_bytes(), filename=path.name),
        slug="bill",
        source_name=path.name,
    )
    result.document.state = "published"
    result.document.save()
    doc = result.document
    client = Client()
    p50, queries = timed_get(client, doc.get_absolute_url())
    results["document_page_p50_ms"] = {
        "value": round(p50, 1),
        "unit": "ms",
        "note": f"{path.name}, {doc.sections.count()} sections",
    }
    results["document_page_queries"] = {"value": queries, "unit": "queries"}
    clause = doc.sections.filter(kind="clause").order_by("position")[2]
    p50, queries = timed_get(client, clause.get_absolute_url())
    results["clause_page_p50_ms"] = {"value": round(p50, 1), "unit": "ms"}
    results["clause_page_queries"] = {"value": queries, "unit": "queries"}
    with override_settings(PUBLIC_PAGE_CACHE_SECONDS=30):
        p50, queries = timed_get(client, doc.get_absolute_url())
    results["document_page_cached_p50_ms"] = {
        "value": round(p50, 1),
        "unit": "ms",
        "note": f"anonymous reader, from the public page cache; {queries} queries",
    }
    start = time.perf_counter()
    document_import(
        consultation=consultation, parsed=parse(path.read_bytes(), filename=path.name), slug="bill-2"
    )
    results["bill_import_ms"] = {"value": round((time.perf_counter() - start) * 1000, 1), "unit": "ms"}


def main(argv: list[str]) -> int:
    only = set(argv[1:])
    settings.ALLOWED_HOSTS = ["*"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Figures are what rendering a page costs; the public page cache (dhdigital/lib/pagecache.py) is
    # measured on its own, as document_page_cached_p50_ms.
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    setup_test_environment()
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    results: dict[str, dict] = {}
    failed: list[str] = []
    try:
        steps = [("foundation", bench_document_page)]
        found = sorted(p.stem for p in (ROOT / "benchmarks").glob("*_bench.py"))
        ordered = [n for n in APP_BENCHES if n in found] + [n for n in found if n not in APP_BENCHES]
        for name in ordered:
            steps.append((name, importlib.import_module(f"benchmarks.{name}").run))
        for name, step in steps:
            if only and name not in only:
                continue
            print(f"-- {name}", flush=True)
            try:
                step(results)
            except Exception:  # noqa: BLE001 - report and go on with the other figures
                failed.append(name)
                traceback.print_exc()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    OUT.parent.mkdir(exist_ok=True)
    previous = json.loads(OUT.read_text()) if OUT.exists() and only else {}
    previous.update(results)
    OUT.write_text(json.dumps(previous, indent=2) + "\n")
    width = max((len(k) for k in results), default=10)
    print(f"\n{'figure':<{width}}  {'value':>12}  unit")
    for key, fig in results.items():
        print(
            f"{key:<{width}}  {fig['value']:>12}  {fig['unit']}"
            + (f"  ({fig['note']})" if fig.get("note") else "")
        )
    print(
        f"\nWritten to {OUT.relative_to(ROOT)} ({settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]})"
    )
    if failed:
        print("Failed:", ", ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
