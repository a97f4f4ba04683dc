"""Importers: turn real documents (Akoma Ntoso, CLML, USLM, Markdown, Word) into a section tree.

Parsing is plain Python (no Django): `parse(data, fmt=None, filename="")` returns a `ParsedDocument`
or raises `ImporterError`. Saving lives in `consultations.importers.save`.
"""

from __future__ import annotations

import io

from lxml import etree

from ._xml import safe_parser, syntax_error
from .tree import COUNTED_KINDS, ImporterError, ParsedDocument, ParsedSection

FORMATS = ("akn", "clml", "uslm", "md", "docx")
ZIP_MAGIC = b"PK\x03\x04"
ACCEPTED = "Akoma Ntoso, CLML or USLM XML, Markdown (.md) or Word (.docx)"
# File name endings the importers read; anything else is refused by name unless a format is chosen.
EXTENSIONS = (".xml", ".akn", ".clml", ".uslm", ".md", ".markdown", ".txt", ".docx")
# What other files people upload by mistake start with, and what to tell them.
_SIGNATURES = (
    (b"%PDF-", f"This is a PDF file, which cannot be imported: upload {ACCEPTED}"),
    (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "This is an older Word (.doc) or Office file: open it in Word, save it as .docx and upload that",
    ),
    (b"{\\rtf", "This is a Rich Text (.rtf) file: open it in Word, save it as .docx and upload that"),
    (b"\x89PNG", f"This is a PNG image, not a document: upload {ACCEPTED}"),
    (b"\xff\xd8\xff", f"This is a JPEG image, not a document: upload {ACCEPTED}"),
    (b"GIF8", f"This is a GIF image, not a document: upload {ACCEPTED}"),
    (b"\x1f\x8b", f"This is a gzip archive, not a document: upload {ACCEPTED}"),
)


def _refuse_unsupported(data: bytes, filename: str, fmt: str | None) -> None:
    """Refuse files that are plainly not one of the formats, with a message saying what they are."""
    for magic, what in _SIGNATURES:
        if data.startswith(magic):
            raise ImporterError(what, filename or "file")
    name = filename.lower()
    extension = name[name.rfind(".") :] if "." in name.lstrip(".") else ""
    if fmt is None and extension and extension not in EXTENSIONS:
        raise ImporterError(
            f"Files ending {extension} cannot be imported: upload {ACCEPTED}", filename or "file"
        )
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not data.startswith(ZIP_MAGIC) and not utf16 and b"\x00" in data[:4096]:
        raise ImporterError(f"This is a binary file, not a document: upload {ACCEPTED}", filename or "file")


def _root_of(data: bytes) -> tuple[str, str]:
    """(namespace, local name) of the root element, reading no further than it."""
    parser_kwargs = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}
    try:
        for _event, el in etree.iterparse(io.BytesIO(data), events=("start",), **parser_kwargs):
            qname = etree.QName(el)
            return qname.namespace or "", qname.localname
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc) from None
    raise ImporterError("The XML has no root element", "line 1")


def detect_format(data: bytes, filename: str = "") -> str:
    """Guess the format from the bytes (zip magic, XML root and namespace) and the file name."""
    name = filename.lower()
    if data.startswith(ZIP_MAGIC) or name.endswith(".docx"):
        return "docx"
    if name.endswith((".md", ".markdown", ".txt")):
        return "md"
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"<"):
        namespace, tag = _root_of(data)
        if tag == "akomaNtoso" or "legaldocml" in namespace:
            return "akn"
        if "uslm" in namespace.lower():
            return "uslm"
        if tag in ("Legislation", "Primary", "Secondary") or "legislation.gov.uk" in namespace:
            return "clml"
        raise ImporterError(
            f"Unrecognised XML: root element <{tag}>{' in ' + namespace if namespace else ''} is not"
            " Akoma Ntoso, CLML or USLM",
            "line 1",
        )
    if name.endswith(".xml"):
        raise ImporterError("The file is named .xml but does not start with an XML element", "line 1")
    return "md"


def parse(data: bytes, *, fmt: str | None = None, filename: str = "") -> ParsedDocument:
    """Parse `data` in format `fmt` (detected when None) into a ParsedDocument."""
    if not data or not data.strip():
        raise ImporterError("The file is empty", "line 1")
    _refuse_unsupported(data, filename, fmt)
    try:
        parsed = _parse(data, fmt or detect_format(data, filename))
    except RecursionError:
        # lxml already refuses trees deeper than 256 levels; this catches pathological nesting
        # that lxml accepts but that no real document has.
        raise ImporterError("The document is nested too deeply to be a real document", "file") from None
    refuse_if_empty(parsed)
    return parsed


_FOUND_KINDS = {
    "preamble": "preamble",
    "part": "part",
    "chapter": "chapter",
    "crossheading": "heading",
    "subsection": "subsection",
    "paragraph": "paragraph",
    "subparagraph": "sub-paragraph",
    "quoted": "quotation",
    "other": "block of text",
}


def refuse_if_empty(parsed: ParsedDocument) -> None:
    """A document with text but no clause, section, schedule or amendment would import as nothing to
    comment on, and look like a success: refuse it, naming what was found instead."""
    if parsed.has_units():
        return
    if parsed.skipped:
        found = parsed.skipped_elements()
        where = "; ".join(parsed.skipped_lines())
    else:
        kinds: dict[str, int] = {}
        for node in parsed.walk():
            kinds[node.kind] = kinds.get(node.kind, 0) + 1
        found = (
            " and ".join(
                f"{n} {_FOUND_KINDS[k]}{'s' if n != 1 else ''}".replace("block of texts", "blocks of text")
                for k, n in kinds.items()
                if k in _FOUND_KINDS
            )
            or "only text"
        )
        where = "document"
    raise ImporterError(
        f"Nothing to import: found {found} and no section the importer understands"
        " (no clause, section, schedule or amendment)",
        where,
    )


def _parse(data: bytes, fmt: str) -> ParsedDocument:
    if fmt == "akn":
        from .akn import parse_akn

        return parse_akn(data)
    if fmt == "clml":
        from .clml import parse_clml

        return parse_clml(data)
    if fmt == "uslm":
        from .uslm import parse_uslm

        return parse_uslm(data)
    if fmt == "md":
        from .markdown import parse_md

        return parse_md(data)
    if fmt == "docx":
        from .docx import parse_docx

        return parse_docx(data)
    raise ImporterError(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}", "format")


__all__ = [
    "COUNTED_KINDS",
    "ACCEPTED",
    "FORMATS",
    "ImporterError",
    "ParsedDocument",
    "ParsedSection",
    "detect_format",
    "parse",
    "safe_parser",
]
