"""Markdown with numbered headings to a section tree.

The format (UTF-8 text)::

    # Care and Support Bill                       <- first level-1 heading: the document title
    A bill to make provision about care.          <- first paragraph before any section: long title

    # Part 1 Care and support                     <- "Part N ..." heading: part
    ## Chapter 1 General responsibilities         <- "Chapter N ...": chapter
    ### Promoting well-being                      <- any other heading: crossheading
    ## 1 Promoting individual well-being          <- "N Title", "N. Title", "Clause N: Title": clause
    (1) The general duty of a local authority...  <- "(1)": subsection
    (a) personal dignity;                         <- "(a)": paragraph
    (i) roman numerals;                           <- "(i)": subparagraph
    > “(1A) inserted words”.                      <- block quote: quoted (amendment text)
    # Schedule 1 Cross-border placements          <- "Schedule N ...": schedule
    ## 1 Placements from England to Scotland      <- numbered heading in a schedule: paragraph

Heading levels (``#`` to ``######``) do not matter: the words decide the kind, so a clause can sit
under a part or a crossheading at any level. Paragraphs are separated by blank lines; lines of one
paragraph are joined. Numbered paragraphs may be written as list items (``- (a) ...``). Text that
is not numbered belongs to the section above it; text after a section's children becomes an
``other`` section. Consecutive ``>`` lines are one quoted block
(an amendment's inserted text; its numbers are not this document's structure), lines kept as
written. Markdown tables are kept as text, one line per row (separator rows dropped).
Errors name the line.
"""

from __future__ import annotations

import re

from ._outline import Block, OutlineBuilder
from .tree import ImporterError, ParsedDocument

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImporterError("The file is not UTF-8 text", f"line {line}") from None


def blocks_from_markdown(text: str) -> list[Block]:
    blocks: list[Block] = []
    paragraph: list[str] = []
    start = 0
    lines = text.splitlines()

    quote: list[str] = []
    quote_start = 0

    def flush_quote() -> None:
        if quote:
            blocks.append(Block("quoted", "\n".join(quote), location=f"line {quote_start}"))
            quote.clear()

    def flush() -> None:
        flush_quote()
        if paragraph:
            blocks.append(Block("text", " ".join(s.strip() for s in paragraph), location=f"line {start}"))
            paragraph.clear()

    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith(">"):
            if paragraph:
                flush()
            if not quote:
                quote_start = number
            quote.append(line.lstrip()[1:].removeprefix(" ").rstrip())
            continue
        flush_quote()
        heading = _HEADING.match(line)
        if heading:
            flush()
            blocks.append(
                Block("heading", heading.group(2), level=len(heading.group(1)), location=f"line {number}")
            )
            continue
        if not line.strip():
            flush()
            continue
        if _SETEXT.match(line) and len(paragraph) == 1:
            level = 1 if line.strip().startswith("=") else 2
            blocks.append(Block("heading", paragraph[0].strip(), level=level, location=f"line {start}"))
            paragraph.clear()
            continue
        if line.lstrip().startswith("|"):
            flush()
            if not _TABLE_SEPARATOR.match(line):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                blocks.append(Block("text", " | ".join(cells), location=f"line {number}"))
            continue
        if re.match(r"^\s*(?:[-*+]\s+)?\(([0-9]+[A-Z]*|[a-z]{1,2}|[ivxlc]+)\)\s", line):
            flush()  # a numbered item starts a new paragraph even without a blank line
        if not paragraph:
            start = number
        paragraph.append(line)
    flush()
    return blocks


def parse_md(data: bytes) -> ParsedDocument:
    text = _decode(data)
    if not text.strip():
        raise ImporterError("The file is empty", "line 1")
    builder = OutlineBuilder()
    for block in blocks_from_markdown(text):
        builder.add(block)
    sections = builder.finish(f"line {len(text.splitlines())}")
    return ParsedDocument(
        title=builder.title or "Untitled document",
        source_format="md",
        long_title=builder.long_title,
        sections=sections,
    )
