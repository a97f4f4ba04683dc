"""Akoma Ntoso 3.0 (UK Lawmaker profile) to a section tree.

Mapping (element -> kind):
- ``part`` -> part, ``chapter`` -> chapter, ``hcontainer[@name=crossheading|subheading]`` -> crossheading
- ``section`` -> clause, ``subsection`` -> subsection
- ``level.para1`` and schedule ``paragraph`` -> paragraph;
  ``level.para2`` (and deeper) and ``subparagraph`` -> subparagraph
- ``hcontainer[@name=schedule]`` -> schedule (the ``schedules`` wrapper is dropped; its heading is kept
  as an ``other`` node)
- ``hcontainer[@name=definition]`` and other containers -> other
- ``quotedStructure`` / ``embeddedStructure`` (inside amendments) -> one ``quoted`` node whose text is
  the whole quoted provision, one line per block, with its quotation marks and the text that follows
  it (``AppendText``). Sections inside a quoted structure are therefore never clauses.
- ``preamble`` -> preamble; the ``longTitle`` becomes the document's long title.

Each node keeps its ``eId``. Text that comes after a node's children (``wrapUp``) becomes an ``other``
child so the reading order is kept. ``meta``, ``coverPage`` (table of contents) and ``conclusions``
(publishing statements) are metadata and are not imported; any other part of the document this importer
does not read (``attachments``, ``components``) is reported in ``ParsedDocument.skipped`` as left out, so
the publisher confirms before such a document is saved. Placeholders (``ref class="placeholder"``)
are filled from the ``TLC*`` references in ``meta``.
"""

from __future__ import annotations

from ._xml import clean, group_quoted, local, ns, parse_xml, quoted_from, table_lines, where
from .tree import ImporterError, ParsedDocument, ParsedSection, TrailingText

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"
UKL_NS = "https://www.legislation.gov.uk/namespaces/UK-AKN"

_SIMPLE_KINDS = {
    "part": "part",
    "chapter": "chapter",
    "section": "clause",
    "subsection": "subsection",
    "paragraph": "paragraph",
    "subparagraph": "subparagraph",
}
_OTHER_HIER = {
    "article",
    "book",
    "clause",
    "division",
    "indent",
    "list",
    "point",
    "proviso",
    "rule",
    "subchapter",
    "subclause",
    "subdivision",
    "sublist",
    "subpart",
    "subrule",
    "subtitle",
    "title",
    "tome",
    "alinea",
    "transitional",
}
_QUOTED = {"quotedStructure", "embeddedStructure"}
# Parts of a document that are about it rather than of it (module docstring): not imported, not reported.
_METADATA = {"meta", "coverPage", "conclusions"}
_BLOCK_CONTAINERS = {
    "intro",
    "content",
    "wrapUp",
    "blockList",
    "item",
    "tblock",
    "foreign",
    "blockContainer",
    "formula",
    "listIntroduction",
    "listWrapUp",
    "longTitle",
    "preamble",
    "recitals",
    "recital",
    "citations",
    "citation",
    "div",
    "container",
}


def _attr(el, name: str) -> str:
    return el.get(f"{{{UKL_NS}}}{name}") or el.get(name) or ""


def _strip_word(number: str, word: str) -> str:
    if number.lower().startswith(word):
        return number[len(word) :].strip()
    return number


class _AknReader:
    def __init__(self, root) -> None:
        self.placeholders = {
            el.get("eId"): el.get("showAs", "")
            for el in root.iter()
            if (local(el) or "").startswith("TLC") and el.get("eId")
        }

    # Inline text ----------------------------------------------------------------------------
    def _tokens(self, el, out: list, split_quoted: bool) -> None:
        name = local(el)
        if name is None:
            return
        if name in _QUOTED:
            node = self.quoted(el)
            out.append(node if split_quoted else node.text)
            return
        if name in ("def", "quotedText"):
            out.append(_attr(el, "startQuote"))
        elif name == "authorialNote":
            out.append(" [")
        elif name in ("br", "eol", "eop"):
            out.append(" ")
        elif name == "ref" and "placeholder" in (el.get("class") or "") and not (el.text or "").strip():
            out.append(self.placeholders.get((el.get("href") or "").lstrip("#"), ""))
        out.append(el.text or "")
        for child in el:
            self._tokens(child, out, split_quoted)
            out.append(child.tail or "")
        if name in ("def", "quotedText"):
            out.append(_attr(el, "endQuote"))
        elif name == "authorialNote":
            out.append("] ")
        elif name in ("p", "block", "td", "th", "li"):
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

    # Blocks -----------------------------------------------------------------------------------
    def block_items(self, el) -> list:
        name = local(el)
        if name is None:
            return []
        if name == "table":
            return table_lines(el, self.inline)
        if name == "item" and len(el) and local(el[0]) == "num":
            # A list item: its number opens its first line, "(a) text".
            number = self.inline(el[0])
            rest = [self.block_items(c) for c in el[1:]]
            flat = [i for items in rest for i in items]
            if flat and isinstance(flat[0], str):
                flat[0] = f"{number} {flat[0]}"
                return flat
            return [number, *flat]
        if name in _BLOCK_CONTAINERS:
            items: list = []
            if el.text and el.text.strip():
                items.append(clean(el.text))
            for child in el:
                if local(child) in _SIMPLE_KINDS or local(child) in ("level", "hcontainer"):
                    items.append(self.convert(child))
                else:
                    items.extend(self.block_items(child))
                if child.tail and child.tail.strip():
                    items.append(clean(child.tail))
            return items
        return self.split_inline(el)

    # Structure --------------------------------------------------------------------------------
    def kind_of(self, el) -> str | None:
        name = local(el)
        if name in _SIMPLE_KINDS:
            return _SIMPLE_KINDS[name]
        if name == "level":
            cls = el.get("class") or ""
            if cls == "para1":
                return "paragraph"
            if cls.startswith("para"):
                return "subparagraph"
            return "other"
        if name == "hcontainer":
            hname = el.get("name") or ""
            if hname in ("crossheading", "subheading"):
                return "crossheading"
            if hname == "schedule":
                return "schedule"
            if hname == "schedules":
                return "transparent"
            return "other"
        if name in _OTHER_HIER:
            return "other"
        return None

    def convert(self, el, kind: str | None = None) -> ParsedSection:
        kind = kind or self.kind_of(el) or "other"
        section = ParsedSection(kind=kind, eid=el.get("eId") or "", guid=el.get("GUID") or "")
        self.fill(section, el)
        if kind == "part":
            section.number = _strip_word(section.number, "part")
        elif kind == "chapter":
            section.number = _strip_word(section.number, "chapter")
        elif kind == "schedule":
            section.number = _strip_word(section.number, "schedule")
        return section

    def fill(self, section: ParsedSection, el) -> None:
        """Put el's number, heading, own text and children into `section`."""
        lines: list[str] = []
        headings: list[str] = []
        trailing = TrailingText(section)
        for child in el:
            name = local(child)
            if name is None:
                continue
            if name == "num":
                notes = [c for c in child if local(c) == "authorialNote"]
                for note in notes:
                    lines.append(f"[{self.inline(note).strip('[] ')}]")
                    tail = note.tail
                    child.remove(note)
                    if tail:
                        child.text = (child.text or "") + tail
                section.number = self.inline(child)
                continue
            if name in ("heading", "subheading"):
                headings.append(self.inline(child))
                continue
            kind = self.kind_of(child)
            if kind == "transparent":
                heading = " ".join(self.inline(h) for h in child if local(h) in ("heading", "subheading"))
                trailing.close()
                if heading:
                    section.children.append(ParsedSection("other", heading=heading, eid=""))
                for grandchild in child:
                    if local(grandchild) in ("heading", "subheading"):
                        continue
                    if self.kind_of(grandchild):
                        section.children.append(self.convert(grandchild))
                    else:  # loose text in the wrapper is kept, not dropped
                        section.children.extend(
                            item if isinstance(item, ParsedSection) else ParsedSection("other", text=item)
                            for item in self.block_items(grandchild)
                        )
                continue
            if kind:
                trailing.close()
                section.children.append(self.convert(child, kind))
                continue
            for item in self.block_items(child):
                if isinstance(item, ParsedSection):
                    trailing.close()
                    section.children.append(item)
                elif not section.children:
                    lines.append(item)
                else:
                    trailing.add(item, eid=child.get("eId") or "")
        trailing.close()
        section.heading = " ".join(h for h in headings if h)
        section.text = "\n".join(line for line in lines if line)

    def quoted(self, el) -> ParsedSection:
        blocks = [c for c in el if local(c)]
        if blocks and all(local(c) == "p" for c in blocks):
            # Plain lines, as this portal exports a quoted section: leading spaces are its outline.
            lines = []
            for p in blocks:
                raw = "".join(p.itertext())
                text = self.inline(p)
                if text:
                    lines.append(" " * (len(raw) - len(raw.lstrip(" "))) + text)
            body = "\n".join(lines)
            text = f"{_attr(el, 'startQuote')}{body}{_attr(el, 'endQuote')}"
            return ParsedSection("quoted", eid=el.get("eId") or "", guid=el.get("GUID") or "", text=text)
        inner = ParsedSection("quoted", eid=el.get("eId") or "", guid=el.get("GUID") or "")
        self.fill(inner, el)
        return quoted_from(inner, _attr(el, "startQuote"), _attr(el, "endQuote"))


def parse_akn(data: bytes) -> ParsedDocument:
    root = parse_xml(data)
    if local(root) != "akomaNtoso" or ns(root) != AKN_NS:
        raise ImporterError(
            f"Expected an Akoma Ntoso 3.0 document (<akomaNtoso> in {AKN_NS}), found <{local(root)}>",
            where(root),
        )
    docs = [c for c in root if local(c)]
    if not docs:
        raise ImporterError("The Akoma Ntoso document has no bill, act or doc element", where(root))
    doc = docs[0]
    body = next((c for c in doc if local(c) in ("body", "mainBody")), None)
    if body is None:
        raise ImporterError(f"<{local(doc)}> has no <body>", where(doc))
    reader = _AknReader(root)

    title = reader.placeholders.get("varBillTitle", "") or reader.placeholders.get("varActTitle", "")
    if not title:
        doc_title = next((e for e in doc.iter() if local(e) == "docTitle"), None)
        title = reader.inline(doc_title) if doc_title is not None else ""
    long_title = ""
    sections: list[ParsedSection] = []
    left_out: list[tuple[str, str]] = []
    for part in doc:
        name = local(part)
        if name is None or name in _METADATA:
            continue
        if name == "preface":
            lt = next((e for e in part.iter() if local(e) == "longTitle"), None)
            if lt is not None:
                long_title = join_long_title([reader.inline(p) for p in lt if local(p)])
        elif name == "preamble":
            pre = ParsedSection("preamble", eid=part.get("eId") or "preamble", guid=part.get("GUID") or "")
            reader.fill(pre, part)
            sections.append(pre)
        elif name in ("body", "mainBody"):
            holder = ParsedSection("other")
            reader.fill(holder, part)
            if holder.text:
                sections.append(ParsedSection("other", text=holder.text))
            sections.extend(holder.children)
        else:  # attachments, components: parts this importer does not read
            left_out.append((name, where(part)))
    if not any(s.kind != "preamble" for s in sections):
        raise ImporterError("The document body has no provisions", where(body))
    parsed = ParsedDocument(
        title=title or "Untitled document", source_format="akn", long_title=long_title, sections=sections
    )
    for name, location in left_out:
        parsed.skip(name, location, how="left out")
    return parsed


def join_long_title(parts: list[str]) -> str:
    """Lawmaker splits a long title into its lead-in ("A", "bill", "to") and the words that follow, which
    start with a capital on their own line ("Make provision about ..."). Joined, they read as one
    sentence: "A bill to make provision about ...". A word in capitals (an acronym) keeps them."""
    parts = [p.strip() for p in parts if p and p.strip()]
    if len(parts) > 1 and parts[-2].lower() == "to":
        last = parts[-1]
        if len(last) > 1 and last[0].isupper() and not last[1].isupper():
            parts[-1] = last[0].lower() + last[1:]
    return " ".join(parts)
