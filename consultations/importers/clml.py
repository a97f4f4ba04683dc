"""legislation.gov.uk Crown Legislation Markup Language (CLML) to a section tree.

Accepts a ``<Legislation>`` document or a bare ``<Primary>``/``<Secondary>`` fragment, with or
without the CLML namespace (elements are matched by local name).

Mapping (element -> kind):
- ``Part`` -> part, ``Chapter`` -> chapter, ``Pblock``/``PsubBlock`` -> crossheading
- in the body: ``P1`` -> clause (its ``P1group/Title`` is the heading), ``P2`` -> subsection,
  ``P3`` -> paragraph, ``P4``+ -> subparagraph
- in a schedule: ``P1`` -> paragraph, ``P2`` -> subparagraph, ``P3`` -> paragraph, ``P4``+ -> subparagraph
- a ``P1group`` holding more than one ``P1`` becomes a crossheading over them (one shared title)
- ``Schedule`` -> schedule (``Number`` "SCHEDULE 1" gives number "1", ``Reference`` is kept as text)
- ``BlockAmendment`` -> one ``quoted`` node: the inserted text, one line per block, in quotation
  marks, followed by its ``AppendText``
- ``PrimaryPreamble`` and ``DateOfEnactment`` -> preamble; ``LongTitle`` -> the document's long title
Each node keeps the element's ``id`` as its eId. Numbers are printed as in the Act: "(1)", "(a)".
``Metadata`` and the ``Number``/``Title`` of the prelims are metadata and are not imported as sections.
"""

from __future__ import annotations

from ._xml import clean, local, parse_xml, quoted_from, table_lines, where
from .tree import ImporterError, ParsedDocument, ParsedSection, TrailingText

CLML_NS = "http://www.legislation.gov.uk/namespaces/legislation"
_GROUPS = {"Part": "part", "Chapter": "chapter", "Pblock": "crossheading", "PsubBlock": "crossheading"}
_PLEVELS = {"P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 5, "P6": 6, "P7": 7}
_BODY_KINDS = {1: "clause", 2: "subsection", 3: "paragraph"}
_SCHEDULE_KINDS = {1: "paragraph", 2: "subparagraph", 3: "paragraph"}
_SKIP = {"Metadata", "Contents", "Commentaries", "Footnotes", "MarginNotes", "Resources", "Versions"}
_CHARACTERS = {"EmDash": "—", "EnDash": "–", "LinePara": " ", "NonBreakingSpace": " ", "Minus": "−"}


class _ClmlReader:
    def inline(self, el) -> str:
        out: list[str] = []

        def walk(e) -> None:
            name = local(e)
            if name is None:
                return
            if name == "Character":
                out.append(_CHARACTERS.get(e.get("Name") or "", ""))
            elif name == "BlockAmendment":
                out.append(self.quoted(e).text)
                return
            out.append(e.text or "")
            for child in e:
                walk(child)
                out.append(child.tail or "")
            if name in ("Text", "Para", "td", "th", "ListItem"):
                out.append(" ")

        walk(el)
        return clean("".join(out))

    def number(self, el, level: int) -> str:
        text = self.inline(el)
        if level == 1:
            return text
        before = el.get("PuncBefore", "(")
        after = el.get("PuncAfter", ")")
        return f"{before}{text}{after}"

    def kind(self, el, in_schedule: bool) -> str | None:
        name = local(el)
        if name in _GROUPS:
            return _GROUPS[name]
        if name in _PLEVELS:
            table = _SCHEDULE_KINDS if in_schedule else _BODY_KINDS
            return table.get(_PLEVELS[name], "subparagraph")
        if name == "Schedule":
            return "schedule"
        return None

    def convert(self, el, in_schedule: bool, heading: str = "") -> ParsedSection:
        name = local(el)
        kind = self.kind(el, in_schedule) or "other"
        section = ParsedSection(kind=kind, eid=el.get("id") or "", heading=heading)
        self.fill(section, el, in_schedule or name == "Schedule", level=_PLEVELS.get(name or "", 0))
        if kind in ("part", "chapter", "schedule") and section.number.lower().startswith(kind):
            section.number = section.number[len(kind) :].strip()
        return section

    def fill(self, section: ParsedSection, el, in_schedule: bool, level: int = 0) -> None:
        lines: list[str] = []
        trailing = TrailingText(section)

        def add_text(text: str, eid: str = "") -> None:
            if not text:
                return
            if not section.children:
                lines.append(text)
            else:
                trailing.add(text, eid)

        def add_child(child: ParsedSection) -> None:
            trailing.close()
            section.children.append(child)

        def visit(child) -> None:
            name = local(child)
            if name is None or name in _SKIP:
                return
            if name in ("Number", "Pnumber"):
                section.number = self.number(child, level) if name == "Pnumber" else self.inline(child)
            elif name == "Title" and not section.heading:
                section.heading = self.inline(child)
            elif name == "TitleBlock":
                for grandchild in child:
                    visit(grandchild)
            elif name == "Reference":
                add_text(self.inline(child))
            elif name == "P1group":
                self.group(child, in_schedule, add_child, add_text)
            elif name == "BlockAmendment":
                add_child(self.quoted(child))
            elif name == "AppendText" and section.children and section.children[-1].kind == "quoted":
                section.children[-1].text += self.inline(child)
            elif self.kind(child, in_schedule):
                add_child(self.convert(child, in_schedule))
            elif name in ("table", "Tabular"):
                for line in table_lines(child, self.inline):
                    add_text(line)
            elif name in ("Text", "ListItem", "AppendText", "Title", "Subtitle"):
                if any(local(d) == "BlockAmendment" for d in child.iterdescendants()):
                    for grandchild in child:
                        visit(grandchild)
                else:
                    add_text(self.inline(child))
            elif len(child):
                # Containers: P1para, P2para, ScheduleBody, UnorderedList, Para, Schedules, ...
                if child.text and child.text.strip():
                    add_text(clean(child.text))
                for grandchild in child:
                    visit(grandchild)
            else:
                add_text(self.inline(child))

        for child in el:
            visit(child)
        trailing.close()
        section.text = "\n".join(lines)

    def group(self, el, in_schedule: bool, add_child, add_text) -> None:
        title_el = next((c for c in el if local(c) == "Title"), None)
        title = self.inline(title_el) if title_el is not None else ""
        provisions = [c for c in el if local(c) in _PLEVELS]
        if len(provisions) == 1:
            for child in el:
                if child is provisions[0]:
                    add_child(self.convert(child, in_schedule, heading=title))
                elif child is not title_el and local(child):
                    add_text(self.inline(child))
            return
        holder = ParsedSection("crossheading", heading=title, eid=el.get("id") or "")
        for child in el:
            if child is title_el or not local(child):
                continue
            if local(child) in _PLEVELS:
                holder.children.append(self.convert(child, in_schedule))
            else:
                holder.children.append(ParsedSection("other", text=self.inline(child)))
        add_child(holder)

    def quoted(self, el) -> ParsedSection:
        inner = ParsedSection("quoted", eid=el.get("id") or "")
        self.fill(inner, el, in_schedule=False)
        return quoted_from(inner, "“", "”")


def parse_clml(data: bytes) -> ParsedDocument:
    root = parse_xml(data)
    top = root
    if local(root) == "Legislation":
        top = next((c for c in root if local(c) in ("Primary", "Secondary", "EURetained")), None)
        if top is None:
            raise ImporterError("<Legislation> has no <Primary> or <Secondary> element", where(root))
    elif local(root) not in ("Primary", "Secondary"):
        raise ImporterError(
            f"Expected a CLML document (<Legislation> or <Primary>), found <{local(root)}>", where(root)
        )
    body = next((c for c in top if local(c) == "Body"), None)
    if body is None:
        contents = next((c for c in (*top, *root) if local(c) == "Contents"), None)
        if contents is not None:
            raise ImporterError(
                "This is a table of contents from legislation.gov.uk (<Contents>), not the text itself:"
                " download the whole legislation's XML (its address without /contents) and upload that",
                where(contents),
            )
        raise ImporterError(f"<{local(top)}> has no <Body>", where(top))
    reader = _ClmlReader()
    title = long_title = ""
    sections: list[ParsedSection] = []
    left_out: list[tuple[str, str]] = []
    for part in top:
        name = local(part)
        if name in ("PrimaryPrelims", "SecondaryPrelims"):
            preamble = ParsedSection("preamble", eid="preamble")
            lines = []
            for child in part:
                cname = local(child)
                if cname == "Title":
                    title = reader.inline(child)
                elif cname == "LongTitle":
                    long_title = reader.inline(child)
                elif cname in ("DateOfEnactment", "PrimaryPreamble", "SecondaryPreamble"):
                    text = reader.inline(child)
                    if text:
                        lines.append(text)
            preamble.text = "\n".join(lines)
            if preamble.text:
                sections.append(preamble)
        elif name in ("Body", "Schedules"):
            holder = ParsedSection("other")
            reader.fill(holder, part, in_schedule=False)
            if holder.text:
                sections.append(ParsedSection("other", text=holder.text, eid=part.get("id") or ""))
            sections.extend(holder.children)
        elif name is not None:  # an appendix, explanatory notes: parts this importer does not read
            left_out.append((name, where(part)))
    if not any(s.kind != "preamble" for s in sections):
        raise ImporterError("The document body has no provisions", where(body))
    parsed = ParsedDocument(
        title=title or "Untitled document", source_format="clml", long_title=long_title, sections=sections
    )
    for name, location in left_out:
        parsed.skip(name, location, how="left out")
    return parsed
