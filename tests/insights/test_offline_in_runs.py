"""Letters on clauses and event notes go through an analysis run like comments (issue 19, items 2-3):
tagged with their clause's themes, counted once in them, and quoted."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.utils import timezone

from insights import services
from insights.models import Theme, ThemeAssignment
from responses.models import EngagementEvent, EventNote, LetterPart, Response

from .conftest import polis_texts, post_comments

pytestmark = pytest.mark.django_db


def test_a_run_tags_and_quotes_letters_and_event_notes_once_with_their_clause(
    consultation, document, citizen
):
    texts = polis_texts("american-assembly.bowling-green", limit=80)
    post_comments(document, citizen, texts[:60], clauses=2)
    one, two = document.sections.filter(kind="clause").order_by("position")[:2]
    letter = Response.objects.create(consultation=consultation, status="submitted", channel="post")
    parts = [
        LetterPart.objects.create(response=letter, section=one, text=texts[60]),
        LetterPart.objects.create(response=letter, section=two, text=texts[61]),
    ]
    event = EngagementEvent.objects.create(
        consultation=consultation, title="Town hall", starts_at=timezone.now(), organiser="Council"
    )
    notes = [EventNote.objects.create(event=event, section=one, text=t) for t in texts[62:70]]
    run = services.analysis_run_start(consultation=consultation, engine="basic", queue=False)
    run = services.analysis_run_execute(run.pk)
    assert run.state == "done", run.error
    tags = ThemeAssignment.objects.filter(theme__consultation=consultation)
    assert tags.filter(letter__in=parts).exists() and tags.filter(event_note__in=notes).exists()
    # Each unit at most once per theme, and in its own clause's themes only.
    assert not tags.values("theme", "letter", "event_note", "comment").annotate(n=Count("pk")).filter(n__gt=1)
    for t in tags.filter(letter=parts[1]).select_related("theme"):
        assert t.theme.scope in ("consultation", f"clause:{two.lineage_key}")
    quoted = [q for t in Theme.objects.filter(consultation=consultation) for q in t.quotes]
    assert any(q["unit"] == "note" for q in quoted)
