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
import zlib

from ._outline import Block, OutlineBuilder
from .tree import ImporterError, ParsedDocument

# A .docx is a zip: what it costs to read is what it expands to, not its size. The limits count the
# bytes actually decompressed, as they are read, so a header that understates an entry's size changes
# nothing (zipfile also stops at the stated size and then fails the entry's CRC check).
MAX_EXPANDED_BYTES = 25 * 1024 * 1024
# Word's own parts compress 5 to 30 times; a part that expands more than 100 times over is a zip bomb
# (the ratio Apache POI refuses at). Small parts are exempt: their ratio means nothing.
MAX_RATIO = 100
RATIO_FROM_BYTES = 256 * 1024
_CHUNK = 64 * 1024
_HEADING_STYLE = re.compile(r"^heading\s*(\d)$", re.I)


def _mb(n: int) -> str:
    return f"{n / 1_048_576:.0f} MB"


def _check_package(data: bytes) -> None:
    """Refuse a zip that is not a Word document, or that expands past the limits, reading every entry
    once in chunks and stopping as soon as a limit is passed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            infos = package.infolist()
            names = {info.filename for info in infos}
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise ImporterError(
                    "The file is a zip archive but not a Word document (no word/document.xml)", "file"
                )
            total = 0
            for info in infos:
                expanded = 0
                with package.open(info) as entry:
                    while chunk := entry.read(_CHUNK):
                        expanded += len(chunk)
                        total += len(chunk)
                        if total > MAX_EXPANDED_BYTES:
                            raise ImporterError(
                                f"The Word document expands to more than {_mb(MAX_EXPANDED_BYTES)}"
                                " and was refused",
                                info.filename,
                            )
                        if expanded > RATIO_FROM_BYTES and expanded > MAX_RATIO * max(info.compress_size, 1):
                            raise ImporterError(
                                f"The Word document is a zip bomb: {info.filename} expands more than"
                                f" {MAX_RATIO} times over, which real documents never do. It was refused",
                                info.filename,
                            )
    except (zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, zlib.error):
        raise ImporterError(
            "The file is not a Word document (.docx): it is not a valid zip package", "file"
        ) from None


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
    # Style names by id, read once: python-docx's `paragraph.style` searches every style of the
    # document for each paragraph, paragraphs x styles in all.
    style_names = {style.style_id: style.name or "" for style in document.styles}
    blocks: list[Block] = []
    for index, item in enumerate(items, start=1):
        location = f"paragraph {index}"
        if isinstance(item, Paragraph):
            text = item.text
            if not text.strip():
                continue  # an empty paragraph is nothing, whatever its style
            style = style_names.get(item._p.style or "", "")  # the pStyle id; no public accessor
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
