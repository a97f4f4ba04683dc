"""Attachments are recognised from their content with a bound on the bytes decompressed: a small zip whose
entry inflates to many megabytes (a zip bomb) is refused without being inflated (issue 16, finding 12)."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from responses.validation import ODT_MIMETYPE, sniff_document

INFLATED = 64 * 1024 * 1024


def _zip(entries: dict[str, bytes | int]) -> SimpleUploadedFile:
    """A zip of the entries; an int is that many zero bytes, written in chunks (never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            if isinstance(content, int):
                with zf.open(name, "w") as out:
                    chunk = b"\0" * (1024 * 1024)
                    for _ in range(content // len(chunk)):
                        out.write(chunk)
            else:
                zf.writestr(name, content)
    return SimpleUploadedFile("letter.odt", buffer.getvalue())


def _peak_bytes(upload) -> tuple[int, str | None]:
    tracemalloc.start()
    try:
        try:
            kind = sniff_document(upload)
        except ValidationError:
            kind = None
        return tracemalloc.get_traced_memory()[1], kind
    finally:
        tracemalloc.stop()


def test_a_zip_bomb_in_the_mimetype_entry_is_refused_without_inflating_it():
    upload = _zip({"mimetype": INFLATED})
    assert upload.size < 1024 * 1024  # small on the wire
    peak, kind = _peak_bytes(upload)
    assert kind is None
    assert peak < 4 * 1024 * 1024, f"{peak:,} bytes held to sniff a {upload.size:,}-byte file"


def test_an_odt_mimetype_followed_by_a_bomb_is_not_an_odt():
    upload = _zip({"mimetype": ODT_MIMETYPE + b" " * (8 * 1024 * 1024)})
    with pytest.raises(ValidationError, match="PDF, DOCX or ODT"):
        sniff_document(upload)


def test_a_real_odt_and_docx_are_still_recognised():
    odt = _zip({"mimetype": ODT_MIMETYPE, "content.xml": b"<office:document-content/>"})
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    assert sniff_document(odt) == "odt"
    assert sniff_document(docx) == "docx"
