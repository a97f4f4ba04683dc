"""Write a parsed bill back out as Markdown or Word, so the text importers can be tested on real text."""

from __future__ import annotations

import io

NUMBERED = (
    "part",
    "chapter",
    "crossheading",
    "clause",
    "subsection",
    "paragraph",
    "subparagraph",
    "schedule",
    "quoted",
)


def outline(doc) -> list[tuple[str, str, str]]:
    return [(n.kind, n.number, n.heading) for n in doc.walk() if n.kind in NUMBERED]


def _blocks(doc):
    """(style, text) pairs: style is a heading level (int), "text" or "quote"."""
    yield 0, doc.title
    yield "text", doc.long_title

    def visit(node, parent):
        kind = node.kind
        lines = node.text.splitlines() if node.text else []
        if kind == "preamble":
            yield from (("text", line) for line in lines)
        elif kind in ("part", "chapter", "schedule", "crossheading", "clause") or (
            kind == "paragraph" and parent is not None and parent.kind in ("schedule", "part", "crossheading")
        ):
            label = {"part": "Part", "chapter": "Chapter", "schedule": "Schedule"}.get(kind, "")
            level = {"part": 1, "schedule": 1, "chapter": 2, "crossheading": 3}.get(kind, 4)
            yield level, " ".join(x for x in (label, node.number, node.heading) if x)
            yield from (("text", line) for line in lines)
        elif kind in ("subsection", "paragraph", "subparagraph"):
            yield "text", f"{node.number} {lines[0] if lines else ''}".strip()
            yield from (("text", line) for line in lines[1:])
        elif kind == "quoted":
            yield "quote", node.text
        else:
            if node.heading:
                yield "text", node.heading
            yield from (("text", line) for line in lines)
        for child in node.children:
            yield from visit(child, node)

    for section in doc.sections:
        yield from visit(section, None)


def to_markdown(doc) -> bytes:
    out = []
    for style, text in _blocks(doc):
        if style == "quote":
            out.extend(f"> {line}" for line in text.splitlines())
        elif style == "text":
            out.append(text)
        else:
            out.append(f"{'#' * max(style, 1)} {text}")
        out.append("")
    return "\n".join(out).encode()


def to_docx(doc, table_rows: list[list[str]] | None = None) -> bytes:
    from docx import Document

    word = Document()
    for style, text in _blocks(doc):
        if style == "quote":
            word.add_paragraph(text, style="Quote")
        elif style == "text":
            word.add_paragraph(text)
        else:
            word.add_heading(text, level=min(style, 9))
    if table_rows:
        table = word.add_table(rows=len(table_rows), cols=len(table_rows[0]))
        for r, row in enumerate(table_rows):
            for c, value in enumerate(row):
                table.cell(r, c).text = value
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()
