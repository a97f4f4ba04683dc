"""Writes for questions, responses (online and offline), attachments and engagement events.

Every response, whatever its channel, is queued for analysis on commit (insights.queue_enrichment)."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Iterable
from datetime import date

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from consultations.models import Consultation, Section
from dhdigital.lib.signals import units_saved

from . import tasks
from .models import (
    Answer,
    EngagementEvent,
    EventNote,
    LetterPart,
    Question,
    Response,
    ResponseAttachment,
    ResponsePublication,
)
from .validation import CleanAnswer, clean_answer, sniff_document

logger = logging.getLogger(__name__)
RESUME_SALT = "responses.resume"
RESUME_MAX_AGE = 60 * 60 * 24 * 120  # long enough for any consultation period


class AlreadySubmitted(Exception):
    """The response was submitted and nothing has changed since: a second submit does nothing."""


# --- enrichment hook ------------------------------------------------------------------------------------


def enqueue_now(kind: str, pks: Iterable[int]) -> int:
    """Ask for each unit to be analysed (dhdigital.lib.signals.units_saved: the insights app queues it, and
    its periodic sweep catches up on anything not queued). Returns how many units were asked for."""
    pks = list(pks)
    units_saved.send(sender=None, kind=kind, pks=pks)
    return len(pks)


def queue_analysis(kind: str, pks: Iterable[int]) -> None:
    """Queue analysis of answers or ideas once the transaction commits (never for rolled-back rows)."""
    pks = list(pks)
    if pks:
        transaction.on_commit(lambda: enqueue_now(kind, pks))


def queue_bulk_analysis(kind: str, pks: list[int]) -> None:
    """For imports: one Celery message that fans out on a worker, after commit."""
    if not pks:
        return

    def _send() -> None:
        try:
            tasks.queue_imported_analysis.delay(kind, pks)
        except Exception as exc:  # noqa: BLE001 - broker down: the insights sweep picks the answers up later
            logger.warning(
                "bulk analysis not queued",
                extra={"unit": kind, "count": len(pks), "reason": type(exc).__name__},
            )

    transaction.on_commit(_send)


# --- questions ------------------------------------------------------------------------------------------


def _require_section_of(consultation: Consultation, section: Section | None) -> None:
    if section is not None and section.document.consultation_id != consultation.pk:
        raise ValidationError("That clause is not part of this consultation.")


@transaction.atomic
def question_create(
    *,
    consultation: Consultation,
    by,
    kind: str,
    text: str,
    hint: str = "",
    choices: list[str] | None = None,
    required: bool = False,
    ask_why: bool = False,
    section: Section | None = None,
) -> Question:
    """Add a question at the end of the consultation's list."""
    _require_section_of(consultation, section)
    choices = _clean_choices(kind, choices)
    last = Question.objects.filter(consultation=consultation).aggregate(m=Max("position"))["m"] or 0
    return Question.objects.create(
        consultation=consultation,
        position=last + 1,
        kind=kind,
        text=text.strip(),
        hint=hint.strip(),
        choices=choices,
        required=required,
        ask_why=ask_why and kind == Question.Kind.SCALE,
        section=section,
    )


def _clean_choices(kind: str, choices: list[str] | None) -> list[str]:
    cleaned = list(dict.fromkeys(c.strip() for c in (choices or []) if c.strip()))
    if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and len(cleaned) < 2:
        raise ValidationError("Give at least two options, one on each line.")
    return cleaned if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) else []


@transaction.atomic
def question_update(*, question: Question, by, **fields) -> Question:
    """Change a question. Once people have answered it, its type cannot change and no option anyone
    chose can be removed, so every answer held stays valid; it can still be reworded or gain options."""
    kind = fields.get("kind", question.kind)
    if "choices" in fields or "kind" in fields:
        fields["choices"] = _clean_choices(kind, fields.get("choices", question.choices))
    answered = question.answers.exists()
    if answered and kind != question.kind:
        raise ValidationError(
            "People have answered this question, so its type cannot change. Add a new question instead."
        )
    if answered and "choices" in fields and kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        chosen = {c for row in question.answers.values_list("choices", flat=True).iterator() for c in row}
        removed = sorted(chosen - set(fields["choices"]))
        if removed:
            raise ValidationError(
                f"People chose “{removed[0]}”, so it cannot be removed. You can reword the question or "
                "add options."
            )
    _require_section_of(question.consultation, fields.get("section", question.section))
    for name, value in fields.items():
        setattr(question, name, value)
    question.ask_why = question.ask_why and question.kind == Question.Kind.SCALE
    question.save()
    return question


@transaction.atomic
def question_move(*, question: Question, by, up: bool) -> Question:
    """Swap a question with its neighbour, then renumber 1..n so positions stay tidy."""
    ordered = list(Question.objects.select_for_update().filter(consultation_id=question.consultation_id))
    idx = next(i for i, q in enumerate(ordered) if q.pk == question.pk)
    other = idx - 1 if up else idx + 1
    if 0 <= other < len(ordered):
        ordered[idx], ordered[other] = ordered[other], ordered[idx]
    for n, q in enumerate(ordered, start=1):
        q.position = n
    Question.objects.bulk_update(ordered, ["position"])
    return next(q for q in ordered if q.pk == question.pk)


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    if question.answers.exists():
        raise ValidationError("This question has answers and cannot be deleted.")
    question.delete()


# --- online responses -----------------------------------------------------------------------------------


def _require_open(consultation: Consultation) -> None:
    if not consultation.is_open():
        raise ValidationError("This consultation is closed: responses can no longer be changed or submitted.")


@transaction.atomic
def response_start(*, consultation: Consultation, user) -> Response:
    """The signed-in respondent's response to this consultation (created as a draft the first time)."""
    _require_open(consultation)
    if not getattr(user, "may_participate", False):
        raise PermissionDenied("Verify your email address to respond.")
    response, _ = Response.objects.get_or_create(
        consultation=consultation, respondent=user, defaults={"channel": Response.Channel.ONLINE}
    )
    return response


ABOUT_FIELDS = ("respondent_type", "organisation_name", "organisation_type", "region", "consent")
# What a response needs before it can be submitted, with the message that says so.
ABOUT_MISSING = {
    "respondent_type": "Say whether you are responding as an individual or for an organisation",
    "organisation_name": "Enter the name of your organisation",
    "region": "Say where you are based",
    "consent": "Say whether we can publish your response",
}


def missing_details(response: Response) -> dict[str, str]:
    """{field: message} for each detail about the respondent that must be given before submitting."""
    return {
        field: message
        for field, message in ABOUT_MISSING.items()
        if not getattr(response, field) and (field != "organisation_name" or response.is_organisation)
    }


@transaction.atomic
def response_save_about(*, response: Response, **fields: str) -> Response:
    """Who is responding and whether the response may be published: any of ABOUT_FIELDS, so each page of
    the journey saves its own answer. Choosing "individual" clears the organisation's details."""
    _require_open(response.consultation)
    unknown = set(fields) - set(ABOUT_FIELDS)
    if unknown:
        raise ValueError(f"Not a respondent detail: {', '.join(sorted(unknown))}")
    choices = {
        "respondent_type": Response.RespondentType.values,
        "organisation_type": Response.OrganisationType.values,
        "region": Response.Region.values,
        "consent": Response.Consent.values,
    }
    for name, value in fields.items():
        if name in choices and value and value not in choices[name]:
            raise ValidationError(f"“{value}” is not one of the choices.")
    if fields.get("respondent_type") == Response.RespondentType.INDIVIDUAL:
        fields["organisation_name"] = fields["organisation_type"] = ""
    fields = {name: (value or "").strip() for name, value in fields.items()}
    changed = [name for name, value in fields.items() if getattr(response, name) != value]
    if not changed:
        return response
    for name in changed:
        setattr(response, name, fields[name])
    response.save(update_fields=[*changed, "updated_at"])
    _mark_changed(response)
    return response


def _mark_changed(response: Response) -> None:
    """A submitted response was changed: it can be submitted again (the caller's copy may be stale, so
    the database decides whether it was submitted)."""
    if Response.objects.filter(pk=response.pk, status=Response.Status.SUBMITTED).update(
        changed_since_submit=True
    ):
        response.changed_since_submit = True


@transaction.atomic
def answer_save(
    *, response: Response, question: Question, choices: list[str] | None = None, text: str = ""
) -> Answer:
    """Save (or replace) one answer. Required-ness is checked at submission, so a draft may skip ahead."""
    _require_open(response.consultation)
    if question.consultation_id != response.consultation_id:
        raise ValidationError("That question belongs to another consultation.")
    optional = Question(
        kind=question.kind, choices=question.choices, ask_why=question.ask_why, required=False
    )
    clean = clean_answer(optional, choices=choices, text=text)
    answer = Answer.objects.filter(response=response, question=question).first()
    if answer is not None and (answer.choices, answer.text) == (clean.choices, clean.text):
        return answer
    answer, _ = Answer.objects.update_or_create(
        response=response, question=question, defaults={"choices": clean.choices, "text": clean.text}
    )
    _mark_changed(response)
    return answer


def missing_required(response: Response) -> list[Question]:
    answered = {a.question_id for a in response.answers.all() if not a.is_empty}
    return [q for q in response.consultation.questions.all() if q.required and q.pk not in answered]


@transaction.atomic
def response_submit(*, response: Response) -> Response:
    """Submit (or resubmit a changed) response, send a receipt with a copy of the answers, queue analysis.

    Refused after close, with unanswered required questions or missing details; a second submit of an
    unchanged response raises AlreadySubmitted and sends nothing."""
    response = (
        Response.objects.select_for_update(of=("self",))
        .select_related("consultation", "respondent")
        .get(pk=response.pk)
    )
    _require_open(response.consultation)
    if response.respondent is not None and not response.respondent.may_participate:
        raise PermissionDenied("Your account cannot take part at the moment.")
    if response.status == Response.Status.SUBMITTED and not response.changed_since_submit:
        raise AlreadySubmitted(response.reference)
    problems = list(missing_details(response).values())
    problems += [f"Answer question {q.position}: {q.text}" for q in missing_required(response)]
    if problems:
        raise ValidationError(problems)
    response.status = Response.Status.SUBMITTED
    response.submitted_at = timezone.now()
    response.changed_since_submit = False
    response.save()
    _after_submit(response)
    return response


def _after_submit(response: Response, *, receipt: bool = True) -> None:
    if receipt:
        transaction.on_commit(lambda: tasks.send_receipt.delay(response.pk))
    queue_analysis("answer", response.answers.exclude(text="").values_list("pk", flat=True))


def resume_token(response: Response) -> str:
    """A signed token for the emailed "come back later" link: names one response and its secret."""
    return signing.dumps({"r": response.pk, "s": response.resume_secret}, salt=RESUME_SALT, compress=True)


def response_from_token(token: str) -> Response | None:
    """The response a resume link names, or None if it is forged, expired or its secret was rotated."""
    try:
        data = signing.loads(token, salt=RESUME_SALT, max_age=RESUME_MAX_AGE)
    except signing.BadSignature:
        return None
    response = Response.objects.select_related("consultation").filter(pk=data.get("r")).first()
    if response is None or not constant_time_compare(response.resume_secret, str(data.get("s", ""))):
        return None
    return response


def response_save_for_later(*, response: Response) -> Response:
    """Email the respondent a link to resume their saved response."""
    transaction.on_commit(lambda: tasks.send_resume_link.delay(response.pk))
    return response


# --- offline responses ----------------------------------------------------------------------------------


def content_hash(
    *,
    name: str,
    email: str,
    organisation: str,
    answers: dict[int, CleanAnswer],
    clauses: dict[int, str] | None = None,
) -> str:
    """Fingerprint used to spot the same response entered or imported twice (`clauses`: what an offline
    response says about each clause, by section id)."""
    parts = [name.strip().lower(), email.strip().lower(), organisation.strip().lower()]
    for qid in sorted(answers):
        a = answers[qid]
        parts.append(f"{qid}={'|'.join(a.choices)}:{' '.join(a.text.lower().split())}")
    for sid in sorted(clauses or {}):
        parts.append(f"s{sid}:{' '.join(clauses[sid].lower().split())}")
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def received_date_bounds(consultation: Consultation) -> tuple[date | None, date | None, date]:
    """(opening date, closing date, today) in local time: an offline response must fall within them."""
    opens = timezone.localtime(consultation.opens_at).date() if consultation.opens_at else None
    closes = timezone.localtime(consultation.closes_at).date() if consultation.closes_at else None
    return opens, closes, timezone.localdate()


def check_received_date(consultation: Consultation, received: date | None, bounds=None) -> None:
    opens, closes, today = bounds or received_date_bounds(consultation)
    if received is None:
        raise ValidationError("Enter the date the response was received.")
    if received > today:
        raise ValidationError("The date received must be today or in the past.")
    if closes and received > closes:
        raise ValidationError("The response arrived after the consultation closed.")
    if opens and received < opens:
        raise ValidationError("The response arrived before the consultation opened.")


@transaction.atomic
def response_enter_offline(
    *,
    consultation: Consultation,
    by,
    channel: str,
    received_at: date,
    respondent_type: str,
    region: str,
    consent: str,
    answers: dict[int, CleanAnswer],
    respondent_name: str = "",
    email: str = "",
    address: str = "",
    organisation_name: str = "",
    organisation_type: str = "",
    parts: Iterable[tuple[Section, str]] = (),
) -> Response:
    """Record a response that came by email, post, phone or at an event, typed in by an official.

    Allowed after close when it was received before closing. `answers` are already validated. `parts`:
    what the response says about each of one or several clauses (a `LetterPart` each, analysed and counted
    with that clause's comments; published only with the response, under its consent)."""
    if channel == Response.Channel.ONLINE:
        raise ValidationError("Choose how the response arrived.")
    check_received_date(consultation, received_at)
    clauses: dict[int, str] = {}
    for section, text in parts:
        if section.document.consultation_id != consultation.pk or not section.is_commentable:
            raise ValidationError("That clause is not part of this consultation.")
        if section.pk in clauses:
            raise ValidationError(
                f"{section.label} is chosen twice: put all the response says about it in one box."
            )
        if text.strip():
            clauses[section.pk] = text.strip()
    # Serialise entries and imports for this consultation so the duplicate check below holds.
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    fingerprint = content_hash(
        name=respondent_name, email=email, organisation=organisation_name, answers=answers, clauses=clauses
    )
    dup = Response.objects.filter(consultation=consultation, content_hash=fingerprint).first()
    if dup:
        raise ValidationError(f"This response has already been entered as {dup.reference}.")
    response = Response.objects.create(
        consultation=consultation,
        entered_by=by,
        channel=channel,
        received_at=received_at,
        status=Response.Status.SUBMITTED,
        submitted_at=timezone.now(),
        respondent_type=respondent_type,
        region=region,
        consent=consent,
        respondent_name=respondent_name.strip(),
        email=email.strip(),
        address=address.strip(),
        organisation_name=organisation_name.strip(),
        organisation_type=organisation_type,
        content_hash=fingerprint,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question_id=qid, choices=a.choices, text=a.text)
        for qid, a in answers.items()
        if not a.is_empty
    )
    letters = LetterPart.objects.bulk_create(
        LetterPart(response=response, section_id=sid, text=text) for sid, text in clauses.items()
    )
    queue_analysis("letter", [p.pk for p in letters])
    _after_submit(response, receipt=bool(response.email))
    return response


@transaction.atomic
def attachment_add(*, response: Response, upload, by) -> ResponseAttachment:
    """Attach a PDF, DOCX or ODT to a response, checked by content and size."""
    kind = sniff_document(upload)
    name = (getattr(upload, "name", "") or "attachment").replace("\\", "/").rsplit("/", 1)[-1][:200]
    # Stored under a random name with the extension its content proved, never the uploaded name.
    upload.name = f"{uuid.uuid4().hex}.{kind}"
    attachment = ResponseAttachment.objects.create(
        response=response, file=upload, original_name=name, kind=kind, size=upload.size, uploaded_by=by
    )
    # Its text is read in the worker, with limits (responses.extraction), never in the request.
    transaction.on_commit(lambda: tasks.extract_attachment_text.delay(attachment.pk))
    return attachment


@transaction.atomic
def attachment_text_save(*, attachment: ResponseAttachment, state: str, text: str) -> ResponseAttachment:
    """Keep what the worker read of a file; text to analyse is queued as one unit (kind "file")."""
    attachment.text = text if state == ResponseAttachment.Extraction.DONE else ""
    attachment.extraction = state
    attachment.save(update_fields=["text", "extraction"])
    if attachment.text:
        queue_analysis("file", [attachment.pk])
    return attachment


# --- engagement events ----------------------------------------------------------------------------------


@transaction.atomic
def event_create(*, consultation: Consultation, by, **fields) -> EngagementEvent:
    """List an event against a consultation (and its policy project, so the project can list it too)."""
    return EngagementEvent.objects.create(
        consultation=consultation, project_id=consultation.project_id, created_by=by, **fields
    )


@transaction.atomic
def project_event_create(*, project, by, **fields) -> EngagementEvent:
    """List an event run for a policy project as a whole (a launch, a stakeholder round table), not tied to
    one consultation."""
    return EngagementEvent.objects.create(project=project, created_by=by, **fields)


@transaction.atomic
def event_note_add(
    *,
    event: EngagementEvent,
    by,
    text: str,
    section: Section | None = None,
    question: Question | None = None,
) -> EventNote:
    """Record feedback from an event against the consultation, one of its clauses or one of its questions;
    it is analysed with the comments on that clause or the answers to that question."""
    text = text.strip()
    if not text:
        raise ValidationError("Enter the note.")
    if section is not None and question is not None:
        raise ValidationError("Choose a clause or a question, not both.")
    if section is not None and section.document.consultation_id != event.consultation_id:
        raise ValidationError("That clause is not part of this consultation.")
    if question is not None and question.consultation_id != event.consultation_id:
        raise ValidationError("That question is not part of this consultation.")
    note = EventNote.objects.create(event=event, section=section, question=question, text=text, created_by=by)
    if event.consultation_id is not None:
        queue_analysis("note", [note.pk])
    return note


# --- publication ----------------------------------------------------------------------------------------


@transaction.atomic
def responses_publish(*, consultation: Consultation, by) -> ResponsePublication:
    """Publish the consented responses of a closed consultation (named or anonymised; never the others)."""
    if consultation.phase() not in ("closed", "concluded"):
        raise ValidationError("Responses can be published only after the consultation closes.")
    publication, _ = ResponsePublication.objects.update_or_create(
        consultation=consultation,
        defaults={"published_at": timezone.now(), "published_by": by, "withheld": False},
    )
    return publication


@transaction.atomic
def responses_withhold(*, consultation: Consultation, by) -> ResponsePublication:
    """Take the published responses down (they are published automatically once the consultation closes)."""
    publication, _ = ResponsePublication.objects.update_or_create(
        consultation=consultation,
        defaults={"published_at": timezone.now(), "published_by": by, "withheld": True},
    )
    return publication
