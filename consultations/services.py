"""Every write to consultations and documents: lifecycle transitions are only made here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dhdigital.lib import history
from dhdigital.lib.time import govuk_datetime

from . import events, signals
from .importers import parse
from .importers.save import document_import
from .models import Consultation, ConsultationUpdate, Document, Section
from .standard import Failure, check_standard

State = Consultation.State
Update = ConsultationUpdate.Kind


def _note(c: Consultation, kind: str, note: str, at: datetime) -> None:
    ConsultationUpdate.objects.create(consultation=c, kind=kind, note=note, at=at)


@dataclass
class StandardNotMet(Exception):
    failures: list[Failure]

    def __str__(self) -> str:
        return "The minimum digital standard is not met: " + "; ".join(f.title for f in self.failures)


def _locked(consultation: Consultation) -> Consultation:
    return Consultation.objects.select_for_update().get(pk=consultation.pk)


def _require(c: Consultation, allowed: tuple[str, ...], action: str) -> None:
    if c.state not in allowed:
        raise ValidationError(f"A {c.get_state_display().lower()} consultation cannot be {action}.")


def _publish_documents(c: Consultation, now: datetime) -> None:
    Document.objects.filter(consultation=c, state=Document.State.DRAFT).update(
        state=Document.State.PUBLISHED, published_at=now
    )


# While a consultation is scheduled or open, the public relies on what the standard guarantees.
LIVE = (State.SCHEDULED, State.OPEN)


@transaction.atomic
def consultation_save(*, consultation: Consultation, by) -> Consultation:
    """Save a publisher's edit (the form has set the new values on `consultation`). A scheduled or open
    consultation must still meet the minimum digital standard afterwards: a change that breaks it
    (removing the privacy notice, the contact, the way to respond, the closing date) raises
    StandardNotMet and nothing is saved."""
    if consultation.pk is not None:
        current = _locked(consultation)
        if current.state in LIVE:
            failures = check_standard(consultation)
            if current.closes_at == consultation.closes_at:
                # a closing time that has just passed (beat not yet run) is not this edit's doing
                failures = [f for f in failures if f.code != "closes_in_past"]
            if failures:
                raise StandardNotMet(failures)
        consultation.state = current.state  # lifecycle moves only through the services below
    history.save(consultation, by=by)
    return consultation


@transaction.atomic
def consultation_schedule(*, consultation: Consultation, by) -> Consultation:
    """Make a draft visible as upcoming; beat opens it at `opens_at`. Refused unless the standard is met."""
    c = _locked(consultation)
    _require(c, (State.DRAFT,), "scheduled")
    failures = check_standard(c)
    if failures:
        raise StandardNotMet(failures)
    now = timezone.now()
    c.state = State.OPEN if c.opens_at <= now else State.SCHEDULED
    c.published_at = now
    history.save(c, by=by, reason="scheduled")
    _publish_documents(c, now)
    _note(c, Update.PUBLISHED, "First published.", now)
    events.consultation_published.send(sender=Consultation, consultation=c)
    return c


@transaction.atomic
def consultation_open_now(*, consultation: Consultation, by) -> Consultation:
    """Publish and open at once (opening date moved to now)."""
    c = _locked(consultation)
    _require(c, (State.DRAFT, State.SCHEDULED), "opened")
    now = timezone.now()
    if c.opens_at is None or c.opens_at > now:
        c.opens_at = now
    failures = check_standard(c, now=now)
    if failures:
        raise StandardNotMet(failures)
    first_publication = c.published_at is None
    c.state = State.OPEN
    c.published_at = c.published_at or now
    history.save(c, by=by, reason="opened now")
    _publish_documents(c, now)
    if first_publication:
        _note(c, Update.PUBLISHED, "First published.", now)
        events.consultation_published.send(sender=Consultation, consultation=c)
    return c


@transaction.atomic
def document_publish(*, document: Document, by) -> Document:
    """Publish a document imported after its consultation was scheduled (the first version; revised
    versions go through `document_publish_version`)."""
    doc = Document.objects.select_for_update().select_related("consultation").get(pk=document.pk)
    if doc.state != Document.State.DRAFT or doc.previous_version_id is not None:
        raise ValidationError("Only a new, unpublished document can be published here.")
    if doc.consultation.state not in (State.SCHEDULED, State.OPEN):
        raise ValidationError("Documents are published with their consultation: schedule it first.")
    doc.state = Document.State.PUBLISHED
    doc.published_at = timezone.now()
    history.save(doc, by=by, reason="published")
    return doc


@transaction.atomic
def consultation_close_early(*, consultation: Consultation, by, reason: str) -> Consultation:
    c = _locked(consultation)
    _require(c, (State.SCHEDULED, State.OPEN), "closed")
    if not reason.strip():
        raise ValidationError("Give a reason for closing early.")
    now = timezone.now()
    if c.opens_at and c.opens_at > now:
        raise ValidationError("This consultation has not opened yet: withdraw it instead.")
    c.closes_at = now
    c.state = State.CLOSED
    history.save(c, by=by, reason=f"closed early: {reason.strip()}")
    _note(c, Update.CLOSED_EARLY, f"Closed early at {govuk_datetime(now)}. {reason.strip()}", now)
    events.consultation_closed.send(sender=Consultation, consultation=c)
    return c


@transaction.atomic
def consultation_extend(*, consultation: Consultation, by, closes_at: datetime, reason: str) -> Consultation:
    c = _locked(consultation)
    _require(c, (State.SCHEDULED, State.OPEN), "extended")
    if not reason.strip():
        raise ValidationError("Give a reason for the extension; it is shown to the public.")
    if c.closes_at and closes_at <= c.closes_at:
        raise ValidationError("The new closing date must be later than the current one.")
    if closes_at <= timezone.now():
        raise ValidationError("The new closing date must be in the future.")
    c.closes_at = closes_at
    c.response_due = None
    history.save(c, by=by, reason=f"extended: {reason.strip()}")
    _note(
        c,
        Update.EXTENDED,
        f"Closing date extended to {govuk_datetime(closes_at)}. {reason.strip()}",
        timezone.now(),
    )
    return c


@transaction.atomic
def consultation_withdraw(*, consultation: Consultation, by, reason: str) -> Consultation:
    c = _locked(consultation)
    _require(c, (State.SCHEDULED, State.OPEN, State.CLOSED), "withdrawn")
    if not reason.strip():
        raise ValidationError("Give a reason for withdrawing the consultation; it is shown to the public.")
    c.state = State.WITHDRAWN
    c.withdrawn_reason = reason.strip()
    c.withdrawn_at = timezone.now()
    history.save(c, by=by, reason="withdrawn")
    _note(c, Update.WITHDRAWN, f"Withdrawn. {c.withdrawn_reason}", c.withdrawn_at)
    return c


@transaction.atomic
def consultation_conclude(
    *, consultation: Consultation, by, outcome_summary: str, outcome_body: str
) -> Consultation:
    """Publish the government response; the consultation moves to concluded."""
    c = _locked(consultation)
    if c.phase() != "closed":
        raise ValidationError("Only a closed consultation can have its outcome published.")
    if not outcome_summary.strip():
        raise ValidationError("Write a summary of the government response.")
    c.state = State.CONCLUDED
    c.outcome_summary = outcome_summary.strip()
    c.outcome_body = outcome_body
    c.outcome_published_at = timezone.now()
    history.save(c, by=by, reason="outcome published")
    _note(c, Update.OUTCOME, "Government response published.", c.outcome_published_at)
    events.outcome_published.send(sender=Consultation, consultation=c)
    return c


def consultations_transition_due(*, now: datetime | None = None) -> dict[str, int]:
    """Open scheduled consultations whose time has come and close open ones past their closing time.

    Idempotent and safe to run from several beat/worker processes at once (row locks, skip locked)."""
    now = now or timezone.now()
    opened = closed = 0
    with transaction.atomic():
        due = Consultation.objects.select_for_update(skip_locked=True).filter(
            state=State.SCHEDULED, opens_at__lte=now, closes_at__gt=now
        )
        for c in due:
            c.state = State.OPEN
            history.save(c, reason="opened on schedule", update_fields=["state", "updated_at"])
            opened += 1
        ending = Consultation.objects.select_for_update(skip_locked=True).filter(
            state__in=[State.SCHEDULED, State.OPEN], closes_at__lte=now
        )
        for c in ending:
            c.state = State.CLOSED
            history.save(c, reason="closed on schedule", update_fields=["state", "updated_at"])
            events.consultation_closed.send(sender=Consultation, consultation=c)
            closed += 1
    return {"opened": opened, "closed": closed}


# --- revised versions of a document ---------------------------------------------------------------


def document_upload_version(
    *, document: Document, data: bytes, filename: str, fmt: str | None, by, parsed=None
):
    """A revised draft of `document` as a new, unpublished version; clauses keep their lineage keys, and
    the explanatory notes of the clauses and parts that are still there come with them (the publisher
    revises them with the wording). `parsed`: the file already read (by the import worker)."""
    if Document.objects.filter(previous_version=document).exists():
        raise ValidationError("A newer version of this document already exists.")
    parsed = parsed if parsed is not None else parse(data, fmt=fmt, filename=filename)
    with transaction.atomic():
        result = document_import(
            consultation=document.consultation,
            parsed=parsed,
            title=document.title,
            slug=document.slug,
            source_name=filename,
            source_bytes=data,
            previous_version=document,
        )
        _carry_notes(document, result.document)
    return result


def _carry_notes(previous: Document, new: Document) -> None:
    notes = dict(
        Section.objects.filter(document=previous)
        .exclude(explanatory_note="")
        .values_list("lineage_key", "explanatory_note")
    )
    if not notes:
        return
    carried = list(Section.objects.filter(document=new, lineage_key__in=notes, kind__in=Section.NOTABLE))
    for section in carried:
        section.explanatory_note = notes[section.lineage_key]
    Section.objects.bulk_update(carried, ["explanatory_note"])


# --- explanatory notes ----------------------------------------------------------------------------

NOTE_MAX_LENGTH = 10_000


@transaction.atomic
def section_note_save(*, section: Section, note: str, by) -> Section:
    """Set (or, with an empty `note`, remove) the plain-English explanatory note of a clause, schedule
    or part. The Markdown is kept as written and sanitised (nh3) whenever it is shown; the history record
    names who changed it."""
    if not section.is_notable:
        raise ValidationError("Only clauses, schedules and parts can have an explanatory note.")
    note = (note or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(f"The explanatory note must be {NOTE_MAX_LENGTH:,} characters or fewer.")
    current = Section.objects.select_for_update().get(pk=section.pk)
    if current.explanatory_note == note:
        return current
    reason = (
        "explanatory note removed"
        if not note
        else ("explanatory note changed" if current.explanatory_note else "explanatory note added")
    )
    current.explanatory_note = note
    history.save(current, by=by, reason=reason)
    consultation_id = Document.objects.filter(pk=current.document_id).values_list(
        "consultation_id", flat=True
    )[0]
    transaction.on_commit(lambda: signals.bump_for(consultation_id))
    return current


@transaction.atomic
def document_publish_version(*, document: Document, by) -> Document:
    """Publish a revised version; the one before it is superseded."""
    doc = Document.objects.select_for_update().get(pk=document.pk)
    if doc.state != Document.State.DRAFT or doc.previous_version_id is None:
        raise ValidationError("Only an unpublished revised version can be published.")
    if doc.consultation.state == Consultation.State.DRAFT:
        raise ValidationError("Publish the consultation first.")
    Document.objects.filter(pk=doc.previous_version_id).update(state=Document.State.SUPERSEDED)
    doc.state = Document.State.PUBLISHED
    doc.published_at = timezone.now()
    history.save(doc, by=by, reason=f"version {doc.version} published")
    events.version_published.send(sender=Document, consultation=doc.consultation, document=doc)
    return doc
