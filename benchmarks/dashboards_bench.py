"""Dashboard, explorer and export figures at DESIGN.md's scale: 100,000 responses (each answering a clause
question with a real Polis comment text, enriched and tagged, and three closed questions: single choice,
multiple choice, agree-disagree scale), spread over channels, respondent and organisation types, regions
and 60 days, one in 50 saved and never submitted, one in 20 a campaign copy; and 10,000 clause comments.

Server time through Django's test client (no network), p50 and p95 of repeated requests, with the SQL
query count and the time spent in SQL; export time is the whole streamed body consumed, with the peak
Python memory the stream allocated. The load average is recorded beside them: the machine is shared."""

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
REPEAT = 10


def _p50(client: Client, url: str) -> tuple[float, float, str, int]:
    """(p50 and p95 ms over REPEAT requests after a warm-up, "N queries, M ms in SQL" of one request,
    rows shown). The SQL time tells the database's share apart when the machine is shared."""
    import re

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    # Read now: the next request start empties the query log it reads.
    sql_ms = 1000 * sum(float(q["time"]) for q in ctx.captured_queries)
    queries = f"{len(ctx.captured_queries)} queries, {sql_ms:.0f} ms in SQL"
    shown = len(re.findall(rb'data-unit="', response.content))
    samples = []
    for _ in range(REPEAT):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[18]
    return statistics.median(samples), p95, queries, shown


def _after_a_new_response(client: Client, url: str, consultation, questions) -> tuple[float, float, str]:
    """(p50 and p95 ms, "N queries, M ms in SQL") of the dashboard requested just after a response with
    closed answers was submitted, each time: what an official meets while responses are arriving."""
    from django.utils import timezone

    from responses.models import Answer, Response

    def respond(i: int) -> None:
        r = Response.objects.create(
            consultation=consultation,
            status=Response.Status.SUBMITTED,
            submitted_at=timezone.now(),
            channel=Response.Channel.ONLINE,
            respondent_type="individual",
            region="wales",
        )
        Answer.objects.bulk_create(
            [Answer(response=r, question=q, choices=[q.options[i % len(q.options)]]) for q in questions]
        )

    respond(0)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    sql_ms = 1000 * sum(float(q["time"]) for q in ctx.captured_queries)
    queries = f"{len(ctx.captured_queries)} queries, {sql_ms:.0f} ms in SQL"
    samples = []
    for i in range(REPEAT):
        respond(i + 1)
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    p95 = statistics.quantiles(samples, n=20, method="inclusive")[18]
    return statistics.median(samples), p95, queries


def _consume(client: Client, url: str) -> int:
    """Lines of the whole body, streamed as a browser would download it."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    lines = 0
    for chunk in response.streaming_content if response.streaming else [response.content]:
        lines += chunk.count(b"\n")
    reset_queries()
    return lines


def _export(client: Client, url: str) -> tuple[float, int, float]:
    """(seconds to stream the whole body, lines, peak MiB allocated while streaming). An XLSX file is
    built before it is sent (a write-only workbook on a temporary file), so its time includes that. The
    time is taken without tracemalloc (which slows Python several times over), the memory on a second
    download with it."""
    start = time.perf_counter()
    lines = _consume(client, url)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    _consume(client, url)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return elapsed, lines, peak / 2**20


DAYS = 60  # responses arrive over this many days (the charts over time have one column a day)
DRAFT_EVERY = 50  # one response in 50 was saved and never submitted: it must not be counted
CAMPAIGN_EVERY = 20  # one response in 20 sent a campaign's text


def seed(stamp: int) -> dict:
    """A formal consultation as DESIGN.md sizes it: RESPONSES responses answering a clause question with a
    real Polis comment (enriched, some tagged), three closed questions (single, multiple, scale), respondent
    types, organisation types, channels and regions spread over them, arriving over DAYS days, with
    drafts that were never submitted and campaign copies; COMMENTS comments on the draft's clauses."""
    from datetime import timedelta

    from django.utils import timezone

    from dhdigital.accounts.models import Role
    from insights.models import Campaign, CampaignMember
    from responses.models import Response
    from tests.dashboards.conftest import add_closed_answers, build
    from tests.factories import ConsultationFactory, UserFactory, add_member, make_document

    consultation = ConsultationFactory(slug=f"bench-dashboards-{stamp}", kind="formal")
    document = make_document(consultation=consultation, clauses=20)
    author = UserFactory(email=f"bench-author-{stamp}@example.org")
    analyst = add_member(
        UserFactory(email=f"bench-analyst-{stamp}@example.org"), consultation.team, Role.ANALYST
    )
    data = build(consultation, document, author, comments=COMMENTS, answers=RESPONSES)
    closed = add_closed_answers(consultation, data["responses"])
    now = timezone.now()
    for i, r in enumerate(data["responses"]):
        if i % DRAFT_EVERY == DRAFT_EVERY - 1:
            r.status, r.submitted_at = Response.Status.DRAFT, None
        else:
            r.submitted_at = now - timedelta(days=i % DAYS, minutes=i % 1440)
    Response.objects.bulk_update(data["responses"], ["status", "submitted_at"], batch_size=5000)
    copies = data["answers"][::CAMPAIGN_EVERY]
    campaign = Campaign.objects.create(
        consultation=consultation, canonical_text=copies[0].text, size=len(copies)
    )
    CampaignMember.objects.bulk_create(
        [CampaignMember(campaign=campaign, answer=a, is_canonical=k == 0) for k, a in enumerate(copies)],
        batch_size=5000,
    )
    if connection.vendor == "postgresql":
        # As autovacuum does after a bulk load: planner statistics, and the visibility map that lets
        # index-only scans skip the table.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {**data, "consultation": consultation, "analyst": analyst, "closed": closed}


def run(results: dict) -> None:
    import openpyxl  # noqa: F401 - imported here so the XLSX figure does not include loading the library

    start = time.perf_counter()
    seeded = seed(int(time.time()))
    data, consultation, closed = seeded, seeded["consultation"], seeded["closed"]
    analyst = seeded["analyst"]
    print(
        f"  seeded {RESPONSES:,} responses ({RESPONSES // DRAFT_EVERY:,} never submitted, "
        f"{RESPONSES // CAMPAIGN_EVERY:,} campaign copies, over {DAYS} days) and {COMMENTS:,} comments "
        f"in {time.perf_counter() - start:.0f} s"
    )

    load_before = os.getloadavg()[0]
    client = Client()
    client.force_login(analyst)
    slug = consultation.slug
    figures: dict[str, dict] = {}

    dashboard = reverse("dashboards:dashboard", args=[slug])
    p50, p95, queries, _ = _p50(client, dashboard)
    figures[f"dashboard p50 at {SIZE} responses (with closed-question charts)"] = {
        "value": round(p50, 1),
        "unit": "ms",
        "note": (
            f"p95 {p95:.0f} ms, {queries}; budget 300 ms p50 at 100k; the grouped counts of the responses "
            "and closed answers from the cache while no response, answer, campaign or theme tag has "
            "changed since they were counted"
        ),
    }
    p50, p95, queries = _after_a_new_response(client, dashboard, consultation, closed)
    figures[f"dashboard p50 at {SIZE} responses, first request after a new response"] = {
        "value": round(p50, 1),
        "unit": "ms",
        "note": f"p95 {p95:.0f} ms, {queries}; every grouped count read again from the database",
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
        p50, p95, queries, shown = _p50(client, explorer + query)
        figures[name] = {
            "value": round(p50, 1),
            "unit": "ms",
            "note": f"p95 {p95:.0f} ms, {queries}, {shown} rows shown",
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

    figures["dashboards: load average during the benchmark"] = {
        "value": round(os.getloadavg()[0], 1),
        "unit": "load (2 cores)",
        "note": f"{load_before:.1f} when the measurements began",
    }
    for name, fig in figures.items():
        print(f"  {name}: {fig['value']} {fig['unit']} ({fig['note']})")
    results.update(figures)
