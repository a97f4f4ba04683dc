"""Build a section tree from a flat run of headings and paragraphs (shared by Markdown and Word).

Headings are classified by their words, not their level:
- "Part 2 Title" / "PART 2: Title" -> part;  "Chapter 1 Title" -> chapter
- "Schedule 1 Title" / "SCHEDULE" -> schedule
- "12 Title", "12. Title", "Clause 12: Title", "Section 12 - Title" -> clause (a paragraph inside a schedule)
- any other heading -> crossheading (the first level-1 heading before any section is the title)
Paragraphs are classified by their opening number:
- "(1) text" -> subsection (a sub-paragraph inside a schedule)
- "(a) text" -> paragraph;  "(i) text" -> subparagraph (roman numerals, unless the letter
  follows on from the previous paragraph's letter, as (i) does after (h))
- quoted blocks (Markdown ``>`` lines, Word "Quote" style) become ``quoted`` sections: the words an
  amendment inserts, never numbered structure of this document
- anything else is text of the innermost open section; text after a section's children becomes an
  `other` section so reading order is kept. Text before the first heading is the long title (first
  paragraph) and the preamble (the rest).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .tree import ImporterError, ParsedSection

_SEP = r"(?:\s*[.:—–-]\s*|\s+|$)"
_PART = re.compile(rf"^part\s+([0-9]+[A-Z]*|[IVXLC]+)\b{_SEP}(.*)$", re.I)
_CHAPTER = re.compile(rf"^chapter\s+([0-9]+[A-Z]*|[IVXLC]+)\b{_SEP}(.*)$", re.I)
_SCHEDULE = re.compile(rf"^schedule(?:\s+([0-9]+[A-Z]*))?\b{_SEP}(.*)$", re.I)
_CLAUSE = re.compile(rf"^(?:(?:clause|section|sec\.)\s*)?([0-9]+[A-Z]*)\b\.?{_SEP}(.*)$", re.I)
_ITEM = re.compile(r"^(?:[-*+]\s+)?\(([0-9]+[A-Z]*|[a-z]{1,2}|[ivxlc]+)\)\s*(.*)$", re.S)
_ROMAN = re.compile(r"^(?=[ivxlc]+$)c{0,3}(xc|xl|l?x{0,3})(ix|iv|v?i{0,3})$")

_GROUP_RANK = {"schedule": 0, "part": 1, "chapter": 2, "crossheading": 3, "clause": 4, "paragraph": 4}


@dataclass
class Block:
    kind: str  # "heading", "text" or "quoted"
    text: str
    level: int = 0  # heading level (0 for a title)
    location: str = ""


def classify_heading(text: str, in_schedule: bool) -> tuple[str, str, str]:
    """(kind, number, heading) for a heading's text."""
    for pattern, kind in ((_PART, "part"), (_CHAPTER, "chapter"), (_SCHEDULE, "schedule")):
        match = pattern.match(text)
        if match:
            return kind, (match.group(1) or ""), match.group(2).strip()
    match = _CLAUSE.match(text)
    if match:
        return ("paragraph" if in_schedule else "clause"), match.group(1), match.group(2).strip()
    return "crossheading", "", text.strip()


def _item_level(token: str, previous_letter: str | None) -> int:
    if token[0].isdigit():
        return 1
    if _ROMAN.match(token) and not (
        previous_letter and len(token) == 1 and ord(token) == ord(previous_letter[-1]) + 1
    ):
        return 3
    return 2


class OutlineBuilder:
    def __init__(self) -> None:
        self.title = ""
        self.long_title = ""
        self.preamble: list[str] = []
        self.sections: list[ParsedSection] = []
        self.groups: list[tuple[int, ParsedSection]] = []  # open headed sections, outermost first
        self.items: list[tuple[int, ParsedSection]] = []  # open numbered paragraphs
        self.trailing: ParsedSection | None = None
        # Lines of text per section, joined once in finish(): appending to a growing string copied it
        # again for every paragraph, quadratic in a long run of text.
        self._lines: dict[int, list[str]] = {}
        self._written: list[ParsedSection] = []

    @property
    def in_schedule(self) -> bool:
        return any(node.kind == "schedule" for _, node in self.groups)

    def add(self, block: Block) -> None:
        text = block.text.strip()
        if not text:
            return
        if block.kind == "heading":
            self.add_heading(text, block)
        elif block.kind == "quoted":
            self.add_quoted(text, block)
        else:
            self.add_text(text, block)

    def add_heading(self, text: str, block: Block) -> None:
        kind, number, heading = classify_heading(text, self.in_schedule)
        if kind == "crossheading" and block.level <= 1 and not self.title and not self.sections:
            self.title = heading
            return
        rank = _GROUP_RANK[kind]
        while (
            self.groups
            and self.groups[-1][0] >= rank
            and not (kind != "schedule" and self.groups[-1][1].kind == "schedule" and rank > 0)
        ):
            self.groups.pop()
        node = ParsedSection(kind, number=number, heading=heading)
        self._attach(node, self.groups[-1][1] if self.groups else None)
        self.groups.append((rank, node))
        self.items = []
        self.trailing = None

    def add_text(self, text: str, block: Block) -> None:
        match = _ITEM.match(text)
        if match:
            token, rest = match.groups()
            if not self.groups:
                raise ImporterError(
                    f"Numbered text ({token}) comes before any heading: put a clause heading such as"
                    " '## 1 Title' above it",
                    block.location,
                )
            previous = next((n.number.strip("()") for lvl, n in reversed(self.items) if lvl == 2), None)
            level = _item_level(token, previous)
            schedule = self.in_schedule and not any(n.kind == "clause" for _, n in self.groups)
            kind = {1: "subparagraph" if schedule else "subsection", 2: "paragraph", 3: "subparagraph"}[level]
            while self.items and self.items[-1][0] >= level:
                self.items.pop()
            parent = self.items[-1][1] if self.items else self.groups[-1][1]
            node = ParsedSection(kind, number=f"({token})", text=rest.strip())
            parent.children.append(node)
            self.items.append((level, node))
            self.trailing = None
            return
        if not self.groups:
            if not self.long_title and not self.preamble:
                self.long_title = text
            else:
                self.preamble.append(text)
            return
        node = self.items[-1][1] if self.items else self.groups[-1][1]
        if not node.children:
            self._write(node, text)
        elif self.trailing is not None and node.children[-1] is self.trailing:
            self._write(self.trailing, text)
        else:
            self.trailing = ParsedSection("other")
            node.children.append(self.trailing)
            self._write(self.trailing, text)

    def _write(self, node: ParsedSection, text: str) -> None:
        lines = self._lines.get(id(node))
        if lines is None:
            lines = self._lines[id(node)] = [node.text] if node.text else []
            self._written.append(node)
        lines.append(text)

    def add_quoted(self, text: str, block: Block) -> None:
        """Quoted text (an amendment's inserted words) is never numbered structure of this document."""
        if not self.groups:
            raise ImporterError("Quoted text comes before any heading", block.location)
        node = self.items[-1][1] if self.items else self.groups[-1][1]
        node.children.append(ParsedSection("quoted", text=text))
        self.trailing = None

    def _attach(self, node: ParsedSection, parent: ParsedSection | None) -> None:
        if parent is None:
            self.sections.append(node)
        else:
            parent.children.append(node)

    def finish(self, empty_location: str) -> list[ParsedSection]:
        for node in self._written:
            node.text = "\n".join(self._lines[id(node)])
        sections = list(self.sections)
        if self.preamble:
            sections.insert(0, ParsedSection("preamble", text="\n".join(self.preamble)))
        if not self.sections:
            raise ImporterError(
                "No sections found: the document needs headings such as '## 1 Title' or 'Part 1 Title'",
                empty_location,
            )
        return sections
