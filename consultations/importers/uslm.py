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
- ``collection``/``component``/nested ``main`` (a long bill published in components, or a reported bill
  whose struck-out and inserted texts are two components): read through, in order; a component marked
  ``changed="deleted"``/``"added"`` becomes a crossheading ("Struck out by the Committee on ..." /
  "Inserted by ..."), and the struck-out sections' lineage keys end in ``#struck`` so the inserted text
  keeps the bill's own identifiers
- ``engrossedAmendment`` (``amendMain``): each ``amendmentInstruction`` -> amendment (numbered by its
  ``num`` or its order), the provisions in its ``amendmentContent`` -> its children (sections are clauses);
  the resolving words and the unnumbered "That the bill ... do pass with the following" -> preamble
- an element the importer does not know that holds provisions (its structure would be lost as plain
  text) is reported in ``ParsedDocument.skipped``
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
_SKIP = {"meta", "preface", "endorsement", "toc", "endMarker", "amendMeta", "amendPreface", "signatures"}
_QUOTED = {"quotedContent"}
# Wrappers read through as if their children were the parent's (a bill published in components).
_THROUGH = {"collection", "main", "mainBody", "amendMain"}
# Elements that are text, never structure, when they hold provisions (a quotation, a table cell).
_TEXTUAL = {
    "quotedContent",
    "quotedText",
    "amendmentContent",
    "table",
    "td",
    "th",
    "tr",
    "layout",
    "row",
    "column",
}
_SPLICE = "\x00amendmentContent"
_CHANGED = {"deleted": "Struck out", "added": "Inserted"}
_AT_END = re.compile(r"\bat the end\b", re.IGNORECASE)
_IN_SECTION = re.compile(r"\bsection\s+(\d+[A-Za-z]?)\b", re.IGNORECASE)


class _UslmReader:
    def __init__(self, root, document: ParsedDocument) -> None:
        self.document = document
        self.committees = {
            el.get("committeeId"): clean("".join(el.itertext()))
            for el in root.iter()
            if local(el) == "committee" and el.get("committeeId")
        }
        self.struck = 0  # depth of components marked changed="deleted" around the element being read
        self.amendments = 0
        self.consumed: set = set()  # elements already read elsewhere (an amendment's resolving words)

    def _tokens(self, el, out: list, split_quoted: bool) -> None:
        name = local(el)
        if name is None:
            return
        if name in _QUOTED:
            node = self.quoted(el)
            out.append(node if split_quoted else node.text)
            return
        if name == "amendmentContent" and split_quoted:
            holder = ParsedSection("other", eid=_SPLICE)
            self.fill(holder, el)
            out.append(holder)
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
        if name == "amendmentInstruction":
            return "amendment"
        return _KINDS.get(name or "")

    def convert(self, el, kind: str) -> ParsedSection:
        eid = el.get("identifier") or el.get("id") or ""
        section = ParsedSection(kind=kind, eid=eid, guid=f"{eid}#struck" if eid and self.struck else "")
        self.fill(section, el)
        if kind == "amendment":
            self.amendments += 1
            section.number = section.number.strip().rstrip(".") or str(self.amendments)
            section.amends = self.amended_place(el)
            prefix = self.document.amends_identifier
            if prefix and section.amends != "end":
                # a section it inserts in place of one (not added at the end) replaces that section
                for child in section.children:
                    if child.kind == "clause" and child.number:
                        child.amends = f"{prefix}/s{child.number}"
        return section

    def amended_place(self, el) -> str:
        """Where an amendment applies in the amended bill: the identifier of the section its instruction
        names (a <ref>, else "section 7" in its words), "end" for "At the end, add ...", else ""."""
        prefix = self.document.amends_identifier
        for ref in el.iter():
            if local(ref) == "ref" and (ref.get("href") or "").startswith(f"{prefix}/s") and prefix:
                href = ref.get("href") or ""
                return href[: len(prefix) + 1] + href[len(prefix) + 1 :].split("/")[0]
        words: list[str] = []
        for node in el.iter():
            if local(node) == "amendmentContent":
                break
            if local(node) not in (None, "num"):
                words.append(node.text or "")
        instruction = " ".join(words)
        match = _IN_SECTION.search(instruction)
        if match and prefix:
            return f"{prefix}/s{match.group(1)}"
        if _AT_END.search(instruction):
            return "end"
        return ""

    def lost_structure(self, el) -> bool:
        """Does this element, about to be read as plain text, hold provisions (whose structure is lost)?"""
        if local(el) in _TEXTUAL:
            return False
        stack = list(el)
        while stack:
            node = stack.pop()
            name = local(node)
            if name is None or name in _TEXTUAL:
                continue
            if self.kind_of(node) not in (None, "other"):
                return True
            stack.extend(node)
        return False

    def component(self, section: ParsedSection, el, visit) -> None:
        """A component of a bill published in parts: its body read in order; a struck-out or inserted
        text (a reported bill's committee amendment) under a crossheading saying which."""
        changed = _CHANGED.get(el.get("changed") or "")
        if changed is None:
            for child in el:
                visit(child)
            return
        committee = self.committees.get((el.get("origin") or "").lstrip("#"), "")
        heading = f"{changed} by the {committee}" if committee else f"{changed} text"
        holder = ParsedSection("crossheading", heading=heading)
        section.children.append(holder)
        self.struck += el.get("changed") == "deleted"
        try:
            inner = ParsedSection("other")
            self.fill(inner, el)
        finally:
            self.struck -= el.get("changed") == "deleted"
        if inner.text:
            holder.children.append(ParsedSection("other", text=inner.text))
        holder.children.extend(inner.children)

    def fill(self, section: ParsedSection, el, skip: set[str] | frozenset[str] = frozenset()) -> None:
        lines: list[str] = []
        trailing = TrailingText(section)

        def visit(child) -> None:
            name = local(child)
            if name is None or name in _SKIP or name in skip or child in self.consumed:
                return
            if name in _THROUGH or (name == "component" and not child.get("changed")):
                for grandchild in child:
                    visit(grandchild)
                return
            if name == "component":
                trailing.close()
                self.component(section, child, visit)
                return
            read(child, name)

        def read(child, name: str) -> None:
            if name == "num":
                value = child.get("value")
                if section.kind in _VALUE_NUMBERED and value:
                    section.number = value
                else:
                    section.number = self.inline(child)
                return
            if name == "heading":
                section.heading = self.inline(child)
                return
            kind = self.kind_of(child)
            if kind:
                trailing.close()
                section.children.append(self.convert(child, kind))
                return
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
                if self.lost_structure(child):
                    self.document.skip(name, where(child))
                items = self.split_inline(child)
            for item in items:
                if isinstance(item, ParsedSection) and item.eid == _SPLICE:
                    # an amendment's inserted provisions: its own children, then any words after them
                    trailing.close()
                    section.children.extend(item.children)
                    if item.text:
                        trailing.add(item.text)
                elif isinstance(item, ParsedSection):
                    trailing.close()
                    section.children.append(item)
                elif not section.children:
                    lines.append(item)
                else:
                    trailing.add(item, eid=child.get("id") or "")

        for child in el:
            visit(child)
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


_AMENDED = re.compile(r"^(\d+)\s+([A-Za-z]+(?:\s[A-Za-z]+)?)\s+(\d+)\b")


def _amended_bill(root) -> tuple[str, str]:
    """For an amendment document: the amended bill's citation ("H. R. 1865") and its USLM identifier
    prefix ("/us/bill/116/hr/1865"), from the metadata's "116 HR 1865 EAS"."""
    for el in root.iter():
        if local(el) == "citableAs" and "." not in (el.text or ""):
            match = _AMENDED.match(clean(el.text or ""))
            if match:
                congress, kind, number = match.groups()
                return _citation(root), f"/us/bill/{congress}/{kind.replace(' ', '').lower()}/{number}"
    return _citation(root), ""


def parse_uslm(data: bytes) -> ParsedDocument:
    root = parse_xml(data)
    if "uslm" not in ns(root).lower():
        raise ImporterError(
            f"Expected a USLM document (namespace http://schemas.gpo.gov/xml/uslm), found <{local(root)}>"
            f" in {ns(root) or 'no namespace'}",
            where(root),
        )
    main = next((c for c in root if local(c) in ("main", "mainBody", "amendMain")), None)
    if main is None:
        raise ImporterError(f"<{local(root)}> has no <main>", where(root))
    document = ParsedDocument(title="", source_format="uslm")
    amendment = local(main) == "amendMain"
    if amendment:
        document.amends, document.amends_identifier = _amended_bill(root)
    reader = _UslmReader(root, document)
    opening: list[str] = []
    preamble_id = ""
    skip = {"longTitle", "enactingFormula", "resolvingClause"}
    for child in main:
        name = local(child)
        if name == "longTitle":
            document.long_title = " ".join(reader.inline(c) for c in child if local(c))
        elif name in ("enactingFormula", "resolvingClause"):
            opening.append(reader.inline(child))
            preamble_id = preamble_id or child.get("id") or "preamble"
        elif amendment and (name == "docTitle" or (name == "section" and not len(child.findall("{*}num")))):
            # "Resolved, That the bill ... do pass with the following AMENDMENT:": the resolving words
            opening.append(reader.inline(child))
            preamble_id = preamble_id or "preamble"
            reader.consumed.add(child)
    if opening:
        document.sections.append(ParsedSection("preamble", eid=preamble_id, text=" ".join(opening)))
    body = ParsedSection("other")
    reader.fill(body, main, skip=skip)
    if body.text:
        document.sections.append(ParsedSection("other", text=body.text))
    document.sections.extend(body.children)
    if not any(s.kind != "preamble" for s in document.sections):
        raise ImporterError("The document has no provisions", where(main))
    shorts = [e for e in main.iter() if local(e) == "shortTitle"]
    short = shorts[0] if len(shorts) == 1 else None
    meta_title = next(
        (e for e in root.iter() if local(e) == "title" and ns(e).endswith("/dc/elements/1.1/")), None
    )
    title = reader.inline(short).strip("“”\"' ") if short is not None and not amendment else ""
    if amendment and document.amends:
        chamber = next((clean(e.text or "") for e in root.iter() if local(e) == "currentChamber"), "")
        by = {"SENATE": "Senate amendment", "HOUSE": "House amendment"}.get(chamber.upper(), "Amendment")
        title = f"{by} to {document.amends}"
    if not title:
        title = _citation(root)
    if not title and meta_title is not None:
        title = reader.inline(meta_title)
    document.title = title or "Untitled document"
    return document
