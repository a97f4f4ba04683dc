"""Comparing two versions of a document clause by clause, through their lineage keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from dhdigital.lib.textdiff import Piece, changed_words, word_diff

from .models import Document, Section
from .tree import clause_texts


@dataclass
class ClauseChange:
    lineage_key: str
    old: Section | None
    new: Section | None
    old_text: str = ""
    new_text: str = ""
    pieces: list[Piece] = field(default_factory=list)

    @property
    def added(self) -> bool:
        return self.old is None

    @property
    def removed(self) -> bool:
        return self.new is None

    @property
    def renumbered(self) -> bool:
        return bool(self.old and self.new and self.old.number != self.new.number)

    @property
    def changed(self) -> bool:
        return bool(self.old and self.new and self.old_text != self.new_text)

    @property
    def unchanged(self) -> bool:
        return not (self.added or self.removed or self.renumbered or self.changed)

    @property
    def words(self) -> tuple[int, int]:
        return changed_words(self.pieces)

    @property
    def label(self) -> str:
        return (self.new or self.old).label


@dataclass
class Comparison:
    old: Document
    new: Document
    clauses: list[ClauseChange]

    def count(self, what: str) -> int:
        return sum(1 for c in self.clauses if getattr(c, what))

    @property
    def summary(self) -> dict[str, int]:
        return {k: self.count(k) for k in ("added", "removed", "renumbered", "changed", "unchanged")}

    def for_lineage(self, key: str) -> ClauseChange | None:
        return next((c for c in self.clauses if c.lineage_key == key), None)


def _units_with_text(document: Document) -> dict[str, tuple[Section, str]]:
    """Each clause and schedule with the full text of its subtree (consultations.tree.clause_texts)."""
    return {key: (c.section, c.text) for key, c in clause_texts(document).items()}


def compare_documents(old: Document, new: Document) -> Comparison:
    before, after = _units_with_text(old), _units_with_text(new)
    changes: list[ClauseChange] = []
    for key, (section, text) in after.items():
        prev = before.get(key)
        change = ClauseChange(key, prev[0] if prev else None, section, prev[1] if prev else "", text)
        if prev and prev[1] != text:
            change.pieces = word_diff(prev[1], text)
        changes.append(change)
    for key, (section, text) in before.items():
        if key not in after:
            changes.append(ClauseChange(key, section, None, text, ""))
    return Comparison(old, new, changes)


def _subtree_text(section: Section, nodes: list[Section]) -> str:
    lines = []
    for s in nodes:
        own = s.pk == section.pk
        line = " ".join(x for x in ("" if own else s.number, s.heading, s.text) if x)
        if line:
            lines.append(line)
    return "\n".join(lines)


def clause_change(section: Section, subtree: list[Section]) -> ClauseChange | None:
    """How a clause differs from its predecessor in the previous version (None for a first version)."""
    previous_doc_id = section.document.previous_version_id
    if previous_doc_id is None:
        return None
    old = Section.objects.filter(document_id=previous_doc_id, lineage_key=section.lineage_key).first()
    new_text = _subtree_text(section, subtree)
    if old is None:
        return ClauseChange(section.lineage_key, None, section, "", new_text)
    old_text = _subtree_text(old, list(Section.objects.subtree(old).order_by("position")))
    change = ClauseChange(section.lineage_key, old, section, old_text, new_text)
    if old_text != new_text:
        change.pieces = word_diff(old_text, new_text)
    return change
