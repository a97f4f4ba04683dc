"""Form-letter and organised-campaign detection across a consultation.

Streaming and chunked: texts are read `chunk_size` at a time and reduced to 64-value MinHash signatures
of their stemmed content-word sets (see minhash.py), so memory holds 256 bytes per response plus ids
(and the texts, unless the caller passes `fetch_texts` to load members' texts at the end).

Candidates come from LSH banding (32 bands of 2 rows): inside each band bucket every response is
compared with the bucket's first response and with its neighbour when the bucket is sorted by the next
band's key (so responses that agree on more bands sit side by side). A candidate pair is kept when
the signatures' estimated Jaccard similarity reaches `threshold`; kept pairs are joined into connected
components. Each component of at least `min_size` members becomes a Campaign around its medoid (the
member most similar to the others); members too far from the medoid are released, and the released
ones are tried once more as a campaign of their own (two campaigns bridged by one response split apart).

Synonym-swapped ("mad-lib") copies: word *sets* rather than k-word shingles, with light stemming, mean
that each swapped word costs one element of the set, so a letter with a fifth of its words replaced
still has an estimated Jaccard around 0.6 with the original; the threshold sits below that and above
what organic comments on the same subject reach. No response is ever dropped: every member keeps its
id, and its own added words are recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import islice

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from . import minhash
from .text import STOP_WORDS, stem, words
from .types import AnalysisCancelled, Campaign, CancelFn, ProgressFn, ResponseId

BANDS = 32
ROWS = minhash.NUM_PERM // BANDS


def _chunks(items: Iterable[tuple[ResponseId, str]], size: int):
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _band_keys(sigs: np.ndarray, band: int) -> np.ndarray:
    cols = sigs[:, band * ROWS : (band + 1) * ROWS].astype(np.uint64)
    return (cols[:, 0] << np.uint64(32)) | cols[:, 1]


def _candidate_pairs(
    sigs: np.ndarray, eligible: np.ndarray, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    idx = np.flatnonzero(eligible)
    sub = sigs[idx]
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    for band in range(BANDS):
        keys = _band_keys(sub, band)
        secondary = _band_keys(sub, (band + 1) % BANDS)
        order = np.lexsort((secondary, keys))
        k = keys[order]
        same_as_prev = np.concatenate(([False], k[1:] == k[:-1]))
        if not same_as_prev.any():
            continue
        group_start = np.maximum.accumulate(np.where(same_as_prev, 0, np.arange(len(k))))
        member = np.flatnonzero(same_as_prev)
        for other in (order[group_start[member]], order[member - 1]):
            a, b = order[member], other
            sim = (sub[a] == sub[b]).mean(axis=1)
            ok = sim >= threshold
            rows.append(idx[a[ok]])
            cols.append(idx[b[ok]])
    if not rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(rows), np.concatenate(cols)


def _medoid(members: np.ndarray, sigs: np.ndarray, rng: np.random.Generator) -> tuple[int, np.ndarray]:
    sample = members if len(members) <= 200 else rng.choice(members, 200, replace=False)
    sims = (sigs[sample][:, None, :] == sigs[sample][None, :, :]).mean(axis=2)
    centre = int(sample[int(np.argmax(sims.sum(axis=1)))])
    return centre, (sigs[members] == sigs[centre]).mean(axis=1)


def _added_words(text: str, canonical_stems: set[str]) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for w in words(text):
        s = stem(w)
        if w in STOP_WORDS or s in canonical_stems or s in seen:
            continue
        seen.add(s)
        out.append(w)
    return out


def detect_campaigns(
    items: Iterable[tuple[ResponseId, str]],
    *,
    threshold: float = 0.4,
    member_threshold: float | None = None,
    min_size: int = 3,
    min_tokens: int = 8,
    chunk_size: int = 20_000,
    fetch_texts: Callable[[Sequence[ResponseId]], dict[ResponseId, str]] | None = None,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
) -> list[Campaign]:
    """Group responses that are copies, edited copies or synonym-swapped copies of the same letter.

    `items` is any iterable of (id, text), read once in chunks. `threshold` is the estimated Jaccard
    similarity (of stemmed content-word sets) for two responses to be linked; members must reach
    `member_threshold` (default: threshold - 0.1) against the campaign's canonical text. Responses with
    fewer than `min_tokens` distinct content words are never grouped (short statements coincide by
    chance). Campaigns are returned largest first.
    """
    member_threshold = threshold - 0.1 if member_threshold is None else member_threshold
    ids: list[ResponseId] = []
    texts: list[str] | None = [] if fetch_texts is None else None
    sig_chunks: list[np.ndarray] = []
    size_chunks: list[np.ndarray] = []
    for n, chunk in enumerate(_chunks(items, chunk_size)):
        if should_cancel and should_cancel():
            raise AnalysisCancelled("campaign detection cancelled")
        hashes = [minhash.hashes_of(text) for _, text in chunk]
        sig_chunks.append(minhash.signatures(hashes))
        size_chunks.append(np.fromiter((len(h) for h in hashes), dtype=np.int32, count=len(hashes)))
        ids.extend(i for i, _ in chunk)
        if texts is not None:
            texts.extend(t for _, t in chunk)
        if progress:
            progress("signatures", min(60, 5 + n))
    if not ids:
        return []
    sigs = np.vstack(sig_chunks)
    sizes = np.concatenate(size_chunks)
    del sig_chunks, size_chunks
    if progress:
        progress("candidates", 65)
    a, b = _candidate_pairs(sigs, sizes >= min_tokens, threshold)
    n_docs = len(ids)
    graph = coo_matrix((np.ones(len(a), dtype=np.int8), (a, b)), shape=(n_docs, n_docs))
    _, labels = connected_components(graph, directed=False)
    counts = np.bincount(labels)
    groups = np.flatnonzero(counts >= min_size)
    if progress:
        progress("campaigns", 80)
    rng = np.random.default_rng(0)
    found: list[tuple[int, np.ndarray, np.ndarray]] = []
    order = np.argsort(labels, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(counts)))
    for g in groups:
        pending = order[bounds[g] : bounds[g + 1]]
        for _ in range(3):
            if len(pending) < min_size:
                break
            centre, sims = _medoid(pending, sigs, rng)
            keep = sims >= member_threshold
            if keep.sum() >= min_size:
                found.append((centre, pending[keep], sims[keep]))
            pending = pending[~keep]
    if should_cancel and should_cancel():
        raise AnalysisCancelled("campaign detection cancelled")
    if fetch_texts is not None:
        wanted = [ids[i] for _, members, _ in found for i in members]
        text_of = fetch_texts(wanted)
    else:
        text_of = None
    campaigns = []
    for centre, members, sims in found:

        def text(i: int) -> str:
            return texts[i] if texts is not None else text_of.get(ids[i], "")  # type: ignore[union-attr]

        canonical = text(centre)
        canonical_stems = {stem(w) for w in words(canonical)}
        campaigns.append(
            Campaign(
                canonical_id=ids[centre],
                canonical_text=canonical,
                member_ids=[ids[i] for i in members],
                added_words={ids[i]: _added_words(text(i), canonical_stems) for i in members},
                mean_similarity=round(float(sims.mean()), 4),
            )
        )
    campaigns.sort(key=lambda c: -c.size)
    if progress:
        progress("done", 100)
    return campaigns


def campaign_of(campaigns: Iterable[Campaign]) -> dict[ResponseId, Campaign]:
    """Map each member id to its campaign."""
    return {m: c for c in campaigns for m in c.member_ids}
