"""Writes for the response ledger and the government response."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from comments.selectors import published_counts_by_section
from consultations.models import Consultation, Section
from consultations.selectors import commented_version
from consultations.standard import Failure
from responses.models import Question

from .models import LedgerEntry
from .selectors import answered_questions, clause_comments, question_answers


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


def outcome_check(consultation: Consultation) -> list[Failure]:
    """Every clause people commented on, and every question people answered, needs a ledger entry before
    the outcome is published."""
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
