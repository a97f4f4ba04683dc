"""Word (.docx) to a section tree, read with python-docx.

Paragraphs in the "Title" style give the document title; "Heading 1" to "Heading 9" paragraphs are
headings, classified by their words exactly as in Markdown (see ``_outline``): "Part 1 ...",
"Chapter 2 ...", "Schedule 1 ...", "12 Title" / "Clause 12: Title" (a clause), anything else a
crossheading. Other paragraphs are text; those opening with "(1)", "(a)" or "(i)" are subsections,
paragraphs and subparagraphs; paragraphs in the "Quote" style are quoted text (the words an
amendment inserts). Numbers must be typed in the text: Word's automatic list numbering
is not stored in the paragraph text and is not read. Tables become text, one line per row with
cells separated by " | ". Errors name the paragraph (counted from 1 in document order, tables
counting as one).
"""

from __future__ import annotations

import io
import re
import zipfile

from ._outline import Block, OutlineBuilder
from .tree import ImporterError, ParsedDocument

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)


def _check_package(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, ValueError, EOFError):
        raise ImporterError(
            "The file is not a Word document (.docx): it is not a valid zip package", "file"
        ) from None
    if "word/document.xml" not in names or "[Content_Types].xml" not in names:
        raise ImporterError(
            "The file is a zip archive but not a Word document (no word/document.xml)", "file"
        )
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES:
        raise ImporterError("The Word document expands to more than 200 MB and was refused", "file")


def blocks_from_docx(data: bytes) -> list[Block]:
    _check_package(data)
    from docx import Document as open_docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = open_docx(io.BytesIO(data))
        items = list(document.iter_inner_content())
    except Exception as exc:  # python-docx raises many types for broken packages
        raise ImporterError(
            f"The Word document could not be read: {exc.__class__.__name__}", "file"
        ) from None
    blocks: list[Block] = []
    for index, item in enumerate(items, start=1):
        location = f"paragraph {index}"
        if isinstance(item, Paragraph):
            style = (item.style.name if item.style is not None else "") or ""
            text = item.text
            if style.lower() == "title":
                blocks.append(Block("heading", text, level=0, location=location))
                continue
            match = _HEADING_STYLE.match(style)
            if style.lower() in ("quote", "intense quote"):
                blocks.append(Block("quoted", text, location=location))
            elif match:
                blocks.append(Block("heading", text, level=int(match.group(1)), location=location))
            else:
                blocks.append(Block("text", text, location=location))
        elif isinstance(item, Table):
            for row in item.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = " ".join(cell.text.split())
                    if not cells or cells[-1] != value:  # merged cells repeat
                        cells.append(value)
                line = " | ".join(cells)
                if line.strip(" |"):
                    blocks.append(Block("text", line, location=location))
    return blocks


def parse_docx(data: bytes) -> ParsedDocument:
    if not data:
        raise ImporterError("The file is empty", "file")
    blocks = blocks_from_docx(data)
    builder = OutlineBuilder()
    for block in blocks:
        builder.add(block)
    sections = builder.finish(f"paragraph {len(blocks)}")
    return ParsedDocument(
        title=builder.title or "Untitled document",
        source_format="docx",
        long_title=builder.long_title,
        sections=sections,
    )
