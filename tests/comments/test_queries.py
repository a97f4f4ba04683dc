"""SQL query counts must not grow with the number of comments (asserted at two sizes).

Wall-clock time is measured in `make bench` (benchmarks/comments_bench.py), never here."""

from __future__ import annotations

import pytest
from django.db import connection

from comments.demo import bulk_threads
from comments.selectors import published_counts_by_section
from consultations.models import Section
from tests.factories import ConsultationFactory, UserFactory, make_document

pytestmark = pytest.mark.django_db


def queries_for(client, url) -> int:
    """Queries one request makes (counted by an execute wrapper: immune to per-request log resets)."""
    client.get(url)  # warm caches (templates, content types, sessions)
    executed: list[str] = []

    def count(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        response = client.get(url)
    assert response.status_code == 200
    assert executed, "no queries captured: the counter is broken"
    return len(executed)


def build(n_comments: int, real_texts, clauses: int = 20):
    consultation = ConsultationFactory()
    document = make_document(consultation=consultation, clauses=clauses)
    authors = [UserFactory() for _ in range(8)]
    sections = list(Section.objects.filter(document=document).order_by("position"))
    return document, sections, authors


@pytest.mark.parametrize("signed_in", [False, True])
def test_clause_page_query_count_does_not_grow_with_comments(client, real_texts, signed_in):
    counts = []
    for n in (10, 300):
        document, sections, authors = build(n, real_texts, clauses=3)
        clause = next(s for s in sections if s.anchor == "clause-2")
        subtree = [s for s in sections if clause.position <= s.position <= clause.last_descendant]
        bulk_threads(document=document, sections=subtree, authors=authors, texts=real_texts, n=n)
        if signed_in:
            client.force_login(authors[0])
        counts.append(queries_for(client, clause.get_absolute_url()))
        assert f"({n})" in client.get(clause.get_absolute_url()).content.decode()  # all n counted
    assert counts[0] == counts[1], counts
    print(
        f"clause page queries ({'signed in' if signed_in else 'anonymous'}) at 10 and 300 comments: {counts}"
    )


def test_document_page_query_count_does_not_grow_with_comments(client, real_texts):
    counts = []
    for n in (40, 800):
        document, sections, authors = build(n, real_texts, clauses=20)
        bulk_threads(
            document=document,
            sections=[s for s in sections if s.kind == "clause"],
            authors=authors,
            texts=real_texts,
            n=n,
        )
        counts.append(queries_for(client, document.get_absolute_url()))
        assert (
            sum(
                v
                for k, v in published_counts_by_section(document).items()
                if Section.objects.get(pk=k).kind == "clause"
            )
            == n
        )
    assert counts[0] == counts[1], counts
    print(f"document page queries at 40 and 800 comments: {counts}")


def test_counts_by_section_use_two_queries_and_roll_subsections_into_clauses(
    real_texts, django_assert_num_queries
):
    document, sections, authors = build(0, real_texts, clauses=3)
    clause = next(s for s in sections if s.anchor == "clause-1")
    sub = next(s for s in sections if s.anchor == "clause-1-2")
    bulk_threads(document=document, sections=[clause], authors=authors, texts=real_texts, n=5)
    bulk_threads(document=document, sections=[sub], authors=authors, texts=real_texts, n=3, seed=3)
    with django_assert_num_queries(2):
        counts = published_counts_by_section(document)
    assert counts[clause.pk] == 8 and counts[sub.pk] == 3


def test_comment_permalink_query_count_does_not_grow_with_replies(client, real_texts):
    counts = []
    for n in (10, 200):
        document, sections, authors = build(n, real_texts, clauses=1)
        comments = bulk_threads(
            document=document, sections=[sections[0]], authors=authors, texts=real_texts, n=n
        )
        root = max((c for c in comments if c.parent_id is None), key=lambda c: c.reply_count)
        counts.append(queries_for(client, root.get_absolute_url()))
    assert counts[0] == counts[1], counts
