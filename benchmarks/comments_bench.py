"""Comment figures for `make bench`: clause page with 500 comments in threads, document page with 2,000
comments over 83 clauses (query counts at two sizes each), and posting a comment (p50 server time).

Called by benchmarks/run.py as run(results) inside a throwaway test database."""

from __future__ import annotations

import statistics
import time
import uuid

from django.conf import settings
from django.db import connection
from django.test import Client

REPEAT = 20


def _get(client: Client, url: str, repeat: int = REPEAT) -> tuple[float, int]:
    client.get(url)
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), len(executed)


def _texts() -> list[str]:
    from comments.demo import relevant_polis_comments

    return [c["body"] for c in relevant_polis_comments()]


def _setup(n: int, clauses: int, texts, *, one_clause: bool):
    from comments.demo import bulk_threads
    from consultations.models import Section
    from tests.factories import ConsultationFactory, UserFactory, make_document

    document = make_document(consultation=ConsultationFactory(), clauses=clauses)
    authors = [UserFactory() for _ in range(25)]
    sections = list(Section.objects.filter(document=document).order_by("position"))
    clause = next(s for s in sections if s.anchor == "clause-3")
    if one_clause:
        targets = [s for s in sections if clause.position <= s.position <= clause.last_descendant]
    else:
        targets = [s for s in sections if s.kind == "clause"]
    bulk_threads(document=document, sections=targets, authors=authors, texts=texts, n=n)
    return document, clause, authors


def _add(results: dict, name: str, value, unit: str, note: str = "") -> None:
    results[name] = {"value": value, "unit": unit, **({"note": note} if note else {})}
    print(f"  {name}: {value} {unit}{'  (' + note + ')' if note else ''}", flush=True)


def run(results: dict) -> None:
    texts = _texts()
    client = Client()

    queries = {}
    for n in (50, 500):
        document, clause, authors = _setup(n, 10, texts, one_clause=True)
        p50, queries[n] = _get(client, clause.get_absolute_url())
        html = client.get(clause.get_absolute_url()).content.decode()
        assert f"({n})" in html, "the page did not count every comment"
        shown = html.count("<article")  # replies deeper than the display depth continue on their own page
        if n == 500:
            _add(
                results,
                "comments_clause_page_500_p50_ms",
                round(p50, 1),
                "ms",
                f"anonymous reader, {shown} of 500 on the page, deeper replies continue; budget 80",
            )
            signed = Client()
            signed.force_login(authors[1])
            p50_in, q_in = _get(signed, clause.get_absolute_url())
            _add(results, "comments_clause_page_500_signed_in_p50_ms", round(p50_in, 1), "ms")
            _add(results, "comments_clause_page_500_signed_in_queries", q_in, "queries")
    _add(results, "comments_clause_page_queries_50", queries[50], "queries")
    _add(
        results,
        "comments_clause_page_queries_500",
        queries[500],
        "queries",
        "same as at 50: independent of comment count",
    )

    for n in (200, 2000):
        document, clause, authors = _setup(n, 83, texts, one_clause=False)
        p50, q = _get(client, document.get_absolute_url())
        _add(results, f"comments_document_page_queries_{n}", q, "queries", "83 clauses")
        if n == 2000:
            _add(results, "comments_document_page_2000_p50_ms", round(p50, 1), "ms", "83 clauses; budget 100")

    # Posting: the full request (form, checks, scoring, insert, counts), rate limits out of the way. Celery
    # tasks (enrichment, notifications) are queued on an in-memory broker, not run inside the request, as
    # with a real worker.
    from dhdigital.celery import app as celery_app

    settings.COMMENT_RATE_PER_USER = settings.COMMENT_RATE_PER_IP = "1000000/60"
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "memory://"
    document, clause, authors = _setup(50, 5, texts, one_clause=True)
    url = f"/comments/consultations/{document.consultation.slug}/new/"
    samples = []
    poster = Client()
    for i in range(60):
        poster.force_login(authors[i % len(authors)])
        data = {
            "document": document.pk,
            "section": clause.pk,
            "target": clause.pk,
            "category": "drafting",
            "body": texts[i % len(texts)],
            "idempotency_key": uuid.uuid4().hex,
        }
        start = time.perf_counter()
        response = poster.post(url, data)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
    _add(
        results,
        "comments_post_p50_ms",
        round(statistics.median(samples[10:]), 1),
        "ms",
        "POST to redirect; tasks queued, not run; budget 50",
    )
    celery_app.conf.task_always_eager = True
