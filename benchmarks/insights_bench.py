"""Insights figures on real Polis comments (shared/data/comments/polis): per-comment enrichment through the
database, a full `basic` analysis run end to end (read, engine, one-transaction save), its progress writes,
and the themes page of the analysed consultation."""

from __future__ import annotations

import csv
import resource
import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUN_COMMENTS = 5_000


def _polis_texts() -> list[str]:
    out = []
    for path in sorted((settings.DATA_DIR / "comments" / "polis").glob("*/comments.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            out.extend(
                t
                for r in csv.DictReader(fh)
                if len((t := (r.get("comment-body") or "").strip()).split()) >= 4
            )
    return out


def _consultation(n: int, texts: list[str]):
    from comments.models import Comment
    from dhdigital.accounts.models import Role
    from tests.factories import ConsultationFactory, UserFactory, add_member, make_document

    c = ConsultationFactory(slug=f"bench-insights-{n}-{int(time.time())}")
    doc = make_document(consultation=c, clauses=10)
    author = UserFactory()
    analyst = add_member(UserFactory(), c.team, Role.ANALYST)
    clauses = list(doc.sections.filter(kind="clause").order_by("position"))
    Comment.objects.bulk_create(
        [
            Comment(
                consultation=c,
                document=doc,
                section=clauses[i % len(clauses)],
                author=author,
                body=texts[i % len(texts)],
                status="published",
            )
            for i in range(n)
        ],
        batch_size=2000,
    )
    return c, analyst


def run(results: dict) -> None:
    from comments.models import Comment
    from insights import services
    from insights.models import AnalysisRun, ThemeAssignment

    texts = _polis_texts()

    # Enrichment through the service (load, engine, upsert), p50 over 200 real comments.
    c, _ = _consultation(200, texts)
    pks = list(Comment.objects.filter(consultation=c).values_list("pk", flat=True))
    services.enrichment_compute(kind="comment", pk=pks[0])  # warm the models
    samples = []
    for pk in pks[1:]:
        start = time.perf_counter()
        services.enrichment_compute(kind="comment", pk=pk)
        samples.append((time.perf_counter() - start) * 1000)
    results["insights: enrichment per comment via DB p50"] = {
        "value": round(statistics.median(samples), 1),
        "unit": "ms",
    }

    # A full run on RUN_COMMENTS real comments over 10 clauses.
    c, analyst = _consultation(RUN_COMMENTS, texts)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    run_row = services.analysis_run_start(consultation=c, by=analyst, engine="basic", queue=False)
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        done = services.analysis_run_execute(run_row.pk)
        total = time.perf_counter() - start
    assert done.state == AnalysisRun.State.DONE, done.error
    writes = sum(
        1
        for q in ctx.captured_queries
        if q["sql"].startswith("UPDATE") and "insights_analysisrun" in q["sql"]
    )
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results[f"insights: basic run, {RUN_COMMENTS} comments, end to end"] = {
        "value": round(total, 2),
        "unit": "s",
    }
    for step, secs in done.timings.items():
        results[f"insights: run step {step}"] = {"value": secs, "unit": "s"}
    results["insights: run progress/heartbeat writes"] = {"value": writes, "unit": "UPDATEs"}
    results["insights: run peak RSS growth"] = {
        "value": round(max(0, rss_after - rss_before) / 1024, 1),
        "unit": "MB",
    }
    results["insights: machine tags written"] = {
        "value": ThemeAssignment.objects.filter(theme__run=done).count(),
        "unit": "tags",
    }

    client = Client()
    client.force_login(analyst)
    url = f"/analysis/{c.slug}/themes/"
    client.get(url)
    queries: list[str] = []
    with connection.execute_wrapper(lambda execute, sql, *a: (queries.append(sql), execute(sql, *a))[1]):
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(10):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    results[f"insights: themes page, {RUN_COMMENTS} responses, p50"] = {
        "value": round(statistics.median(samples), 1),
        "unit": "ms",
    }
    results["insights: themes page queries"] = {"value": len(queries), "unit": "queries"}
