"""Typed inputs and outputs of the analysis engine (plain dataclasses, JSON-friendly)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import asdict, dataclass, field
from typing import Literal

Stance = Literal["agree", "disagree", "mixed", "unclear"]
ProgressFn = Callable[[str, int], None]
CancelFn = Callable[[], bool]
ResponseId = Hashable


class AnalysisCancelled(Exception):
    """Raised inside a run when `should_cancel()` returns True; nothing partial is returned."""


@dataclass(frozen=True)
class Enrichment:
    language: str  # ISO 639-1 code, "und" when the text is too short to tell
    language_confidence: float
    keywords: list[str]
    sentiment: float  # VADER compound score, -1..1
    stance: Stance
    evidence_rich: bool
    evidence_score: float  # 0..1, probability that the text carries facts, data or experience
    spam_score: float  # 0..1
    toxicity_score: float  # 0..1
    signature: list[int]  # MinHash of stemmed word set (see minhash.py); minhash.to_bytes for storage
    link_count: int
    stance_logit: float | None = None  # the learned stance model's logit of agree; None: rule-based

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Campaign:
    canonical_id: ResponseId
    canonical_text: str
    member_ids: list[ResponseId]
    added_words: dict[ResponseId, list[str]]  # each member's own words beyond the canonical text
    mean_similarity: float

    @property
    def size(self) -> int:
        return len(self.member_ids)


@dataclass(frozen=True)
class Unit:
    """One response to analyse: a comment on a clause, or an answer to a question."""

    id: ResponseId
    text: str
    scope: str = "consultation"  # e.g. "clause:sec_3" or "question:12"


@dataclass
class Theme:
    key: str  # stable within a run: "<scope>#<n>"
    scope: str
    label: str
    description: str
    keywords: list[str]
    quotes: list[tuple[ResponseId, str]]  # representative quotes with the response they come from
    size: int
    source: str = "machine"


@dataclass(frozen=True)
class Assignment:
    response_id: ResponseId
    theme_key: str
    confidence: float  # 0..1


@dataclass(frozen=True)
class SummarySentence:
    text: str
    citations: list[ResponseId]  # never empty: every sentence names the responses it came from


@dataclass
class Summary:
    scope: str  # a unit scope or a theme key
    method: str  # "extractive" or "abstractive"
    sentences: list[SummarySentence]
    minority: SummarySentence | None = None

    @property
    def text(self) -> str:
        body = " ".join(s.text for s in self.sentences)
        return body + (f" {self.minority.text}" if self.minority else "")


@dataclass
class AnalysisResult:
    engine: str
    themes: list[Theme]
    assignments: list[Assignment]
    summaries: list[Summary]
    campaigns: list[Campaign]
    timings: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def themes_for(self, scope: str) -> list[Theme]:
        return [t for t in self.themes if t.scope == scope]

    def assignments_for(self, response_id: ResponseId) -> list[Assignment]:
        return [a for a in self.assignments if a.response_id == response_id]
