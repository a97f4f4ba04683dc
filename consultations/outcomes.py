"""Revised versions of a document, and the response ledger behind the government response."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

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
    return doc


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
    by,
) -> LedgerEntry:
    if (section is None) == (question is None):
        raise ValidationError("A ledger entry is about one clause or one question.")
    if decision not in LedgerEntry.Decision.values:
        raise ValidationError("Choose what you did.")
    if not you_said.strip() or not we_did.strip():
        raise ValidationError("Say what people said and what you did.")
    lookup = {"lineage_key": section.lineage_key} if section else {"question": question}
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
    return entry


def outcome_check(consultation: Consultation) -> list[Failure]:
    """Every clause people commented on needs a ledger entry before the outcome is published."""
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
    return failures
