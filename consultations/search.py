"""One search box over consultations, the clauses of their documents, and published comments.

The sources are registered: consultations and clauses here, and each app above registers its own in its
AppConfig.ready() (published comments: comments/apps.py), in the order the results page lists them.

PostgreSQL: full-text search (websearch syntax, English stemming) ranked by `ts_rank`. SQLite: every word
must appear (case-insensitive), newest first. Only what the public may see is ever searched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet

from .models import Consultation, Document, Section

# kind -> its search (words in, a queryset of what the public may see out)
SOURCES: dict[str, Callable[[str], QuerySet]] = {}


def register(kind: str, search: Callable[[str], QuerySet]) -> None:
    SOURCES[kind] = search


def match(qs: QuerySet, q: str, fields: list[str], weights: list[str], order_fallback: str) -> QuerySet:
    """`qs` narrowed to the rows whose `fields` (weighted A, B, ...) match the words `q`, best first."""
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = None
        for f, w in zip(fields, weights, strict=True):
            v = SearchVector(f, weight=w, config="english")
            vector = v if vector is None else vector + v
        query = SearchQuery(q, search_type="websearch", config="english")
        # Filter on the match operator: ts_rank is not zero for documents that do not match.
        return (
            qs.annotate(search=vector, rank=SearchRank(vector, query))
            .filter(search=query)
            .order_by("-rank", order_fallback)
        )
    for word in q.split()[:8]:
        cond = Q()
        for f in fields:
            cond |= Q(**{f"{f}__icontains": word})
        qs = qs.filter(cond)
    return qs.order_by(order_fallback)


def public_consultations() -> QuerySet[Consultation]:
    return Consultation.objects.published()


def search_consultations(q: str) -> QuerySet[Consultation]:
    return match(
        public_consultations().select_related("team"),
        q,
        ["title", "summary", "body"],
        ["A", "B", "C"],
        "-opens_at",
    )


def search_sections(q: str) -> QuerySet[Section]:
    qs = Section.objects.filter(
        document__state=Document.State.PUBLISHED, document__consultation__in=public_consultations()
    ).select_related("document__consultation")
    return match(qs, q, ["heading", "text"], ["A", "B"], "position")


register("consultations", search_consultations)
register("clauses", search_sections)


@dataclass
class ClauseHit:
    section: Section  # the matching provision
    unit: Section | None  # the clause or schedule it belongs to (its own page)


def with_units(sections: list[Section]) -> list[ClauseHit]:
    """The clause each matching provision belongs to, in one query for the whole page of results."""
    if not sections:
        return []
    doc_ids = {s.document_id for s in sections}
    units = list(
        Section.objects.commentable()
        .filter(document_id__in=doc_ids)
        .only("id", "document_id", "kind", "number", "heading", "anchor", "position", "last_descendant")
    )
    hits = []
    for s in sections:
        unit = next(
            (
                u
                for u in units
                if u.document_id == s.document_id and u.position <= s.position <= u.last_descendant
            ),
            None,
        )
        if unit is not None:
            unit.document = s.document
        hits.append(ClauseHit(s, unit))
    return hits
