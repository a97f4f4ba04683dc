"""Dashboard, explorer and export figures at DESIGN.md's scale: 100,000 submitted responses (each answering
a clause question with a real Polis comment text, enriched and tagged) and 10,000 clause comments.

Server time through Django's test client (no network), p50 of repeated requests, with the SQL query count;
export time is the whole streamed body consumed, with the peak Python memory the stream allocated."""

from __future__ import annotations

import os
import statistics
import time
import tracemalloc

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

# BENCH_RESPONSES measures at a smaller size when the machine is shared (the figures' names say the size).
RESPONSES = int(os.environ.get("BENCH_RESPONSES", 100_000))
COMMENTS = RESPONSES // 10
SIZE = f"{RESPONSES // 1000}k" if RESPONSES >= 1000 else str(RESPONSES)
REPEAT = 5


def _p50(client: Client, url: str) -> tuple[float, int, int]:
    """(p50 ms over REPEAT requests after a warm-up, queries of one request, rows shown)."""
    import re

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(ctx.captured_queries)  # now: the next request start empties the query log it reads
    shown = len(re.findall(rb'data-unit="', response.content))
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), queries, shown


def _export(client: Client, url: str) -> tuple[float, int, float]:
    """(seconds to stream the whole body, lines, peak MiB allocated while streaming). An XLSX file is
    built before it is sent (a write-only workbook on a temporary file), so its time includes that."""
    tracemalloc.start()
    start = time.perf_counter()
    response = client.get(url)
    lines = 0
    size = 0
    for chunk in response.streaming_content if response.streaming else [response.content]:
        lines += chunk.count(b"\n")
        size += len(chunk)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    reset_queries()
    return elapsed, lines, peak / 2**20


def run(results: dict) -> None:
    import openpyxl  # noqa: F401 - imported here so the XLSX figure does not include loading the library

    from dhdigital.accounts.models import Role
    from tests.dashboards.conftest import add_closed_answers, build
    from tests.factories import ConsultationFactory, UserFactory, add_member, make_document

    stamp = int(time.time())
    consultation = ConsultationFactory(slug=f"bench-dashboards-{stamp}", kind="formal")
    document = make_document(consultation=consultation, clauses=20)
    author = UserFactory(email=f"bench-author-{stamp}@example.org")
    analyst = add_member(
        UserFactory(email=f"bench-analyst-{stamp}@example.org"), consultation.team, Role.ANALYST
    )
    start = time.perf_counter()
    data = build(consultation, document, author, comments=COMMENTS, answers=RESPONSES)
    # Three closed questions (single, multiple, scale) answered by every response: the dashboard's charts,
    # the explorer's option filter and the exports' closed columns.
    closed = add_closed_answers(consultation, data["responses"])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would after a bulk load: planner statistics
            cursor.execute("ANALYZE")
    print(
        f"  seeded {RESPONSES:,} responses and {COMMENTS:,} comments in {time.perf_counter() - start:.0f} s"
    )

    client = Client()
    client.force_login(analyst)
    slug = consultation.slug
    figures: dict[str, dict] = {}

    p50, queries, _ = _p50(client, reverse("dashboards:dashboard", args=[slug]))
    figures[f"dashboard p50 at {SIZE} responses (with closed-question charts)"] = {
        "value": round(p50, 1),
        "unit": "ms",
        "note": f"{queries} queries; budget 300 ms at 100k",
    }

    explorer = reverse("dashboards:explorer", args=[slug])
    cases = {
        f"explorer p50 at {SIZE} responses (all answers, newest first)": "?type=answer",
        f"explorer p50 at {SIZE} responses (clause 5, disagree, evidence-rich)": (
            f"?type=answer&clause={data['clause5'].pk}&stance=disagree&evidence=yes"
        ),
        f"explorer p50 at {SIZE} responses (full-text search)": "?type=answer&q=minimum+wage",
        f"explorer p50 at {SIZE} responses (theme filter)": f"?type=answer&theme={data['fairness'].pk}",
        f"explorer p50 at {SIZE} responses (filtered by an option of a closed question)": (
            f"?type=answer&option={closed[0].pk}:2"
        ),
        f"explorer p50 at {COMMENTS:,} comments (clause 5)": f"?type=comment&clause={data['clause5'].pk}",
    }
    for name, query in cases.items():
        p50, queries, shown = _p50(client, explorer + query)
        figures[name] = {
            "value": round(p50, 1),
            "unit": "ms",
            "note": f"{queries} queries, {shown} rows shown",
        }

    exports = (
        ("answers", "csv"),
        ("responses", "csv"),
        ("answers", "json"),
        ("answers", "xlsx"),
        ("closed", "csv"),
    )
    for dataset, fmt in exports:
        url = reverse("dashboards:export-download", args=[slug, dataset, fmt])
        seconds, lines, peak = _export(client, url)
        what = {
            "responses": "responses (with the closed answers' columns)",
            "closed": "responses' closed results",
        }
        figures[f"export of {SIZE} {what.get(dataset, dataset)} as {fmt.upper()}"] = {
            "value": round(seconds, 1),
            "unit": "s",
            "note": f"{lines:,} lines, peak {peak:.0f} MiB allocated",
        }

    for name, fig in figures.items():
        print(f"  {name}: {fig['value']} {fig['unit']} ({fig['note']})")
    results.update(figures)
