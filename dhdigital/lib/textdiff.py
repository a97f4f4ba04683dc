"""Word-level differences between two texts, for showing what changed in a clause between versions."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\s+|[^\s]+")


@dataclass(frozen=True)
class Piece:
    op: str  # "equal", "insert" or "delete"
    text: str


def tokens(text: str) -> list[str]:
    """Words and the whitespace between them, so joining the tokens gives the text back."""
    return _TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> list[Piece]:
    """The new text as a sequence of kept, inserted and deleted runs of words."""
    a, b = tokens(old), tokens(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    pieces: list[Piece] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            pieces.append(Piece("equal", "".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            pieces.append(Piece("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            pieces.append(Piece("insert", "".join(b[j1:j2])))
    return [p for p in pieces if p.text]


def changed_words(pieces: list[Piece]) -> tuple[int, int]:
    """How many words were inserted and deleted."""
    ins = sum(len(p.text.split()) for p in pieces if p.op == "insert")
    dele = sum(len(p.text.split()) for p in pieces if p.op == "delete")
    return ins, dele
