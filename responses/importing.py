"""Bulk import of responses that arrived offline, from a CSV file: parse and validate every row, preview,
then commit all rows or none.

Columns (the downloadable template lists them for a consultation):

    respondent_type   individual | organisation                                  (required)
    name              the respondent's name (personal data, never published unless consented)
    email             (personal data, never published)
    address           (personal data, never published)
    organisation_name required when respondent_type is organisation
    organisation_type charity | business | local_authority | health_body | professional | academic |
                      public_body | other
    region            north_east ... outside_uk (value or label)                 (required)
    consent           named | anonymous | none                                   (required)
    channel           email | post | phone | event                               (required)
    received_on       YYYY-MM-DD, within the consultation period                  (required)
    q1, q2, ...       one column per question, by its number; multiple choices separated by ";"
    q3_why            the "why" of an agree-disagree question that asks why

Files must be UTF-8 (with or without a byte-order mark) or UTF-16, comma- or tab-separated; other
encodings are refused with the line that cannot be read. Duplicates (same name, email, organisation and
answers) are refused, within the file and against responses already held.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from consultations.models import Consultation

from .models import Answer, Question, Response
from .services import check_received_date, content_hash, queue_bulk_analysis, received_date_bounds
from .validation import CleanAnswer, clean_answer

FIXED_COLUMNS = [
    "respondent_type",
    "name",
    "email",
    "address",
    "organisation_name",
    "organisation_type",
    "region",
    "consent",
    "channel",
    "received_on",
]
REQUIRED_COLUMNS = {"respondent_type", "region", "consent", "channel", "received_on"}
MAX_ROWS = 100_000
PREVIEW_ROWS = 10


class ImportRefused(Exception):
    def __init__(self, result: ImportResult):
        self.result = result
        super().__init__("; ".join(result.messages[:5]))


@dataclass
class ParsedRow:
    number: int
    values: dict[str, str]
    answers: dict[int, CleanAnswer]
    fields: dict
    fingerprint: str


@dataclass
class ImportResult:
    columns: list[str] = field(default_factory=list)
    rows: list[ParsedRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    row_errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.row_errors and bool(self.rows)

    @property
    def messages(self) -> list[str]:
        return self.file_errors + [f"Row {n}: {msg}" for n, msg in self.row_errors]

    @property
    def preview(self) -> list[ParsedRow]:
        return self.rows[:PREVIEW_ROWS]


def template_columns(consultation: Consultation) -> list[str]:
    cols = list(FIXED_COLUMNS)
    for q in consultation.questions.all():
        cols.append(q.column)
        if q.kind == Question.Kind.SCALE and q.ask_why:
            cols.append(f"{q.column}_why")
    return cols


def _lookup(choices_cls) -> dict[str, str]:
    table = {}
    for value, label in choices_cls.choices:
        table[value.lower()] = value
        table[str(label).lower()] = value
    return table


LOOKUPS = {
    "respondent_type": _lookup(Response.RespondentType)
    | {"individual": "individual", "organisation": "organisation", "organization": "organisation"},
    "organisation_type": _lookup(Response.OrganisationType),
    "region": _lookup(Response.Region),
    "consent": _lookup(Response.Consent) | {"no": "none", "not published": "none", "do not publish": "none"},
    "channel": {k: v for k, v in _lookup(Response.Channel).items() if v != Response.Channel.ONLINE},
}


SAVE_AS_UTF8 = "In your spreadsheet, save it as “CSV UTF-8” and upload it again."


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when nearly every other byte is zero (text saved as UTF-16 with no
    byte-order mark), else None."""
    sample = data[:2000]
    if len(sample) < 4:
        return None
    odd, even = sample[1::2], sample[0::2]
    if odd.count(0) >= 0.9 * len(odd):
        return "utf-16-le"
    if even.count(0) >= 0.9 * len(even):
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """The file's text. UTF-8 (with or without a byte-order mark) and UTF-16 (what spreadsheets save as
    "Unicode text") are read; anything else is refused, naming the first line that cannot be read,
    rather than guessed at (a wrong guess would import garbled answers without anyone noticing)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = _utf16_without_bom(data) or "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        if encoding.startswith("utf-16"):
            raise ValidationError(f"The file could not be read as UTF-16. {SAVE_AS_UTF8}") from exc
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            f"The file is not UTF-8 encoded: line {line} has a character that cannot be read (byte "
            f"0x{data[exc.start]:02X}). It may have been saved as Windows-1252 or Latin-1. {SAVE_AS_UTF8}"
        ) from exc


def _dialect(text: str) -> str:
    """Comma-separated, or tab-separated as spreadsheets save "Unicode text"."""
    header = text.split("\n", 1)[0]
    return "\t" if "\t" in header and "," not in header else ","


def parse(consultation: Consultation, data: bytes) -> ImportResult:
    """Validate a whole file without writing anything."""
    result = ImportResult()
    try:
        text = decode(data)
    except ValidationError as exc:
        result.file_errors.extend(exc.messages)
        return result
    if "\x00" in text:
        result.file_errors.append("The file is not a CSV file.")
        return result
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        result.file_errors.append("The file is empty. Use the template: the first row must name the columns.")
        return result
    columns = [h.strip().lower() for h in header]
    result.columns = columns
    expected = template_columns(consultation)
    missing = [c for c in expected if c in REQUIRED_COLUMNS and c not in columns]
    unknown = [c for c in columns if c not in expected]
    if missing:
        result.file_errors.append(
            f"The file is missing the column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}."
        )
    if unknown:
        result.file_errors.append(
            f"The file has columns this consultation does not use: {', '.join(unknown)}."
        )
    if len(set(columns)) != len(columns):
        result.file_errors.append("The file names the same column twice.")
    if result.file_errors:
        return result

    questions = {q.column: q for q in consultation.questions.all()}
    existing = dict(
        Response.objects.filter(consultation=consultation)
        .exclude(content_hash="")
        .values_list("content_hash", "reference")
    )
    seen: dict[str, int] = {}
    bounds = received_date_bounds(consultation)
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(result.rows) + len(result.row_errors) >= MAX_ROWS:
            result.file_errors.append(
                f"The file has more than {MAX_ROWS:,} rows: split it into smaller files."
            )
            break
        if len(raw) != len(columns):
            result.row_errors.append((number, f"has {len(raw)} cells, but the header has {len(columns)}."))
            continue
        values = {c: v.strip() for c, v in zip(columns, raw, strict=True)}
        try:
            row = _parse_row(consultation, number, values, questions, bounds)
        except ValidationError as exc:
            result.row_errors.extend((number, m) for m in exc.messages)
            continue
        if row.fingerprint in seen:
            result.row_errors.append((number, f"duplicates row {seen[row.fingerprint]}."))
            continue
        if row.fingerprint in existing:
            result.row_errors.append(
                (number, f"duplicates response {existing[row.fingerprint]}, already held.")
            )
            continue
        seen[row.fingerprint] = number
        result.rows.append(row)
    if not result.rows and not result.row_errors and not result.file_errors:
        result.file_errors.append("The file has no responses in it.")
    return result


def _choice(values: dict[str, str], name: str, errors: list[str], required: bool = True) -> str:
    raw = values.get(name, "")
    if not raw:
        if required:
            errors.append(f"{name} is empty.")
        return ""
    found = LOOKUPS[name].get(raw.lower())
    if found is None:
        errors.append(f"{name} “{raw}” is not recognised.")
        return ""
    return found


def _parse_row(
    consultation, number: int, values: dict[str, str], questions: dict[str, Question], bounds
) -> ParsedRow:
    errors: list[str] = []
    fields: dict[str, Any] = {
        "respondent_type": _choice(values, "respondent_type", errors),
        "region": _choice(values, "region", errors),
        "consent": _choice(values, "consent", errors),
        "channel": _choice(values, "channel", errors),
        "organisation_type": _choice(values, "organisation_type", errors, required=False),
        "respondent_name": values.get("name", "")[:200],
        "email": values.get("email", ""),
        "address": values.get("address", ""),
        "organisation_name": values.get("organisation_name", "")[:200],
    }
    if fields["email"]:
        try:
            validate_email(fields["email"])
        except ValidationError:
            errors.append(f"email “{fields['email']}” is not a valid email address.")
    if fields["respondent_type"] == "organisation" and not fields["organisation_name"]:
        errors.append("organisation_name is empty for an organisation response.")
    try:
        received = date.fromisoformat(values.get("received_on", ""))
        check_received_date(consultation, received, bounds)
        fields["received_at"] = received
    except ValueError:
        errors.append(f"received_on “{values.get('received_on', '')}” is not a date like 2026-03-31.")
    except ValidationError as exc:
        errors.extend(exc.messages)
    answers: dict[int, CleanAnswer] = {}
    for column, question in questions.items():
        raw = values.get(column, "")
        choices = list(raw.split(";")) if question.kind != Question.Kind.TEXT else []
        text = raw if question.kind == Question.Kind.TEXT else values.get(f"{column}_why", "")
        try:
            answers[question.pk] = clean_answer(question, choices=choices, text=text)
        except ValidationError as exc:
            errors.extend(f"{column}: {m}" for m in exc.messages)
    if errors:
        raise ValidationError(errors)
    fingerprint = content_hash(
        name=fields["respondent_name"],
        email=fields["email"],
        organisation=fields["organisation_name"],
        answers=answers,
    )
    return ParsedRow(number=number, values=values, answers=answers, fields=fields, fingerprint=fingerprint)


@transaction.atomic
def responses_import(*, consultation: Consultation, by, data: bytes) -> list[Response]:
    """Validate the whole file again and save every row, or nothing (ImportRefused lists the errors)."""
    # One import or entry at a time per consultation, so two uploads of the same file cannot both pass
    # the duplicate check.
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    result = parse(consultation, data)
    if not result.ok:
        raise ImportRefused(result)
    now = timezone.now()
    responses = [
        Response(
            consultation=consultation,
            entered_by=by,
            imported=True,
            status=Response.Status.SUBMITTED,
            submitted_at=now,
            content_hash=row.fingerprint,
            **row.fields,
        )
        for row in result.rows
    ]
    Response.objects.bulk_create(responses, batch_size=1000)
    answers = [
        Answer(response=resp, question_id=qid, choices=a.choices, text=a.text)
        for resp, row in zip(responses, result.rows, strict=True)
        for qid, a in row.answers.items()
        if not a.is_empty
    ]
    Answer.objects.bulk_create(answers, batch_size=2000)
    queue_bulk_analysis("answer", [a.pk for a in answers if a.text and a.pk])
    return responses


# --- the pending upload between preview and commit, owned by the uploader ---------------------------------


def _pending_dir(user, consultation: Consultation) -> Path:
    return Path(settings.MEDIA_ROOT) / "response_imports" / str(user.pk) / str(consultation.pk)


def pending_save(*, user, consultation: Consultation, data: bytes) -> str:
    folder = _pending_dir(user, consultation)
    folder.mkdir(parents=True, exist_ok=True)
    key = uuid.uuid4().hex
    (folder / f"{key}.csv").write_bytes(data)
    return key


def pending_load(*, user, consultation: Consultation, key: str) -> bytes | None:
    """Only the official who uploaded it can load it: the path is under their own user id."""
    if not key.isalnum() or len(key) != 32:
        return None
    path = _pending_dir(user, consultation) / f"{key}.csv"
    return path.read_bytes() if path.exists() else None


def pending_discard(*, user, consultation: Consultation, key: str) -> None:
    if key.isalnum() and len(key) == 32:
        (_pending_dir(user, consultation) / f"{key}.csv").unlink(missing_ok=True)
