"""Real public comments (Polis CSVs from the shared data) posted on the `document` fixture's clauses."""

from __future__ import annotations

import csv

import pytest
from django.conf import settings

from comments.models import Comment
from insights import services
from insights.models import Theme, ThemeAssignment


def polis_texts(name: str = "15-per-hour-seattle", limit: int = 60, min_words: int = 6) -> list[str]:
    path = settings.DATA_DIR / "comments" / "polis" / name / "comments.csv"
    out = []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            body = (row.get("comment-body") or "").strip()
            if len(body.split()) >= min_words:
                out.append(body)
            if len(out) == limit:
                break
    return out


def post_comments(document, author, texts, *, clauses: int = 2, status="published") -> list[Comment]:
    sections = list(document.sections.filter(kind="clause").order_by("position")[:clauses])
    rows = [
        Comment(
            consultation=document.consultation,
            document=document,
            section=sections[i % len(sections)],
            author=author,
            body=text,
            status=status,
        )
        for i, text in enumerate(texts)
    ]
    return Comment.objects.bulk_create(rows)


@pytest.fixture
def real_comments(document, citizen):
    return post_comments(document, citizen, polis_texts())


@pytest.fixture
def decided(consultation, analyst, real_comments):
    """Two machine themes on one clause, with officials' confirmed tags on both."""
    section = real_comments[0].section
    scope = f"clause:{section.lineage_key}"
    on_clause = [c for c in real_comments if c.section_id == section.pk]
    a = Theme.objects.create(consultation=consultation, scope=scope, label="Wages", section=section)
    b = Theme.objects.create(consultation=consultation, scope=scope, label="Prices", section=section)
    for theme, comment in ((a, on_clause[0]), (a, on_clause[1]), (b, on_clause[2]), (b, on_clause[3])):
        tag = ThemeAssignment.objects.create(theme=theme, comment=comment, confidence=0.6)
        services.tag_decide(tag=tag, by=analyst, confirm=True)
    return a, b, on_clause
