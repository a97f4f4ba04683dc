"""Officials in the loop: a few-shot tagger trained from confirmed examples, and the agreement figure.

`train_tagger` fits one head per theme (one-vs-rest logistic regression on the engine's vectors), so a
response can carry several themes, or none:
* targets are multi-label: a response confirmed for two themes is a positive example of both, and every
  other response an official checked is a negative example of the themes it was not confirmed for
  (and of any theme whose tag was rejected on it);
* each theme's label and description is one more positive example of that theme (weight 5) and a
  negative of the others;
* thresholds are chosen by cross-validation on the checked responses (out-of-fold probabilities, the
  threshold with the best F1): per theme, moved `shrink` of the way toward the one best over all themes
  pooled. The default (1.0: the pooled threshold) measured best on the ArgKP train topics: with five
  examples a theme's own threshold is noisy;
* decoding keeps every theme over its threshold and within `relative` (0.9) of the response's best
  probability, and the top theme when it reaches `keep_top` (0.4): "none of these" stays possible.
The defaults were chosen on the ArgKP train topics only (docs/analysis.md).
There is no self-training: pseudo-labels from the first model lowered F1 on every draw measured
(they label nearly every response with its one top theme). `zero_shot_tags` matches responses to theme
texts by cosine similarity before anything is confirmed; `logistic_baseline` is the plain baseline
that `evaluation` reports beside the tagger.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .engines import Engine, get_engine
from .types import ResponseId


@dataclass(frozen=True)
class Agreement:
    precision: float
    recall: float
    f1: float
    n: int  # responses an official checked


def agreement(
    machine: Iterable[tuple[ResponseId, str]],
    human: Iterable[tuple[ResponseId, str]],
    *,
    checked: Iterable[ResponseId] | None = None,
) -> Agreement:
    """Micro precision/recall/F1 of machine tags against officials' tags on the responses they checked
    (by default: every response with at least one human tag)."""
    human_set = set(human)
    checked_ids = set(checked) if checked is not None else {r for r, _ in human_set}
    machine_set = {(r, t) for r, t in machine if r in checked_ids}
    tp = len(machine_set & human_set)
    p = tp / len(machine_set) if machine_set else 0.0
    r = tp / len(human_set) if human_set else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Agreement(round(p, 4), round(r, 4), round(f1, 4), len(checked_ids))


THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)


@dataclass
class Tagger:
    themes: list[str]
    heads: list[object]
    thresholds: np.ndarray  # one per theme
    keep_top: float
    relative: float = 0.0

    def scores(self, vectors: np.ndarray) -> np.ndarray:
        """n x themes: each head's probability that the response makes that theme's point."""
        return _scores(self.heads, vectors)

    def decide(self, probs: np.ndarray) -> np.ndarray:
        chosen = probs >= self.thresholds[None, :]
        if len(probs) and self.relative:
            chosen &= probs >= self.relative * probs.max(axis=1, keepdims=True)
        if len(probs):
            top = probs.argmax(axis=1)
            rows = np.arange(len(probs))
            chosen[rows, top] |= probs[rows, top] >= self.keep_top
        return chosen

    def tags(self, vectors: np.ndarray) -> list[list[tuple[str, float]]]:
        probs = self.scores(vectors)
        chosen = self.decide(probs)
        return [
            sorted(
                ((self.themes[c], round(float(row[c]), 4)) for c in np.flatnonzero(pick)), key=lambda x: -x[1]
            )
            for row, pick in zip(probs, chosen, strict=True)
        ]

    def uncertainty(self, vectors: np.ndarray) -> np.ndarray:
        """Per response, how close its least clear-cut theme is to that theme's threshold (0: a coin toss,
        larger: surer). The responses that teach the tagger the most have the smallest values."""
        probs = self.scores(vectors)
        return np.abs(probs - self.thresholds[None, :]).min(axis=1) if probs.size else np.zeros(len(vectors))


def _scores(heads: Sequence[object], vectors: np.ndarray) -> np.ndarray:
    out = np.zeros((len(vectors), len(heads)), dtype=np.float64)
    for c, head in enumerate(heads):
        if isinstance(head, float):
            out[:, c] = head
        else:
            out[:, c] = head.predict_proba(vectors)[:, 1]  # type: ignore[attr-defined]
    return out


def _fit_heads(
    x: np.ndarray,
    y: np.ndarray,
    extra: list[np.ndarray | None],
    *,
    c_reg: float,
    text_weight: float = 1.0,
    known: np.ndarray | None = None,
) -> list[object]:
    """One logistic regression per column of `y` (n x themes, 0/1), on the rows where `known[:, c]` (all
    by default: a row rejected for one theme only says nothing of the others); `extra[c]` is theme c's
    text vector, a positive of theme c and a negative of the others. A one-class theme is a constant."""
    from sklearn.linear_model import LogisticRegression

    heads: list[object] = []
    texts = [(c, v) for c, v in enumerate(extra) if v is not None]
    for c in range(y.shape[1]):
        rows = known[:, c] if known is not None else slice(None)
        xs = [x[rows]] + [v[None, :] for _, v in texts]
        ys = np.concatenate([y[rows, c], [1 if k == c else 0 for k, _ in texts]])
        if ys.min() == ys.max():
            heads.append(float(ys[0]))
            continue
        weights = np.concatenate([np.ones(len(xs[0])), np.full(len(texts), text_weight)])
        heads.append(
            LogisticRegression(C=c_reg, max_iter=1000, class_weight="balanced").fit(
                np.vstack(xs), ys, sample_weight=weights
            )
        )
    return heads


def _best_threshold(scores: np.ndarray, truth: np.ndarray) -> float | None:
    if not truth.any():
        return None
    best, best_f1 = 0.5, -1.0
    for t in THRESHOLD_GRID:
        pred = scores >= t
        tp = float((pred & truth).sum())
        f1 = 2 * tp / (pred.sum() + truth.sum()) if pred.sum() + truth.sum() else 0.0
        if f1 > best_f1 + 1e-9 or (abs(f1 - best_f1) <= 1e-9 and abs(t - 0.5) < abs(best - 0.5)):
            best, best_f1 = float(t), f1
    return best


def cv_thresholds(
    x: np.ndarray,
    y: np.ndarray,
    extra: list[np.ndarray | None],
    *,
    c_reg: float,
    folds: int = 5,
    shrink: float = 0.5,
    text_weight: float = 1.0,
    known: np.ndarray | None = None,
) -> np.ndarray:
    """Per theme, the threshold with the best F1 on out-of-fold probabilities of the checked responses,
    moved `shrink` of the way toward the threshold best over all themes pooled."""
    from sklearn.model_selection import KFold

    n, t = y.shape
    default = np.full(t, 0.5)
    if n < 4:
        return default
    known = np.ones((n, t), dtype=bool) if known is None else known
    oof = np.zeros((n, t))
    for train, test in KFold(n_splits=min(folds, n), shuffle=True, random_state=0).split(x):
        heads = _fit_heads(
            x[train], y[train], extra, c_reg=c_reg, text_weight=text_weight, known=known[train]
        )
        oof[test] = _scores(heads, x[test])
    truth = y.astype(bool)
    pooled = _best_threshold(oof[known], truth[known])
    if pooled is None:
        return default
    out = np.full(t, pooled)
    for c in range(t):
        own = _best_threshold(oof[known[:, c], c], truth[known[:, c], c])
        if own is not None:
            out[c] = shrink * pooled + (1 - shrink) * own
    return out


def train_tagger(
    examples: Mapping[str, Sequence[int]],
    vectors: np.ndarray,
    *,
    theme_vectors: Mapping[str, np.ndarray] | None = None,
    checked: Iterable[int] | None = None,
    rejected: Mapping[str, Sequence[int]] | None = None,
    c_reg: float = 16.0,
    shrink: float = 1.0,
    keep_top: float = 0.4,
    relative: float = 0.9,
    text_weight: float = 5.0,
) -> Tagger:
    """`examples` maps a theme key to the row indexes of `vectors` that officials confirmed for it (a row
    may be confirmed for several themes). `checked` rows (default: every confirmed row) that were not
    confirmed for a theme are its negative examples; a `rejected[theme]` row is a negative of that theme
    (and of no other, unless it is checked too)."""
    with_examples = sorted(k for k, v in examples.items() if v)
    if len(with_examples) < 2:
        raise ValueError("the tagger needs confirmed examples for at least two themes")
    themes = with_examples
    col = {k: c for c, k in enumerate(themes)}
    rows = sorted({int(i) for v in examples.values() for i in v} | {int(i) for i in (checked or ())})
    rows += sorted({int(i) for v in (rejected or {}).values() for i in v} - set(rows))
    pos = {r: p for p, r in enumerate(rows)}
    y = np.zeros((len(rows), len(themes)), dtype=np.int8)
    for key, idx in examples.items():
        for i in idx if key in col else ():
            y[pos[int(i)], col[key]] = 1
    # which (row, theme) pairs are known: every theme of a confirmed or checked row, the rejected theme
    # of a row that was only rejected
    known = np.zeros_like(y, dtype=bool)
    full = {int(i) for v in examples.values() for i in v} | {int(i) for i in (checked or ())}
    known[[pos[r] for r in full]] = True
    for key, idx in (rejected or {}).items():
        for i in idx if key in col else ():
            known[pos[int(i)], col[key]] = True
    x = vectors[rows]
    extra = [(theme_vectors or {}).get(k) for k in themes]
    thresholds = cv_thresholds(x, y, extra, c_reg=c_reg, shrink=shrink, text_weight=text_weight, known=known)
    heads = _fit_heads(x, y, extra, c_reg=c_reg, text_weight=text_weight, known=known)
    return Tagger(themes, heads, thresholds, keep_top, relative)


def zero_shot_tags(
    vectors: np.ndarray,
    theme_vectors: Mapping[str, np.ndarray],
    *,
    threshold: float = 0.5,
    keep_top: float = 0.35,
) -> list[list[tuple[str, float]]]:
    """Before anything is confirmed: every theme whose text has cosine similarity >= `threshold` with the
    response, and the most similar theme when it reaches `keep_top` (unit-length vectors expected)."""
    keys = sorted(theme_vectors)
    if not keys or not len(vectors):
        return [[] for _ in range(len(vectors))]
    sims = vectors @ np.vstack([theme_vectors[k] for k in keys]).T
    out = []
    for row in sims:
        pick = set(np.flatnonzero(row >= threshold).tolist())
        top = int(row.argmax())
        if row[top] >= keep_top:
            pick.add(top)
        out.append(sorted(((keys[c], round(float(row[c]), 4)) for c in pick), key=lambda x: -x[1]))
    return out


def logistic_baseline(
    examples: Mapping[str, Sequence[int]], vectors: np.ndarray, targets: np.ndarray
) -> list[list[str]]:
    """The baseline a practitioner writes first: per theme, a class-balanced logistic regression on the
    confirmed responses only (the other confirmed responses are its negatives), tag when p >= 0.5."""
    themes = sorted(k for k, v in examples.items() if v)
    rows = sorted({int(i) for v in examples.values() for i in v})
    pos = {r: p for p, r in enumerate(rows)}
    y = np.zeros((len(rows), len(themes)), dtype=np.int8)
    for c, key in enumerate(themes):
        for i in examples[key]:
            y[pos[int(i)], c] = 1
    heads = _fit_heads(vectors[rows], y, [None] * len(themes), c_reg=1.0)
    chosen = _scores(heads, targets) >= 0.5
    return [[themes[c] for c in np.flatnonzero(pick)] for pick in chosen]


def tag_responses(
    texts: Sequence[str],
    examples: Mapping[str, Sequence[int]],
    *,
    engine: str | Engine = "basic",
    theme_texts: Mapping[str, str] | None = None,
    checked: Iterable[int] | None = None,
    rejected: Mapping[str, Sequence[int]] | None = None,
) -> list[list[tuple[str, float]]]:
    """Convenience: vectorise `texts` (and theme descriptions), train from `examples` (the `checked` rows
    are negatives of the themes they were not confirmed for, `rejected[theme]` rows of that theme), tag
    every text."""
    eng = get_engine(engine) if isinstance(engine, str) else engine
    keys = sorted(theme_texts or {})
    all_vecs = eng.vectorise(list(texts) + [theme_texts[k] for k in keys])  # type: ignore[index]
    vectors, extra = all_vecs[: len(texts)], all_vecs[len(texts) :]
    tagger = train_tagger(
        examples,
        vectors,
        theme_vectors=dict(zip(keys, extra, strict=True)),
        checked=checked,
        rejected=rejected,
    )
    return tagger.tags(vectors)
