"""Real public comments (Polis CSVs from the shared data) posted on the `document` fixture's clauses."""

from __future__ import annotations

import csv

import pytest
from django.conf import settings

from comments.models import Comment


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
