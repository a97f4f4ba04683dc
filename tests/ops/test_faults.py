"""Faults against a real stack: gunicorn, PostgreSQL, a private Redis, Celery workers.

Run with `DHD_FAULT_TESTS=1 pytest tests/ops/test_faults.py -p no:randomly` (needs PostgreSQL on
127.0.0.1:5432 with trust auth and `redis-server` on PATH). Each module run creates its own database
(dhd_faults), its own redis-server on a free port from 6390 and its own gunicorn; it stops only those,
by their PIDs. PostgreSQL "restarts" are simulated by cutting a TCP relay the test owns.

Comment text is real (Polis, The Computational Democracy Project, CC BY 4.0).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from .stack import Stack, http, seed, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(os.environ.get("DHD_FAULT_TESTS") != "1", reason="set DHD_FAULT_TESTS=1 to run"),
]


@pytest.fixture(scope="module")
def texts() -> list[str]:
    from comments.demo import polis_comments

    return [
        c["body"] for c in polis_comments(limit=120) if 40 < len(c["body"]) < 400 and "http" not in c["body"]
    ]


@pytest.fixture(scope="module")
def stack():
    s = Stack(
        "faults",
        via_proxy=True,
        extra_env={
            "API_COMMENT_POST_RATE": "100000/hour",
            "API_USER_RATE": "100000/min",
            "API_IP_RATE": "100000/min",
            "API_ANON_RATE": "100000/min",
            "COMMENT_RATE_PER_USER": "100000/60",
            "COMMENT_RATE_PER_IP": "100000/60",
            "ANALYSIS_RUN_STALE_SECONDS": "5",
        },
    )
    try:
        s.start_redis()
        s.create_database()
        s.start_web(workers=2, threads=2)
        yield s
    finally:
        s.close()


@pytest.fixture(scope="module")
def site(stack):
    return seed(stack, users=5)


def post_comment(
    stack: Stack,
    site: dict,
    text: str,
    *,
    token: int = 0,
    key: str | None = None,
    slug: str | None = None,
    timeout: float = 30,
):
    key = key or uuid.uuid4().hex
    status, headers, body = http(
        "POST",
        stack.url("/api/v1/comments/"),
        body={
            "consultation": slug or site["consultation"],
            "document": site["document"],
            "section": site["clauses"][0],
            "category": "drafting",
            "body": text,
        },
        headers={"Authorization": f"Token {site['tokens'][token]}", "Idempotency-Key": key},
        timeout=timeout,
    )
    return status, key, body


def stored_keys(stack: Stack, keys: list[str]) -> dict[str, int]:
    rows = stack.sql(
        "SELECT idempotency_key, count(*) FROM comments_comment WHERE idempotency_key = ANY(%s) "
        "GROUP BY idempotency_key",
        (keys,),
    )
    return dict(rows)


# --- Redis stops while comments are posted --------------------------------------------------------------


def test_comments_are_accepted_while_redis_is_down(stack, site, texts):
    before = [post_comment(stack, site, texts[i]) for i in range(3)]
    assert [s for s, _, _ in before] == [201, 201, 201], before
    stack.stop_redis()
    try:
        started = time.monotonic()
        during = [post_comment(stack, site, texts[10 + i], token=1) for i in range(5)]
        elapsed = time.monotonic() - started
        ready = http("GET", stack.url("/readyz"))
    finally:
        stack.start_redis()
    assert [s for s, _, _ in during] == [201] * 5, [(s, b[:300]) for s, _, b in during]
    keys = [k for _, k, _ in before + during]
    assert stored_keys(stack, keys) == dict.fromkeys(keys, 1)  # every accepted comment, exactly once
    assert ready[0] == 503 and json.loads(ready[2])["checks"]["broker"] == "unavailable"
    print(f"5 comments posted with Redis down in {elapsed:.1f}s")


def test_a_retry_after_redis_returns_does_not_duplicate(stack, site, texts):
    status, key, _ = post_comment(stack, site, texts[20], token=2)
    assert status == 201
    again, _, _ = post_comment(stack, site, texts[20], token=2, key=key)
    assert again == 200
    assert stored_keys(stack, [key]) == {key: 1}


def test_enrichment_catches_up_once_redis_is_back(stack, site, texts):
    """A comment accepted during the outage is not lost to analysis: beat's sweep enriches it later."""
    stack.stop_redis()
    try:
        status, key, _ = post_comment(stack, site, texts[30], token=3)
    finally:
        stack.start_redis()
    assert status == 201
    assert not _enriched(stack, key)  # its task never reached the (restarted, empty) broker
    stack.start_worker("enrich-worker")
    try:
        stack.django("from insights.tasks import enrichment_sweep\nresult = enrichment_sweep.delay().id\n")
        wait_for(lambda: _enriched(stack, key), timeout=180, interval=1, what="enrichment after the outage")
    finally:
        stack._stop("enrich-worker")


def _enriched(stack: Stack, key: str) -> bool:
    rows = stack.sql(
        "SELECT count(*) FROM insights_enrichment e JOIN comments_comment c ON c.id = e.comment_id "
        "WHERE c.idempotency_key = %s",
        (key,),
    )
    return rows[0][0] == 1


# --- PostgreSQL goes away during reads --------------------------------------------------------------------


def test_reads_answer_a_clear_503_while_postgresql_is_gone_then_recover(stack, site):
    page = stack.url(f"/consultations/{site['consultation']}/")
    assert http("GET", page, headers={"Accept": "text/html"})[0] == 200
    stack.proxy.cut()
    try:
        status, headers, body = http("GET", page, headers={"Accept": "text/html"})
        api_status, _, api_body = http("GET", stack.url("/api/v1/consultations/"))
        ready = http("GET", stack.url("/readyz"))[0]
        live = http("GET", stack.url("/healthz"))[0]
    finally:
        stack.proxy.restore()
    assert status == 503, body[:500]
    assert headers.get("Retry-After") == "30"
    assert b"the service is unavailable" in body.lower()
    assert api_status == 503 and json.loads(api_body)["code"] == "service_unavailable"
    assert (ready, live) == (503, 200)  # not ready, but alive: the orchestrator must not kill it
    wait_for(lambda: http("GET", page)[0] == 200, timeout=30, interval=0.5, what="recovery after the cut")
    # every worker process recovers, not just one: a run of reads is all 200
    assert {http("GET", page)[0] for _ in range(12)} == {200}


def test_a_killed_backend_connection_is_replaced_without_an_error(stack, site):
    page = stack.url(f"/consultations/{site['consultation']}/")
    for _ in range(6):
        assert http("GET", page)[0] == 200  # warm persistent connections in every gunicorn worker
    killed = stack.sql(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid()",
        (stack.db_name,),
    )[0][0]
    assert killed >= 1
    statuses = [http("GET", page)[0] for _ in range(12)]
    assert set(statuses) == {200}, statuses  # CONN_HEALTH_CHECKS replaces the dead connection


# --- closing time passes with beat stopped ---------------------------------------------------------------


def test_posting_is_refused_after_closing_time_even_though_beat_never_ran(stack, texts):
    closing = seed(stack, users=1, slug="closing-soon")
    ok, _, _ = post_comment(stack, closing, texts[40])
    assert ok == 201
    # The closing time is set only now, a few seconds ahead, so a slow seed on a busy machine cannot eat
    # the margin; then the clock passes it with no beat running.
    closes = datetime.now(UTC) + timedelta(seconds=3)
    stack.sql(
        "UPDATE consultations_consultation SET closes_at = %s WHERE slug = %s", (closes, "closing-soon")
    )
    wait_for(lambda: datetime.now(UTC) > closes + timedelta(seconds=1), timeout=15, what="closing time")
    status, key, body = post_comment(stack, closing, texts[41])
    assert status in (400, 403), body[:300]
    assert b"closed" in body.lower()
    assert stored_keys(stack, [key]) == {}
    # no beat ran: the row still says "open"; the dates decide
    assert stack.sql("SELECT state FROM consultations_consultation WHERE slug = %s", ("closing-soon",)) == [
        ("open",)
    ]


# --- a worker killed mid-analysis --------------------------------------------------------------------------

RUN_SEED = r"""
from comments.demo import polis_comments
from comments.models import Comment
from consultations.models import Consultation, Section
from insights.runs import analysis_run_start
from tests.factories import UserFactory
consultation = Consultation.objects.get(slug=SLUG)
clauses = list(Section.objects.filter(document__consultation=consultation, kind="clause"))
author = UserFactory(email=f"{SLUG}-author@example.org")
texts = [c["body"] for conv in ("scoop-hivemind.taxes", "scoop-hivemind.ubi", "brexit-consensus",
                                "canadian-electoral-reform", "london.youth.policing")
         for c in polis_comments(conv) if len(c["body"]) > 30]
Comment.objects.bulk_create([
    Comment(consultation=consultation, document=clauses[n % len(clauses)].document,
            section=clauses[n % len(clauses)],
            author=author, body=text, body_html=text, status=Comment.Status.PUBLISHED, category="general")
    for n, text in enumerate(texts)
])
run = analysis_run_start(consultation=consultation, engine="embeddings")
result = {"run": run.pk, "units": len(texts)}
"""


def _run_row(stack: Stack, run_id: int) -> dict:
    cols = ("state", "progress", "attempts", "step", "error")
    row = stack.sql(f"SELECT {', '.join(cols)} FROM insights_analysisrun WHERE id = %s", (run_id,))[0]  # noqa: S608
    return dict(zip(cols, row, strict=True))


def test_a_worker_killed_mid_analysis_leaves_no_half_result_and_the_run_resumes(stack):
    site = seed(stack, users=1, slug="analysis-run")
    stack.start_worker("analysis-worker")
    try:
        started = stack.django(f"SLUG = {site['consultation']!r}\n" + RUN_SEED)
        run_id = started["run"]
        # Kill as soon as the engine reports its first step: past the claim, well before the save (the
        # engine still has to embed and cluster every comment), whatever this machine's speed.
        wait_for(
            lambda: (
                (row := _run_row(stack, run_id))["state"] != "queued" and row["step"] != "reading responses"
            ),
            timeout=120,
            interval=0.05,
            what="the worker to start analysing",
        )
        before_kill = _run_row(stack, run_id)
        assert before_kill["state"] == "running", before_kill  # still working: the kill lands mid-run
        stack.kill("analysis-worker")  # SIGKILL to its process group: no chance to clean up
    finally:
        if "analysis-worker" in stack.procs:
            stack.kill("analysis-worker")
    time.sleep(7)  # longer than ANALYSIS_RUN_STALE_SECONDS since the last heartbeat
    after_kill = _run_row(stack, run_id)
    assert after_kill["state"] == "running" and after_kill["progress"] < 100  # never reported as done
    assert stack.sql("SELECT count(*) FROM insights_theme WHERE run_id = %s", (run_id,))[0][0] == 0
    # beat's recovery (ANALYSIS_RUN_STALE_SECONDS=5 here) re-queues it; a new worker runs it to the end
    recovered = stack.django("from insights.runs import runs_recover_stale\nresult = runs_recover_stale()\n")
    assert recovered == {"requeued": 1, "failed": 0}
    stack.start_worker("analysis-worker-2")
    try:
        wait_for(
            lambda: _run_row(stack, run_id)["state"] in ("done", "failed"),
            timeout=600,
            interval=1,
            what="the re-queued run to finish",
        )
    finally:
        stack._stop("analysis-worker-2")
    final = _run_row(stack, run_id)
    assert final["state"] == "done", final
    assert final["attempts"] == 2 and final["progress"] == 100
    assert stack.sql("SELECT count(*) FROM insights_theme WHERE run_id = %s", (run_id,))[0][0] > 0
