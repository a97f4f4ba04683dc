"""Reading the text of an attached file (PDF, DOCX, ODT) so it is analysed with the response. Runs in the
worker (responses.tasks.extract_attachment_text), within a size limit and a time limit: a file too large,
too slow, unreadable or with no text layer (a scan) is left for a person to read."""

from __future__ import annotations

import time
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

import docx
from django.conf import settings
from lxml import etree
from pypdf import PdfReader

MAX_CHARS = 200_000  # the analysis reads the start of a long document; more is not kept
ODT_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


class TooSlow(Exception):
    """Reading the file took longer than ATTACHMENT_TEXT_SECONDS."""


@dataclass(frozen=True)
class Extracted:
    state: str  # ResponseAttachment.Extraction value
    text: str = ""


def limits() -> tuple[int, float]:
    return (
        int(getattr(settings, "ATTACHMENT_TEXT_MAX_BYTES", 20 * 1024 * 1024)),
        float(getattr(settings, "ATTACHMENT_TEXT_SECONDS", 30)),
    )


def extract(fh: BinaryIO, kind: str, size: int) -> Extracted:
    """The text of a file of `kind` ("pdf", "docx", "odt"), or why there is none."""
    max_bytes, seconds = limits()
    if size > max_bytes:
        return Extracted("too_large")
    deadline = time.monotonic() + seconds
    try:
        reader = {"pdf": _pdf, "docx": _docx, "odt": _odt}[kind]
        text = _tidy(reader(fh, deadline))
    except TooSlow:
        return Extracted("too_large")
    except Exception:  # noqa: BLE001 - any parser failure on a damaged or hostile file: a person reads it
        return Extracted("failed")
    return Extracted("done", text) if text else Extracted("needs_reading")


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise TooSlow


def _tidy(text: str) -> str:
    lines = [" ".join(line.split()) for line in text.splitlines()]
    out = "\n".join(line for line in lines if line)
    return out[:MAX_CHARS].strip()


def _pdf(fh: BinaryIO, deadline: float) -> str:
    reader = PdfReader(fh)
    parts: list[str] = []
    n = 0
    for page in reader.pages:
        _check(deadline)
        text = page.extract_text() or ""
        parts.append(text)
        n += len(text)
        if n > MAX_CHARS:
            break
    return "\n".join(parts)


def _docx(fh: BinaryIO, deadline: float) -> str:
    document = docx.Document(fh)
    parts: list[str] = []
    for p in document.paragraphs:
        parts.append(p.text)
    _check(deadline)
    for table in document.tables:
        for row in table.rows:
            _check(deadline)
            parts.append(" ".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _odt(fh: BinaryIO, deadline: float) -> str:
    max_bytes, _ = limits()
    with zipfile.ZipFile(fh) as z:
        info = z.getinfo("content.xml")
        if info.file_size > max_bytes * 4:  # a zip bomb: far more text than any response holds
            raise TooSlow
        data = z.read(info)
    _check(deadline)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    root = etree.fromstring(data, parser)
    # Headings and paragraphs, each once (a paragraph inside another, in a frame or a note, is read with it).
    top = "not(ancestor::text:p or ancestor::text:h)"
    outer = f"//text:h[{top}] | //text:p[{top}]"
    parts = ["".join(el.itertext()) for el in root.xpath(outer, namespaces={"text": ODT_TEXT})]
    return "\n".join(parts)
