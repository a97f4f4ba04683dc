"""Checks shared by the online forms, the official's entry form and the CSV importer."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from .models import Question, ResponseAttachment

MAX_ANSWER_CHARS = 10_000


@dataclass
class CleanAnswer:
    choices: list[str]
    text: str

    @property
    def is_empty(self) -> bool:
        return not self.choices and not self.text


def clean_answer(question: Question, *, choices: list[str] | None = None, text: str = "") -> CleanAnswer:
    """Validate one answer against its question. Raises ValidationError with a message for the respondent."""
    chosen = [c.strip() for c in (choices or []) if c and c.strip()]
    text = (text or "").strip()
    if len(text) > MAX_ANSWER_CHARS:
        raise ValidationError(f"Your answer must be {MAX_ANSWER_CHARS:,} characters or fewer.")
    kind = question.kind
    if kind == Question.Kind.TEXT:
        chosen = []
    else:
        options = question.options
        bad = [c for c in chosen if c not in options]
        if bad:
            raise ValidationError(f"“{bad[0]}” is not one of the options. Choose from: {', '.join(options)}.")
        if kind in (Question.Kind.SINGLE, Question.Kind.SCALE) and len(chosen) > 1:
            raise ValidationError("Choose only one option.")
        chosen = list(dict.fromkeys(chosen))
        if not (kind == Question.Kind.SCALE and question.ask_why):
            text = ""
    if question.required and not chosen and kind != Question.Kind.TEXT:
        raise ValidationError(_required_message(question))
    if question.required and kind == Question.Kind.TEXT and not text:
        raise ValidationError(_required_message(question))
    return CleanAnswer(choices=chosen, text=text)


def _required_message(question: Question) -> str:
    if question.kind == Question.Kind.TEXT:
        return "Enter your answer"
    if question.kind == Question.Kind.MULTIPLE:
        return "Select at least one option"
    return "Select an option"


# --- uploads --------------------------------------------------------------------------------------------

DOCX_MEMBERS = {"[Content_Types].xml", "word/document.xml"}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
MIMETYPE_CAP = len(ODT_MIMETYPE) + 2  # the mimetype and a line ending at most
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": ODT_MIMETYPE.decode(),
}


def _has_macros(names: set[str]) -> bool:
    """Word's macro project, or OpenDocument Basic or script folders."""
    return any(n.lower().endswith("vbaproject.bin") or n.startswith(("Basic/", "Scripts/")) for n in names)


def _entry_head(zf: zipfile.ZipFile, name: str) -> bytes:
    """A short zip entry's bytes, inflated as a stream with a cap: a small entry that inflates to gigabytes
    (a zip bomb) costs no more than the cap. An entry longer than an OpenDocument mimetype and a line
    ending is not one (empty bytes)."""
    with zf.open(name) as entry:
        head = entry.read(MIMETYPE_CAP + 1)
    return head if len(head) <= MIMETYPE_CAP else b""


def sniff_document(upload) -> str:
    """Return 'pdf', 'docx' or 'odt' from the file's content (never its name), else raise ValidationError.
    The file must be within settings.MAX_UPLOAD_BYTES."""
    limit = settings.MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(f"The file must be smaller than {limit // (1024 * 1024)} MB.")
    if not upload.size:
        raise ValidationError("The selected file is empty.")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return ResponseAttachment.Kind.PDF
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as zf:
                names = set(zf.namelist())
                if names >= DOCX_MEMBERS:
                    kind = ResponseAttachment.Kind.DOCX
                elif "mimetype" in names and _entry_head(zf, "mimetype").strip() == ODT_MIMETYPE:
                    kind = ResponseAttachment.Kind.ODT
                else:
                    kind = None
        except (zipfile.BadZipFile, KeyError, OSError):
            kind, names = None, set()
        finally:
            upload.seek(0)
        if kind and _has_macros(names):
            raise ValidationError("The selected file contains macros. Save it without macros and try again.")
        if kind:
            return kind
    raise ValidationError("The selected file must be a PDF, DOCX or ODT document.")
