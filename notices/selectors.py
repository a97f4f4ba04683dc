"""Who is told about an event, and what each of them is told (the clauses they commented on)."""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from comments.models import Comment, Subscription
from consultations.models import Consultation, Document, Section
from consultations.visibility import viewers_q
from outcomes.models import LedgerEntry
from responses.models import Idea, Response

from .models import Event, Mute, Notice


def may_see(consultation: Consultation) -> Q:
    """Users who may see the consultation (consultations.visibility's rule, as a filter on users)."""
    return viewers_q(consultation)


def _took_part(consultation: Consultation) -> Q:
    c = consultation
    comments = Comment.objects.filter(consultation=c, author__isnull=False).exclude(
        status=Comment.Status.WITHDRAWN
    )
    responses = Response.objects.filter(
        consultation=c, respondent__isnull=False, status=Response.Status.SUBMITTED
    )
    ideas = Idea.objects.filter(consultation=c, author__isnull=False)
    follows = Subscription.objects.filter(
        Q(consultation=c) | Q(document__consultation=c) | Q(section__document__consultation=c), active=True
    )
    return (
        Q(pk__in=comments.values("author_id"))
        | Q(pk__in=responses.values("respondent_id"))
        | Q(pk__in=ideas.values("author_id"))
        | Q(pk__in=follows.values("user_id"))
    )


def recipients(event: Event) -> list[int]:
    """Ids of the people to tell, each once: those who commented, responded, shared an idea or follow
    the consultation (for an idea's status, its author), less anyone who unsubscribed from it, who
    cannot see it, whose account is closed, or who was already told of this event."""
    c = event.consultation
    who = _took_part(c) if event.kind != Event.Kind.IDEA_STATUS else Q(pk=event.idea.author_id)
    muted = Mute.objects.filter(Q(consultation=c) | Q(consultation__isnull=True)).values("user_id")
    told = Notice.objects.filter(event=event).values("user_id")
    return list(
        get_user_model()
        .objects.filter(who, may_see(c), is_active=True)
        .exclude(pk__in=muted)
        .exclude(pk__in=told)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _clause_of(sections_by_doc: dict[int, list[Section]], doc_id: int, position: int) -> Section | None:
    for s in sections_by_doc.get(doc_id, ()):
        if s.position <= position <= s.last_descendant:
            return s
    return None


def commented_clauses(consultation: Consultation, user_ids: list[int]) -> dict[int, list[Section]]:
    """{user id: the clauses (or schedules) they commented on, in document order}, in three queries."""
    rows = (
        Comment.objects.filter(consultation=consultation, author_id__in=user_ids, section__isnull=False)
        .exclude(status=Comment.Status.WITHDRAWN)
        .values_list("author_id", "section__document_id", "section__position")
        .distinct()
    )
    rows = list(rows)
    docs = {d for _, d, _ in rows}
    sections_by_doc: dict[int, list[Section]] = defaultdict(list)
    for s in (
        Section.objects.commentable()
        .filter(document_id__in=docs)
        .select_related("document")
        .order_by("document_id", "position")
    ):
        sections_by_doc[s.document_id].append(s)
    out: dict[int, dict[int, Section]] = defaultdict(dict)
    for user_id, doc_id, position in rows:
        clause = _clause_of(sections_by_doc, doc_id, position)
        if clause is not None:
            out[user_id][clause.pk] = clause
    return {u: sorted(found.values(), key=lambda s: (s.document_id, s.position)) for u, found in out.items()}


def ledger_by_lineage(consultation: Consultation) -> dict[str, LedgerEntry]:
    return {
        e.lineage_key: e
        for e in LedgerEntry.objects.filter(consultation=consultation).exclude(lineage_key="")
    }


def clause_url(section: Section, consultation: Consultation, fragment: str = "") -> str:
    doc = section.document
    path = reverse(
        "consultations:section-version",
        kwargs={
            "slug": consultation.slug,
            "doc": doc.slug,
            "version": doc.version,
            "anchor": section.anchor,
        },
    )
    return path + (f"#{fragment}" if fragment else "")


def new_version_clauses(document: Document) -> dict[str, Section]:
    """{lineage key: clause} of a newly published version."""
    return {
        s.lineage_key: s
        for s in Section.objects.commentable().filter(document=document).select_related("document")
    }
