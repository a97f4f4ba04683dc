"""Walks of a document's tree that several apps need: which clause a section belongs to.

Sections are stored in document order (`position`, pre-order) with the position of their last
descendant, so the clause (or schedule) holding a section is the nearest commentable section before it
whose range covers it. This module is the one place that walk is written."""

from __future__ import annotations

from .models import Section

CHUNK = 2_000


def clause_keys(consultation_id: int) -> dict[int, str]:
    """section id -> lineage key of the clause (or schedule) it belongs to, for every document version."""
    out: dict[int, str] = {}
    rows = (
        Section.objects.filter(document__consultation_id=consultation_id)
        .order_by("document_id", "position")
        .values_list("id", "document_id", "kind", "position", "last_descendant", "lineage_key")
    )
    current: tuple[int, int, str] | None = None  # (document, last_descendant, key) of the open clause
    for sid, doc, kind, pos, last, key in rows.iterator(chunk_size=CHUNK):
        if kind in Section.COMMENTABLE:
            current = (doc, last, key)
        if current and current[0] == doc and pos <= current[1]:
            out[sid] = current[2]
    return out
