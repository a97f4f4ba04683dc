"""Walks of a document's tree that several apps need: which clause a section is in, and a clause's text.

Sections are stored in document order (`position`, pre-order) with the position of their last
descendant. The clause (or schedule) holding a section is the nearest commentable section at or before
it whose range covers it. This module is the one place that walk, and a clause's text, are written."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby
from typing import NamedTuple, Protocol, TypeVar

from .models import Document, Section

CHUNK = 2_000


class Node(Protocol):
    kind: str
    position: int
    last_descendant: int


N = TypeVar("N", bound=Node)


def with_clauses(sections: Iterable[N]) -> Iterator[tuple[N, N | None]]:
    """(section, the clause or schedule it is in, or None) for each section of ONE document, given in
    document order. A clause is in itself."""
    open_: list[N] = []
    for s in sections:
        while open_ and s.position > open_[-1].last_descendant:
            open_.pop()
        if s.kind in Section.COMMENTABLE:
            open_.append(s)
        yield s, (open_[-1] if open_ else None)


class _Row(NamedTuple):
    id: int
    document_id: int
    kind: str
    position: int
    last_descendant: int
    lineage_key: str


def clause_keys(consultation_id: int) -> dict[int, str]:
    """section id -> lineage key of the clause (or schedule) it belongs to, for every document version."""
    rows = (
        Section.objects.filter(document__consultation_id=consultation_id)
        .order_by("document_id", "position")
        .values_list("id", "document_id", "kind", "position", "last_descendant", "lineage_key")
    )
    out: dict[int, str] = {}
    for _doc, sections in groupby(
        (_Row(*r) for r in rows.iterator(chunk_size=CHUNK)), key=lambda r: r.document_id
    ):
        for s, clause in with_clauses(sections):
            if clause is not None:
                out[s.id] = clause.lineage_key
    return out


@dataclass
class ClauseText:
    section: Section
    text: str  # the clause's heading and words and those of everything in it, a line each, with numbers


def clause_texts(document: Document) -> dict[str, ClauseText]:
    """{lineage key: the clause (or schedule) and its full text} in document order, in one query. The
    clause's own number is left out, so a renumbered clause has the same text."""
    lines: dict[str, tuple[Section, list[str]]] = {}
    for s, clause in with_clauses(Section.objects.filter(document=document).order_by("position")):
        s.document = document
        if clause is None:
            continue
        entry = lines.setdefault(clause.lineage_key, (clause, []))
        line = " ".join(x for x in ("" if s is clause else s.number, s.heading, s.text) if x)
        if line:
            entry[1].append(line)
    return {key: ClauseText(section, "\n".join(text)) for key, (section, text) in lines.items()}
