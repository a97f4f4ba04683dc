from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from responses.models import Question


@pytest.fixture
def formal(consultation):
    consultation.kind = "formal"
    consultation.save(update_fields=["kind"])
    return consultation


@pytest.fixture
def questions(formal, document):
    clause = document.sections.get(anchor="clause-2")
    return [
        Question.objects.create(
            consultation=formal,
            position=1,
            kind="text",
            required=True,
            text="What do you think of the proposals?",
            hint="Give reasons.",
        ),
        Question.objects.create(
            consultation=formal,
            position=2,
            kind="single",
            required=True,
            text="Should the rule be repealed?",
            choices=["Yes", "No", "Don't know"],
        ),
        Question.objects.create(
            consultation=formal,
            position=3,
            kind="multiple",
            text="Which groups are affected?",
            choices=["Employers", "Workers", "Families"],
        ),
        Question.objects.create(
            consultation=formal,
            position=4,
            kind="scale",
            ask_why=True,
            text="Clause 2 is clear.",
            section=clause,
        ),
    ]


@pytest.fixture
def close(formal):
    """Call to move the consultation's closing time into the past."""

    def _close():
        formal.opens_at = timezone.now() - timedelta(days=30)
        formal.closes_at = timezone.now() - timedelta(minutes=1)
        formal.save(update_fields=["opens_at", "closes_at"])
        return formal

    return _close


@pytest.fixture
def enrichment_calls(monkeypatch):
    """Stand-in for insights.services.queue_enrichment that records its calls."""
    calls: list[tuple[str, int]] = []
    monkeypatch.setattr("insights.services.queue_enrichment", lambda kind, pk: calls.append((kind, pk)))
    return calls


@pytest.fixture
def real_comments():
    import csv
    from pathlib import Path

    from django.conf import settings

    path = Path(settings.DATA_DIR) / "comments" / "regulations_gov" / "text_comments_example.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [r["Text Comment"].split("\nRe:")[0].strip() for r in csv.DictReader(fh)]
    return [r for r in rows if len(r) > 40]
