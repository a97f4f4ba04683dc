"""Insights figures on real Polis comments (shared/data/comments/polis): per-comment enrichment through the
database, a full `basic` analysis run end to end (read, engine, one-transaction save), its progress writes,
and the themes page of the analysed consultation.

At DESIGN.md's scale (BENCH_RUN_RESPONSES, default 100,000; budget: 10 minutes on 2 cores, 4 GB): a run
with the engine an official gets by default for that size, end to end through the service, then what
follows it in a real consultation: officials confirm 5 responses per drafted theme and the tagger is
retrained and re-tags every response nobody checked (`insights.tagger.tagger_retrain`, what the worker
runs). The run past 30,000 responses and the tagger read each response's vector, which the worker computes
in batches after enrichment (`insights.vectors.fill`): the bench pays that cost too, before the run, and
reports it apart (the time to compute and store every response's vector in batches, and per response),
outside the total.
The responses are real comments with a third of their words swapped for words of other real comments
(benchmarks.analysis_bench.synthetic_items), so no two are identical, with injected campaigns."""

from __future__ import annotations

import csv
import os
import resource
import statistics
import time

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

RUN_COMMENTS = 5_000
SCALE = int(os.environ.get("BENCH_RUN_RESPONSES", 100_000))
CONFIRMED_PER_THEME = 5


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


def _consultation(n: int, texts: list[str], *, clauses: int = 10):
    from comments.models import Comment
    from dhdigital.accounts.models import Role
    from tests.factories import ConsultationFactory, UserFactory, add_member, make_document

    c = ConsultationFactory(slug=f"bench-insights-{n}-{int(time.time())}")
    doc = make_document(consultation=c, clauses=clauses)
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
        batch_size=5000,
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
    run_at_scale(results)


def run_at_scale(results: dict) -> None:
    """The default engine's run on SCALE responses over 10 clauses, end to end, then the tagger retrained
    from CONFIRMED_PER_THEME confirmations per drafted theme (the highest-confidence machine tags, as an
    official would confirm the first they read), both timed, with the peak memory of the process."""
    from benchmarks.analysis_bench import synthetic_items
    from insights import engines, services, vectors
    from insights.models import AnalysisRun, Theme, ThemeAssignment
    from insights.runs import iter_units
    from insights.tagger import tagger_retrain
    from policycycle.analysis import vectors as engine_vectors

    texts = [t for _, t in synthetic_items(SCALE, seed=11)]
    start = time.perf_counter()
    c, analyst = _consultation(SCALE, texts)
    size = f"{SCALE // 1000}k" if SCALE >= 1000 else str(SCALE)
    print(f"  seeded {SCALE:,} comments in {time.perf_counter() - start:.0f} s")

    # After enrichment the worker's fill (insights.vectors.fill) computes each response's vector of the
    # tagger's model in batches, so that the run and the retrain below find them all, as they would in
    # production: done here for every response at once with the same function the fill calls, timed apart
    # from the total. With them stored, the default engine past 30,000 responses is `embeddings`, reading
    # them.
    items = [(u.id, u.text) for u in iter_units(c.pk)]
    start = time.perf_counter()
    vectors.unit_vectors(items, consultation_id=c.pk)
    seed_s = time.perf_counter() - start
    n_items = len(items)
    model_key = engine_vectors.model_key(engine_vectors.MATCHER)
    del items

    engine = engines.default_engine(c.pk)
    run_row = services.analysis_run_start(consultation=c, by=analyst, queue=False)
    start = time.perf_counter()
    done = services.analysis_run_execute(run_row.pk)
    run_s = time.perf_counter() - start
    assert done.state == AnalysisRun.State.DONE, done.error
    themes = list(Theme.objects.filter(run=done, is_active=True))
    confirmed = []
    for theme in themes:
        confirmed += list(
            ThemeAssignment.objects.filter(theme=theme, rejected=False)
            .order_by("-confidence", "pk")
            .values_list("pk", flat=True)[:CONFIRMED_PER_THEME]
        )
    ThemeAssignment.objects.filter(pk__in=confirmed).update(confirmed=True)

    start = time.perf_counter()
    retrained = tagger_retrain(consultation=c, by=analyst)
    tagger_s = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    load = os.getloadavg()[0]
    results[f"insights: analysis run at {size} responses, default engine ({engine}), end to end"] = {
        "value": round(run_s, 1),
        "unit": "s",
        "note": f"{len(themes)} themes drafted; steps {done.timings}; load {load:.1f}",
    }
    results[f"insights: response vectors of {size} responses computed and stored in batches"] = {
        "value": round(seed_s, 1),
        "unit": "s",
        "note": (
            f"{seed_s / max(n_items, 1) * 1000:.1f} ms a response; model {model_key}; paid once, by the "
            "worker's fill after enrichment (or a first reader), not at each run or retrain; not in the total"
        ),
    }
    results[f"insights: tagger retrained at {size} responses from {CONFIRMED_PER_THEME} per theme"] = {
        "value": round(tagger_s, 1),
        "unit": "s",
        "note": (
            f"{len(confirmed)} confirmed, {retrained['scopes']} scopes, {retrained['tagged']:,} re-tagged, "
            f"{retrained['tags']:,} machine tags; reads the stored vectors"
        ),
    }
    results[f"insights: run and tagger at {size} responses, together"] = {
        "value": round((run_s + tagger_s) / 60, 1),
        "unit": "min",
        "note": f"budget 10 minutes on 2 cores and 4 GB; process peak RSS {peak_gb:.1f} GB",
    }
