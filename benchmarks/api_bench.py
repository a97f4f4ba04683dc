"""API figures for `make bench`: p50 server time and query counts of the main list endpoints with
100,000 comments (90,000 published), the document tree, a deep cursor page, the Web Annotation pages (first
and deep), the officials' comment list (every status, signed in as the team's publisher), and the bulk ZIP.

Called by benchmarks/run.py as run(results) inside a throwaway test database."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from api.opendata.annotations import PAGE_SIZE as ANNOTATION_PAGE

N_COMMENTS = 100_000
N_CONSULTATIONS = 300
REPEAT = 30


def _p50(client: Client, url: str, repeat: int = REPEAT) -> tuple[float, int, int]:
    """(p50 ms, SQL queries, response bytes) after one warm-up request."""
    client.get(url)
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = len(response.content)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), len(executed), size


def _load() -> tuple:
    from comments.demo import polis_comments
    from comments.models import Comment
    from consultations.models import Section
    from dhdigital.accounts.models import Role
    from tests.factories import ConsultationFactory, TeamFactory, UserFactory, add_member, make_document

    team = TeamFactory()
    ConsultationFactory.create_batch(N_CONSULTATIONS, team=team)
    consultation = ConsultationFactory(team=team, slug="bench-api")
    document = make_document(consultation=consultation, clauses=83)
    clauses = list(Section.objects.filter(document=document, kind="clause").order_by("position"))
    authors = [UserFactory() for _ in range(50)]
    texts = [c["body"] for c in polis_comments()]  # real comments (CC BY 4.0, Computational Democracy)
    now = timezone.now()
    batch = []
    for i in range(N_COMMENTS):
        text = texts[i % len(texts)]
        batch.append(
            Comment(
                consultation=consultation,
                document=document,
                section=clauses[i % len(clauses)],
                author=authors[i % len(authors)],
                category=Comment.Category.values[i % 4],
                body=text,
                body_html=f"<p>{text}</p>",
                status=Comment.Status.PUBLISHED if i % 10 else Comment.Status.PENDING,
                published_at=now - timedelta(seconds=N_COMMENTS - i),
                path=f"{i + 1:010d}/",
            )
        )
        if len(batch) == 5000:
            Comment.objects.bulk_create(batch)
            batch = []
    Comment.objects.bulk_create(batch)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # as autovacuum would, after a bulk load
            cursor.execute("ANALYZE")
    publisher = add_member(UserFactory(email="bench-publisher@example.org"), team, Role.PUBLISHER)
    return consultation, document, clauses, publisher


def run(results: dict) -> None:
    rates = dict.fromkeys(("anon", "user", "ip", "bulk"), "10000000/min")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    start = time.perf_counter()
    consultation, document, clauses, publisher = _load()
    load_s = time.perf_counter() - start
    client = Client()
    published = N_COMMENTS - N_COMMENTS // 10
    middle = max(1, published // ANNOTATION_PAGE // 2)
    figures = {
        "api_consultation_list": ("/api/v1/consultations/", f"{N_CONSULTATIONS + 1} consultations"),
        "api_comment_list": ("/api/v1/comments/", f"{published:,} published of {N_COMMENTS:,} comments"),
        "api_comment_list_by_consultation": (f"/api/v1/comments/?consultation={consultation.slug}", ""),
        "api_comment_list_by_clause": (f"/api/v1/comments/?lineage_key={clauses[40].lineage_key}", ""),
        "api_document_tree": (f"/api/v1/documents/{document.pk}/", "83 clauses, 249 sections"),
        "api_section_list": (f"/api/v1/sections/?document={document.pk}", ""),
        "api_annotations_first_page": (
            f"/api/v1/documents/{document.pk}/annotations.jsonld",
            f"{ANNOTATION_PAGE} of {published:,} Web Annotations, with the collection",
        ),
        "api_annotations_middle_page": (
            f"/api/v1/documents/{document.pk}/annotations.jsonld?page={middle}",
            f"page {middle} ({(middle - 1) * ANNOTATION_PAGE:,} annotations in)",
        ),
    }
    for name, (url, note) in figures.items():
        p50, queries, size = _p50(client, url)
        results[f"{name}_p50_ms"] = {"value": round(p50, 1), "unit": "ms", "note": note or url}
        results[f"{name}_queries"] = {"value": queries, "unit": "queries"}

    staff = Client()
    staff.force_login(publisher)
    url = f"/api/v1/staff/consultations/{consultation.slug}/comments/"
    p50, queries, _ = _p50(staff, url)
    results["api_staff_comment_list_p50_ms"] = {
        "value": round(p50, 1),
        "unit": "ms",
        "note": f"every status of {N_COMMENTS:,}, as the team's publisher",
    }
    results["api_staff_comment_list_queries"] = {"value": queries, "unit": "queries"}

    url = "/api/v1/comments/"
    for _ in range(200):  # 200 pages of 50 in: cursor pages cost the same deep as at the start
        url = client.get(url).json()["next"]
    p50, queries, _ = _p50(client, url)
    results["api_comment_list_page_200_p50_ms"] = {
        "value": round(p50, 1),
        "unit": "ms",
        "note": "cursor page 201 (10,000 comments in)",
    }

    start = time.perf_counter()
    response = client.get(f"/api/v1/consultations/{consultation.slug}/open-data.zip")
    size = sum(len(chunk) for chunk in response.streaming_content)
    results["api_bulk_zip_s"] = {
        "value": round(time.perf_counter() - start, 2),
        "unit": "s",
        "note": f"{published:,} comments, {size / 1e6:.1f} MB",
    }
    results["api_bench_load_s"] = {"value": round(load_s, 1), "unit": "s", "note": "creating the data set"}
    for key in [k for k in results if k.startswith("api_")]:
        fig = results[key]
        print(f"  {key}: {fig['value']} {fig['unit']}" + (f" ({fig['note']})" if fig.get("note") else ""))
