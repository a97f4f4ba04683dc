"""Extractive summaries with citations: every sentence carries the ids of the responses it came from.

Candidate sentences are those of the responses in scope (campaign copies skipped: a campaign speaks
once, through its canonical text). Identical sentences (same words) are merged and cite every
response that wrote them. Sentences are ranked by closeness to the scope's TF-IDF centroid times a
bonus for support, and picked with maximal marginal relevance so they do not repeat each other.
A minority view is the most central sentence of the side that is outnumbered (negative vs positive
VADER sentiment, at most 40% of responses), or of the smallest theme when themes are given.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence

import numpy as np

from .text import sentences, words
from .types import ResponseId, Summary, SummarySentence

MAX_SENTENCES_PER_RESPONSE = 6


def _candidates(items: Sequence[tuple[ResponseId, str]]) -> tuple[list[str], list[list[ResponseId]]]:
    texts: list[str] = []
    cites: list[list[ResponseId]] = []
    index: dict[str, int] = {}
    for rid, text in items:
        for sent in sentences(text)[:MAX_SENTENCES_PER_RESPONSE]:
            toks = words(sent)
            if not 4 <= len(toks) <= 40:
                continue
            key = " ".join(toks)
            if key in index:
                if rid not in cites[index[key]]:
                    cites[index[key]].append(rid)
                continue
            index[key] = len(texts)
            texts.append(sent.strip())
            cites.append([rid])
    return texts, cites


def _pick(texts: list[str], cites: list[list[ResponseId]], n: int) -> list[int]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return []
    try:
        mat = TfidfVectorizer(stop_words="english", sublinear_tf=True).fit_transform(texts)
    except ValueError:
        return list(range(min(n, len(texts))))
    weights = np.array([math.log1p(len(c)) + 1 for c in cites])
    centroid = np.asarray(mat.T @ weights).ravel()
    centroid /= np.linalg.norm(centroid) or 1.0
    relevance = np.asarray(mat @ centroid).ravel() * (1 + 0.3 * np.log1p([len(c) - 1 for c in cites]))
    chosen: list[int] = []
    for _ in range(min(n, len(texts))):
        if chosen:
            redundancy = np.asarray((mat @ mat[chosen].T).max(axis=1).todense()).ravel()
        else:
            redundancy = np.zeros(len(texts))
        score = 0.7 * relevance - 0.3 * redundancy
        score[chosen] = -np.inf
        best = int(np.argmax(score))
        if score[best] == -np.inf:
            break
        chosen.append(best)
    return chosen


def extractive_summary(
    items: Sequence[tuple[ResponseId, str]],
    *,
    scope: str,
    skip_ids: set[ResponseId] | frozenset = frozenset(),
    sentiments: Mapping[ResponseId, float] | None = None,
    groups: Mapping[ResponseId, str] | None = None,
    n_sentences: int = 3,
) -> Summary:
    """Summarise `items` (id, text). `skip_ids` are campaign copies to leave out; `sentiments` (VADER
    compound per id) or `groups` (theme key per id) let the summary name a minority view."""
    kept = [(rid, text) for rid, text in items if rid not in skip_ids]
    texts, cites = _candidates(kept)
    picked = _pick(texts, cites, n_sentences)
    sents = [SummarySentence(texts[i], list(cites[i])) for i in picked]
    minority = _minority(kept, sentiments, groups, used={texts[i] for i in picked})
    return Summary(scope=scope, method="extractive", sentences=sents, minority=minority)


def _minority(items, sentiments, groups, *, used: set[str]) -> SummarySentence | None:
    if len(items) < 5:
        return None
    side: dict[ResponseId, str] = {}
    if sentiments:
        for rid, _ in items:
            s = sentiments.get(rid, 0.0)
            if abs(s) >= 0.3:
                side[rid] = "positive" if s > 0 else "negative"
    counts: dict[str, int] = defaultdict(int)
    for v in side.values():
        counts[v] += 1
    label = None
    if len(counts) == 2 and min(counts.values()) / len(items) <= 0.4 and min(counts.values()) >= 1:
        label = min(counts, key=counts.get)
        members = [(rid, t) for rid, t in items if side.get(rid) == label]
        desc = "a more positive" if label == "positive" else "a more critical"
    elif groups:
        sizes: dict[str, int] = defaultdict(int)
        for rid, _ in items:
            if rid in groups:
                sizes[groups[rid]] += 1
        if len(sizes) < 2:
            return None
        label = min(sizes, key=sizes.get)
        members = [(rid, t) for rid, t in items if groups.get(rid) == label]
        desc = "a less common"
    else:
        return None
    texts, cites = _candidates(members)
    for i in _pick(texts, cites, 3):
        if texts[i] not in used:
            n = len({r for r, _ in members})
            return SummarySentence(
                f"A minority ({n} of {len(items)} responses) took {desc} view: \u201c{texts[i]}\u201d",
                list(cites[i]),
            )
    return None
