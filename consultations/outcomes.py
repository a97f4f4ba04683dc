"""Revised versions of a document, and the response ledger behind the government response."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import events
from .models import Consultation, Document, LedgerEntry, Section
from .standard import Failure


def commented_version(consultation: Consultation, slug: str) -> Document | None:
    """The version people commented on: the first published one of that document."""
    return (
        Document.objects.filter(consultation=consultation, slug=slug)
        .exclude(state=Document.State.DRAFT)
        .order_by("version")
        .first()
    )


def document_upload_version(*, document: Document, data: bytes, filename: str, fmt: str | None, by):
    """A revised draft of `document` as a new, unpublished version; clauses keep their lineage keys."""
    from .importers import parse
    from .importers.save import document_import

    if Document.objects.filter(previous_version=document).exists():
        raise ValidationError("A newer version of this document already exists.")
    parsed = parse(data, fmt=fmt, filename=filename)
    return document_import(
        consultation=document.consultation,
        parsed=parsed,
        title=document.title,
        slug=document.slug,
        source_name=filename,
        source_bytes=data,
        previous_version=document,
    )


@transaction.atomic
def document_publish_version(*, document: Document, by) -> Document:
    doc = Document.objects.select_for_update().get(pk=document.pk)
    if doc.state != Document.State.DRAFT or doc.previous_version_id is None:
        raise ValidationError("Only an unpublished revised version can be published.")
    if doc.consultation.state == Consultation.State.DRAFT:
        raise ValidationError("Publish the consultation first.")
    Document.objects.filter(pk=doc.previous_version_id).update(state=Document.State.SUPERSEDED)
    doc.state = Document.State.PUBLISHED
    doc.published_at = timezone.now()
    doc._change_reason = f"version {doc.version} published"
    doc.save()
    events.version_published.send(sender=Document, consultation=doc.consultation, document=doc)
    return doc


def clause_comments(section: Section):
    """The published comments on a clause (its subsections included): what a clause's entry can cite."""
    from comments.models import Comment

    return Comment.objects.filter(
        section__in=Section.objects.subtree(section), status=Comment.Status.PUBLISHED
    ).order_by("-agree_count", "pk")


def question_answers(question):
    """The submitted answers to a question that say something: what a question's entry can cite."""
    from responses.models import Answer, Response

    return (
        Answer.objects.filter(question=question, response__status=Response.Status.SUBMITTED)
        .exclude(text="", choices=[])
        .order_by("pk")
    )


def _check_links(consultation, section, question, themes, comments, answers) -> None:
    """Themes of the same clause or question; comments on that clause, answers to that question."""
    scope = f"clause:{section.lineage_key}" if section else f"question:{question.pk}"
    if any(t.consultation_id != consultation.pk or t.scope != scope for t in themes):
        raise ValidationError("Choose themes of this clause or question.")
    if section is not None:
        wanted, pool, message = (
            {c.pk for c in comments},
            clause_comments(section),
            "published comments on this clause",
        )
        if answers:
            raise ValidationError("A clause's entry cites comments, not answers.")
    else:
        if question.consultation_id != consultation.pk:
            raise ValidationError("Choose a question of this consultation.")
        wanted, pool, message = (
            {a.pk for a in answers},
            question_answers(question),
            "submitted answers to this question",
        )
        if comments:
            raise ValidationError("A question's entry cites answers, not comments.")
    if wanted and pool.filter(pk__in=wanted).count() != len(wanted):
        raise ValidationError(f"Choose {message}.")


@transaction.atomic
def ledger_save(
    *,
    consultation: Consultation,
    section: Section | None = None,
    question=None,
    decision: str,
    you_said: str,
    we_did: str,
    themes=(),
    comments=(),
    answers=(),
    by,
) -> LedgerEntry:
    """Record what the team did with what people said about one clause (followed by its lineage key
    across versions) or one question, linked to the themes and the comments or answers behind it."""
    if (section is None) == (question is None):
        raise ValidationError("A ledger entry is about one clause or one question.")
    _check_links(consultation, section, question, themes, comments, answers)
    if decision not in LedgerEntry.Decision.values:
        raise ValidationError("Choose what you did.")
    if not you_said.strip() or not we_did.strip():
        raise ValidationError("Say what people said and what you did.")
    lookup = {"lineage_key": section.lineage_key} if section else {"question": question, "lineage_key": ""}
    entry, _ = LedgerEntry.objects.update_or_create(
        consultation=consultation,
        **lookup,
        defaults={
            "section": section,
            "decision": decision,
            "you_said": you_said.strip(),
            "we_did": we_did.strip(),
            "updated_by": by,
        },
    )
    entry.themes.set(themes)
    entry.comments.set(comments)
    entry.answers.set(answers)
    return entry


def answered_questions(consultation: Consultation) -> dict[int, int]:
    """{question id: number of submitted answers that say something}, one query."""
    from django.db.models import Count

    from responses.models import Answer, Response

    rows = (
        Answer.objects.filter(response__consultation=consultation, response__status=Response.Status.SUBMITTED)
        .exclude(text="", choices=[])
        .values_list("question_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return dict(rows)


def outcome_check(consultation: Consultation) -> list[Failure]:
    """Every clause people commented on, and every question people answered, needs a ledger entry before
    the outcome is published."""
    from comments.selectors import published_counts_by_section

    failures: list[Failure] = []
    if consultation.phase() != "closed":
        failures.append(Failure("not_closed", "The consultation has not closed", "Wait until it closes.", ""))
    covered = set(LedgerEntry.objects.filter(consultation=consultation).values_list("lineage_key", flat=True))
    slugs = consultation.documents.values_list("slug", flat=True).distinct()
    for slug in slugs:
        doc = commented_version(consultation, slug)
        if doc is None:
            continue
        counts = published_counts_by_section(doc)
        for unit in Section.objects.commentable().filter(document=doc).order_by("position"):
            if counts.get(unit.id) and unit.lineage_key not in covered:
                failures.append(
                    Failure(
                        f"ledger:{unit.lineage_key}",
                        f"No response recorded for {unit.label}",
                        f"{counts[unit.id]} comment(s): record what you did with them.",
                        unit.lineage_key,
                    )
                )
    from responses.models import Question

    answered = answered_questions(consultation)
    done = set(
        LedgerEntry.objects.filter(consultation=consultation, question__isnull=False).values_list(
            "question_id", flat=True
        )
    )
    for q in Question.objects.filter(consultation=consultation, pk__in=list(answered)).order_by(
        "position", "pk"
    ):
        if q.pk not in done:
            failures.append(
                Failure(
                    f"ledger:question:{q.pk}",
                    f"No response recorded for question {q.position}: {q.text[:80]}",
                    f"{answered[q.pk]} answer(s): record what you did with them.",
                    f"question:{q.pk}",
                )
            )
    return failures
