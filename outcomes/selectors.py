"""Reads for the response ledger: what an entry can cite, what is still to be answered, and the ledger as
readers see it."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from comments.models import Comment
from consultations.models import Consultation, Section
from responses.models import Answer, Response

from .models import LedgerEntry


def clause_comments(section: Section):
    """The published comments on a clause (its subsections included): what a clause's entry can cite."""
    return Comment.objects.filter(
        section__in=Section.objects.subtree(section), status=Comment.Status.PUBLISHED
    ).order_by("-agree_count", "pk")


def question_answers(question):
    """The submitted answers to a question that say something: what a question's entry can cite."""
    return (
        Answer.objects.filter(question=question, response__status=Response.Status.SUBMITTED)
        .exclude(text="", choices=[])
        .order_by("pk")
    )


def answered_questions(consultation: Consultation) -> dict[int, int]:
    """{question id: number of submitted answers that say something}, one query."""
    rows = (
        Answer.objects.filter(response__consultation=consultation, response__status=Response.Status.SUBMITTED)
        .exclude(text="", choices=[])
        .values_list("question_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def ledger_entries(consultation: Consultation) -> QuerySet:
    """The response ledger as readers see it: each entry with its themes and, of the comments behind it,
    only those still published (a comment hidden since is no longer linked). Answers are only counted:
    who gave them is never shown."""
    return (
        LedgerEntry.objects.filter(consultation=consultation)
        .annotate(answer_count=Count("answers", distinct=True))
        .prefetch_related(
            "themes",
            Prefetch(
                "comments",
                queryset=Comment.objects.filter(status=Comment.Status.PUBLISHED).order_by("pk").only("pk"),
                to_attr="published_comments",
            ),
        )
    )


def public_clause_entries(consultation: Consultation) -> list[LedgerEntry]:
    """The clauses' entries in document order, once the consultation is concluded (none before)."""
    if consultation.state != Consultation.State.CONCLUDED:
        return []
    entries = list(
        ledger_entries(consultation)
        .filter(section__isnull=False)
        .select_related("section__document")
        .order_by("section__document__slug", "section__position")
    )
    for entry in entries:
        entry.section.document.consultation = consultation
    return entries


def public_question_entries(consultation: Consultation) -> list[LedgerEntry]:
    """The questions' entries in question order, once the consultation is concluded (none before)."""
    if consultation.state != Consultation.State.CONCLUDED:
        return []
    return list(
        ledger_entries(consultation)
        .filter(question__isnull=False)
        .select_related("question")
        .order_by("question__position", "question_id")
    )


def clause_ledger(consultation: Consultation, section: Section) -> LedgerEntry | None:
    """The clause's entry (followed by lineage key across versions) once the consultation is concluded."""
    if consultation.state != Consultation.State.CONCLUDED:
        return None
    return ledger_entries(consultation).filter(lineage_key=section.lineage_key).first()
