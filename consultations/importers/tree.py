"""Plain data produced by every importer: a document and its tree of sections (no Django here)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

KINDS = (
    "preamble",
    "part",
    "chapter",
    "crossheading",
    "clause",
    "subsection",
    "paragraph",
    "subparagraph",
    "schedule",
    "amendment",
    "quoted",
    "other",
)
# One level of a quoted structure's outline, kept in its text as leading spaces (see ParsedSection.lines).
INDENT = "  "
COUNTED_KINDS = (
    "part",
    "chapter",
    "crossheading",
    "clause",
    "subsection",
    "paragraph",
    "schedule",
    "amendment",
)
# What the public comments on: a document with none of these has nothing to read clause by clause.
UNIT_KINDS = ("clause", "schedule", "amendment")


class ImporterError(Exception):
    """A document could not be imported. `location` says where: a line, an element path or eId,
    or a paragraph index, so the person uploading can find the problem."""

    def __init__(self, message: str, location: str = "") -> None:
        self.message = message
        self.location = location
        super().__init__(f"{message} ({location})" if location else message)

    def for_people(self) -> str:
        """The message for the person uploading: where it went wrong when that helps them find it
        (a line, an element, a paragraph), then that nothing was saved."""
        where = self.location if self.location not in ("", "file", "upload", "format") else ""
        text = self.message.rstrip(".")
        return f"{text} ({where}). Nothing was imported." if where else f"{text}. Nothing was imported."


@dataclass
class ParsedSection:
    kind: str
    number: str = ""
    heading: str = ""
    text: str = ""
    eid: str = ""
    # A persistent id that survives renumbering between versions (UK Lawmaker's @GUID); preferred over
    # the eId, which is built from the printed numbers, as the lineage key.
    guid: str = ""
    # For an amendment: where it applies in the amended bill (a section's identifier, or "end").
    amends: str = ""
    children: list[ParsedSection] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown section kind {self.kind!r}")

    def walk(self) -> Iterator[ParsedSection]:
        """This section and all its descendants, in document order."""
        yield self
        for child in self.children:
            yield from child.walk()

    def lines(self, depth: int = 0) -> list[str]:
        """The subtree as plain text, one line per block: "Part 1 Heading", "(a) text", ... Used to
        keep a quoted amendment's provisions as the text of one `quoted` section. The outline is kept
        as plain-text indentation (INDENT per level): a headed provision's text and children sit one
        level below its heading line, a numbered provision's children one level below its number."""
        label = self.number
        if self.kind in ("part", "chapter", "schedule") and label:
            label = f"{self.kind.capitalize()} {label}"
        head = " ".join(x for x in (label, self.heading) if x)
        pad = INDENT * depth
        text_lines = [line for line in self.text.splitlines() if line.strip()] if self.text else []
        if head and text_lines and not self.heading:
            lines = [f"{pad}{head} {text_lines[0]}", *(pad + line for line in text_lines[1:])]
        elif head:
            lines = [pad + head, *(pad + INDENT + line for line in text_lines)]
        else:
            lines = [pad + line for line in text_lines]
        for child in self.children:
            lines.extend(child.lines(depth + 1 if head else depth))
        return lines


class TrailingText:
    """Text that comes after a section's children: one `other` child, kept in reading order. Its lines
    are collected and joined once, when the next child arrives or the section ends (`close`), so a
    provision followed by thousands of paragraphs costs time linear in its text; appending to the
    growing string instead copied all of it again for every paragraph."""

    def __init__(self, section: ParsedSection) -> None:
        self.section = section
        self.node: ParsedSection | None = None
        self.lines: list[str] = []

    def add(self, text: str, eid: str = "") -> None:
        if self.node is None:
            self.node = ParsedSection("other", eid=eid)
            self.section.children.append(self.node)
            self.lines = []
        self.lines.append(text)

    def close(self) -> None:
        if self.node is not None:
            self.node.text = "\n".join(self.lines)
            self.node = None


@dataclass
class ParsedDocument:
    title: str
    source_format: str
    long_title: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    # Elements whose structure the importer did not understand and read as plain text (or left out),
    # by element name ("<component>"), each with the places it occurs: shown to the publisher, who
    # confirms before such a document is saved.
    skipped: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    # What the document amends, for an amendment document: the amended bill's citation and identifier
    # prefix ("H.R. 1865", "/us/bill/116/hr/1865"), used to link each amendment to the section it amends.
    amends: str = ""
    amends_identifier: str = ""

    def skip(self, element: str, location: str, how: str = "read as plain text") -> None:
        self.skipped.setdefault((element, how), []).append(location)

    def skipped_lines(self, most: int = 5) -> list[str]:
        """One line per skipped element: "2 <component> elements, read as plain text (line 40; line 90)"."""
        out = []
        for (element, how), places in self.skipped.items():
            shown = "; ".join(places[:most]) + ("; ..." if len(places) > most else "")
            plural = "element" if len(places) == 1 else "elements"
            out.append(f"{len(places)} <{element}> {plural}, {how} ({shown})")
        return out

    def skipped_elements(self) -> str:
        """ "2 <component> elements and 1 <attachments> element" (for messages)."""
        counts: dict[str, int] = {}
        for (element, _how), places in self.skipped.items():
            counts[element] = counts.get(element, 0) + len(places)
        parts = [f"{n} <{e}> element{'s' if n != 1 else ''}" for e, n in counts.items()]
        return " and ".join([", ".join(parts[:-1]), parts[-1]] if len(parts) > 1 else parts)

    def has_units(self) -> bool:
        return any(node.kind in UNIT_KINDS for node in self.walk())

    def walk(self) -> Iterator[ParsedSection]:
        for section in self.sections:
            yield from section.walk()

    def walk_with_context(self) -> Iterator[tuple[ParsedSection, tuple[ParsedSection, ...]]]:
        """Each section with its ancestors (outermost first)."""
        stack: list[tuple[ParsedSection, tuple[ParsedSection, ...]]] = [
            (s, ()) for s in reversed(self.sections)
        ]
        while stack:
            node, ancestors = stack.pop()
            yield node, ancestors
            stack.extend((c, (*ancestors, node)) for c in reversed(node.children))

    def counts(self) -> dict[str, int]:
        """How many of each counted kind. A clause counts only when it is a provision of the bill's
        own body: quoted provisions are never clauses, and nothing inside a schedule is a clause."""
        counts = dict.fromkeys(COUNTED_KINDS, 0)
        for node, ancestors in self.walk_with_context():
            if node.kind not in counts:
                continue
            if node.kind == "clause" and any(a.kind in ("schedule", "quoted") for a in ancestors):
                continue
            counts[node.kind] += 1
        return counts
