"""Reads the consultation pages need, with their queries bounded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import Consultation, ConsultationUpdate, Document, Section


def public_updates(consultation: Consultation) -> list[ConsultationUpdate]:
    """The page's change notes, oldest first (first published, extensions with their reasons, ...)."""
    return list(ConsultationUpdate.objects.filter(consultation=consultation).order_by("at", "pk"))


def consultation_search(*, user, q: str = "", status: str = "") -> QuerySet[Consultation]:
    qs = Consultation.objects.listed_for(user).select_related("team")
    if status == "open":
        qs = qs.open_now().order_by("closes_at")
    elif status == "upcoming":
        qs = qs.upcoming().order_by("opens_at")
    elif status == "closed":
        qs = qs.closed().order_by("-closes_at")
    else:
        qs = qs.order_by("-opens_at")
    q = q.strip()
    if q:
        if settings.IS_POSTGRES:
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            vector = SearchVector("title", weight="A", config="english") + SearchVector(
                "summary", "body", weight="B", config="english"
            )
            query = SearchQuery(q, search_type="websearch", config="english")
            # Filter on the match operator: ts_rank is not zero for documents that do not match.
            qs = (
                qs.annotate(search=vector, rank=SearchRank(vector, query))
                .filter(search=query)
                .order_by("-rank", "-opens_at")
            )
        else:
            for word in q.split()[:8]:
                qs = qs.filter(
                    Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
                )
    return qs


_STRUCTURE = {"preamble", "part", "chapter", "crossheading", "clause", "schedule", "amendment"}


def with_indent(sections: list[Section]) -> list[Section]:
    """Set `indent` on each of a pre-ordered run of sections: 1 for a clause's (or schedule's) own
    provisions, one more per provision they sit in, whatever parts and chapters are around the clause."""
    stack: list[tuple[int, str]] = []
    for s in sections:
        while stack and stack[-1][0] >= s.depth:
            stack.pop()
        s.indent = 1 + sum(1 for _depth, kind in stack if kind not in _STRUCTURE)
        stack.append((s.depth, s.kind))
    return sections


def document_sections(document: Document) -> list[Section]:
    """Every section of a document in reading order, in one query, with its `indent`."""
    return with_indent(
        list(
            Section.objects.filter(document=document)
            .only(
                "id",
                "parent_id",
                "kind",
                "number",
                "heading",
                "text",
                "position",
                "last_descendant",
                "depth",
                "anchor",
                "explanatory_note",
                "lineage_key",
                "document_id",
                "amends_place",
                "amends_id",
            )
            .order_by("position")
        )
    )


@dataclass
class TocEntry:
    section: Section
    comment_count: int
    children: list[TocEntry]


def table_of_contents(sections: list[Section], counts: dict[int, int]) -> list[TocEntry]:
    """Groupings (parts, chapters, cross-headings) and commentable units, nested, from the flat list."""
    roots: list[TocEntry] = []
    stack: list[tuple[Section, TocEntry]] = []
    for s in sections:
        if s.kind not in Section.GROUPING and s.kind not in Section.COMMENTABLE:
            continue
        entry = TocEntry(s, counts.get(s.id, 0), [])
        while stack and not (stack[-1][0].position < s.position <= stack[-1][0].last_descendant):
            stack.pop()
        (stack[-1][1].children if stack else roots).append(entry)
        if s.kind in Section.GROUPING or s.kind in (Section.Kind.SCHEDULE, Section.Kind.AMENDMENT):
            stack.append((s, entry))
    return roots


def neighbours(section: Section) -> tuple[Section | None, Section | None]:
    """The previous and next commentable units (clauses and schedules) in the document."""
    base = (
        Section.objects.commentable()
        .filter(document_id=section.document_id)
        .only("id", "kind", "number", "heading", "anchor", "document_id")
    )
    prev = base.filter(position__lt=section.position).order_by("-position").first()
    nxt = base.filter(position__gt=section.last_descendant).order_by("position").first()
    return prev, nxt


def ancestors(section: Section) -> list[Section]:
    """Part, chapter and cross-heading above a section, outermost first, in one query."""
    return list(
        Section.objects.filter(
            document_id=section.document_id,
            position__lt=section.position,
            last_descendant__gte=section.position,
        ).order_by("position")
    )


def commented_version(consultation: Consultation, slug: str) -> Document | None:
    """The version people commented on: the first published one of that document."""
    return (
        Document.objects.filter(consultation=consultation, slug=slug)
        .exclude(state=Document.State.DRAFT)
        .order_by("version")
        .first()
    )


# What readers see counted against each section of a document page: published comments, which the comments
# app registers in its AppConfig.ready() (comments.selectors.published_counts_by_section).
_SECTION_COUNTS: list[Callable[[Document], dict[int, int]]] = []


def register_section_counts(counts: Callable[[Document], dict[int, int]]) -> None:
    _SECTION_COUNTS[:] = [counts]


def section_counts(document: Document) -> dict[int, int]:
    """{section id: comments on it (a clause counts its subsections')}; empty when no app counts any."""
    return _SECTION_COUNTS[0](document) if _SECTION_COUNTS else {}
