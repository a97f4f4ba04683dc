"""Safe XML parsing and text helpers shared by the XML importers.

Hostile XML must not read local files, reach the network or expand entity bombs: the parser never
resolves entities, never loads a DTD, refuses huge trees, and any document that declares a DTD at
all is refused (no real bill needs one).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lxml import etree

from .tree import ImporterError, ParsedSection

_WS = re.compile(r"\s+")


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def syntax_error(exc: etree.XMLSyntaxError) -> ImporterError:
    """An ImporterError for an lxml syntax error, naming the line and column."""
    line, column = exc.position if exc.position else (exc.lineno or 1, 0)
    msg = re.sub(r",? line \d+(, column \d+)?$", "", exc.msg or str(exc)).strip()
    # libxml2 names where an unclosed element opened as "in tag section line 3"
    msg = re.sub(r"in tag (\S+) line (\d+)", r"in <\1>, which opens on line \2", msg)
    if "Excessive depth" in msg:
        msg = "elements are nested more than 256 levels deep"
    return ImporterError(f"The XML is not well formed: {msg}", f"line {line}, column {column}")


def parse_xml(data: bytes) -> etree._Element:
    """Parse bytes into a root element, or raise ImporterError naming the line that is wrong."""
    if not data or not data.strip():
        raise ImporterError("The file is empty", "line 1")
    try:
        tree = etree.fromstring(data, parser=safe_parser()).getroottree()
    except etree.XMLSyntaxError as exc:
        raise syntax_error(exc) from None
    except ValueError as exc:  # e.g. a str with an encoding declaration
        raise ImporterError(f"The XML could not be read: {exc}", "line 1") from None
    docinfo = tree.docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise ImporterError("XML documents with a DOCTYPE or entity declarations are not accepted", "line 1")
    root = tree.getroot()
    # Entity references left unresolved would silently drop text: refuse them.
    for node in root.iter(etree.Entity):
        raise ImporterError(
            f"The XML uses an entity (&{node.name};) that is not allowed",
            f"line {node.sourceline or '?'}",
        )
    return root


def local(el) -> str | None:
    """The local name of an element (None for comments and processing instructions)."""
    if not isinstance(el.tag, str):
        return None
    return etree.QName(el).localname


def ns(el) -> str:
    return etree.QName(el).namespace or ""


def clean(text: str) -> str:
    return _WS.sub(" ", text).strip()


def path_of(el) -> str:
    """A readable element path such as /akomaNtoso/bill/body/section[3]."""
    parts = []
    while el is not None:
        name = local(el) or "?"
        parent = el.getparent()
        if parent is not None:
            same = [c for c in parent if local(c) == name]
            if len(same) > 1:
                name = f"{name}[{same.index(el) + 1}]"
        parts.append(name)
        el = parent
    return "/" + "/".join(reversed(parts))


def where(el) -> str:
    """Location for error messages: the element's eId/id when it has one, else its path."""
    ident = el.get("eId") or el.get("id") or el.get("identifier")
    line = f", line {el.sourceline}" if el.sourceline else ""
    return f"{ident}{line}" if ident else f"{path_of(el)}{line}"


def group_quoted(tokens: list) -> list:
    """Turn a run of inline tokens (strings and `quoted` sections) into items: the text before a
    quoted structure is one item, the quoted section another, and the text that follows a quoted
    structure (its closing punctuation, "and", ...) is kept at the end of the quoted text."""
    items: list = []
    buffer: list[str] = []
    current: ParsedSection | None = None

    def flush() -> None:
        text = clean("".join(buffer))
        buffer.clear()
        if not text:
            return
        if current is None:
            items.append(text)
        else:
            glue = "" if text[0] in ".,;:”’)" else " "
            current.text = f"{current.text}{glue}{text}"

    for token in tokens:
        if isinstance(token, ParsedSection):
            flush()
            items.append(token)
            current = token
        else:
            buffer.append(token)
    flush()
    return items


def quoted_from(inner: ParsedSection, start: str = "", end: str = "") -> ParsedSection:
    """One `quoted` leaf holding a parsed quoted structure as lines of text, its outline kept as
    indentation (see ParsedSection.lines)."""
    lines = inner.text.splitlines() if inner.text else []
    for child in inner.children:
        lines.extend(child.lines())
    body = "\n".join(line for line in lines if line.strip())
    return ParsedSection("quoted", eid=inner.eid, text=f"{start}{body}{end}")


def table_lines(table, cell_text: Callable) -> list[str]:
    """A table as plain text: one line per row, cells separated by ' | '."""
    lines = []
    for row in table.iter():
        if local(row) != "tr":
            continue
        cells = [cell_text(c) for c in row if local(c) in ("td", "th")]
        line = " | ".join(cells).strip()
        if line.strip(" |"):
            lines.append(line)
    return lines
