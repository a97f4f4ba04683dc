"""US Legislative Markup (USLM 2.x) to a section tree.

Mapping (element -> kind):
- ``title``, ``division`` -> part; ``subtitle``, ``chapter``, ``subchapter``, ``part``, ``subpart`` -> chapter
- ``section`` -> clause, ``subsection`` -> subsection, ``paragraph`` -> paragraph,
  ``subparagraph``, ``clause``, ``subclause``, ``item``, ``subitem`` -> subparagraph
- ``appropriations`` at ``major``/``intermediate`` level (agency headings) -> crossheading; at
  ``small`` level (an account and its text) -> other
- ``quotedContent`` (inserted provisions inside amendments) -> one ``quoted`` node with the whole
  quoted text, one line per block
- ``enactingFormula``/``resolvingClause`` -> preamble; ``longTitle`` -> the document's long title
Numbers use the ``num/@value`` (``SEC. 101.`` -> ``101``; ``TITLE I`` -> ``I``); lower levels keep
their printed form, e.g. ``(a)``. eIds are the ``identifier`` (stable, e.g. ``/us/bill/116/hr/2740/tI/s101``)
or, failing that, the ``id``. ``meta``, ``preface`` (sponsors, dates, slug line) and ``endorsement`` are
metadata and are not imported.
"""

from __future__ import annotations

import re

from ._xml import clean, group_quoted, local, ns, parse_xml, quoted_from, table_lines, where
from .tree import ImporterError, ParsedDocument, ParsedSection, TrailingText

_KINDS = {
    "title": "part",
    "division": "part",
    "subtitle": "chapter",
    "chapter": "chapter",
    "subchapter": "chapter",
    "part": "chapter",
    "subpart": "chapter",
    "section": "clause",
    "subsection": "subsection",
    "paragraph": "paragraph",
    "subparagraph": "subparagraph",
    "clause": "subparagraph",
    "subclause": "subparagraph",
    "item": "subparagraph",
    "subitem": "subparagraph",
    "subsubitem": "subparagraph",
    "level": "other",
    "article": "other",
    "compiledAct": "other",
    "courtRules": "other",
}
_VALUE_NUMBERED = {"part", "chapter", "clause"}
_SKIP = {"meta", "preface", "endorsement", "toc", "endMarker"}
_QUOTED = {"quotedContent"}


class _UslmReader:
    def _tokens(self, el, out: list, split_quoted: bool) -> None:
        name = local(el)
        if name is None:
            return
        if name in _QUOTED:
            node = self.quoted(el)
            out.append(node if split_quoted else node.text)
            return
        out.append(el.text or "")
        for child in el:
            self._tokens(child, out, split_quoted)
            out.append(child.tail or "")
        if name in ("p", "td", "th", "li"):
            out.append(" ")

    def inline(self, el) -> str:
        out: list = []
        self._tokens(el, out, split_quoted=False)
        return clean("".join(out))

    def split_inline(self, el) -> list:
        """Text of an inline container, with any quoted structure inside as a `quoted` section."""
        out: list = []
        self._tokens(el, out, split_quoted=True)
        return group_quoted(out)

    def kind_of(self, el) -> str | None:
        name = local(el)
        if name == "appropriations":
            return "other" if el.get("level") == "small" else "crossheading"
        return _KINDS.get(name or "")

    def convert(self, el, kind: str) -> ParsedSection:
        section = ParsedSection(kind=kind, eid=el.get("identifier") or el.get("id") or "")
        self.fill(section, el)
        return section

    def fill(self, section: ParsedSection, el, skip: set[str] | frozenset[str] = frozenset()) -> None:
        lines: list[str] = []
        trailing = TrailingText(section)
        for child in el:
            name = local(child)
            if name is None or name in _SKIP or name in skip:
                continue
            if name == "num":
                value = child.get("value")
                if section.kind in _VALUE_NUMBERED and value:
                    section.number = value
                else:
                    section.number = self.inline(child)
                continue
            if name == "heading":
                section.heading = self.inline(child)
                continue
            kind = self.kind_of(child)
            if kind:
                trailing.close()
                section.children.append(self.convert(child, kind))
                continue
            if name == "table":
                items: list = table_lines(child, self.inline)
            elif name in ("content", "chapeau", "continuation", "notes", "note", "sourceCredit") and any(
                local(c) in ("p", "table", "layout") for c in child
            ):
                items = []
                if child.text and child.text.strip():
                    items.append(clean(child.text))
                for grandchild in child:
                    if local(grandchild) == "table":
                        items.extend(table_lines(grandchild, self.inline))
                    else:
                        items.extend(self.split_inline(grandchild))
                    if grandchild.tail and grandchild.tail.strip():
                        if items and isinstance(items[-1], ParsedSection):
                            items[-1].text += clean(grandchild.tail)
                        else:
                            items.append(clean(grandchild.tail))
            else:
                items = self.split_inline(child)
            for item in items:
                if isinstance(item, ParsedSection):
                    trailing.close()
                    section.children.append(item)
                elif not section.children:
                    lines.append(item)
                else:
                    trailing.add(item, eid=child.get("id") or "")
        trailing.close()
        section.text = "\n".join(line for line in lines if line)

    def quoted(self, el) -> ParsedSection:
        inner = ParsedSection("quoted", eid=el.get("identifier") or el.get("id") or "")
        self.fill(inner, el)
        return quoted_from(inner)


_CITATION = re.compile(r"^\d+\s+(.*?\d+[A-Z]?)(?:\s+[A-Z]{2,4})?$")


def _citation(root) -> str:
    """The bill's citation without its Congress and stage, "116 H. Res. 1017 RH" -> "H. Res. 1017": the
    title of a bill or resolution that has no short title of its own (its official title, often a
    paragraph long, is kept as the long title)."""
    for el in root.iter():
        if local(el) == "citableAs" and "." in (el.text or ""):
            match = _CITATION.match(clean(el.text or ""))
            if match:
                return match.group(1)
    return ""


def parse_uslm(data: bytes) -> ParsedDocument:
    root = parse_xml(data)
    if "uslm" not in ns(root).lower():
        raise ImporterError(
            f"Expected a USLM document (namespace http://schemas.gpo.gov/xml/uslm), found <{local(root)}>"
            f" in {ns(root) or 'no namespace'}",
            where(root),
        )
    main = next((c for c in root if local(c) in ("main", "mainBody")), None)
    if main is None:
        raise ImporterError(f"<{local(root)}> has no <main>", where(root))
    reader = _UslmReader()
    long_title = ""
    sections: list[ParsedSection] = []
    for child in main:
        name = local(child)
        if name == "longTitle":
            long_title = " ".join(reader.inline(c) for c in child if local(c))
        elif name in ("enactingFormula", "resolvingClause"):
            sections.append(
                ParsedSection("preamble", eid=child.get("id") or "preamble", text=reader.inline(child))
            )
    body = ParsedSection("other")
    reader.fill(body, main, skip={"longTitle", "enactingFormula", "resolvingClause"})
    if body.text:
        sections.append(ParsedSection("other", text=body.text))
    sections.extend(body.children)
    if not any(s.kind != "preamble" for s in sections):
        raise ImporterError("The document has no provisions", where(main))
    shorts = [e for e in main.iter() if local(e) == "shortTitle"]
    short = shorts[0] if len(shorts) == 1 else None
    meta_title = next(
        (e for e in root.iter() if local(e) == "title" and ns(e).endswith("/dc/elements/1.1/")), None
    )
    title = reader.inline(short).strip("“”\"' ") if short is not None else ""
    if not title:
        title = _citation(root)
    if not title and meta_title is not None:
        title = reader.inline(meta_title)
    return ParsedDocument(
        title=title or "Untitled document", source_format="uslm", long_title=long_title, sections=sections
    )
