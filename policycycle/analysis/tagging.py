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
Given each response's stance toward the proposal (`stances`), a theme takes the side of its confirmed
responses and the pair scorer weighs whether a response argues it (PAIR_MODEL_STANCE).
With the tuned matcher's vectors, a second stage (NEIGHBOUR_MODEL) then reads what the pair scorer says
of each response's nearest neighbours among the consultation's responses, and officials' answers where
they gave them.
The defaults were chosen on the ArgKP train topics only (docs/analysis.md).
There is no self-training: pseudo-labels from the first model lowered F1 on every draw measured
(they label nearly every response with its one top theme). `zero_shot_tags` matches responses to theme
texts by cosine similarity before anything is confirmed; `logistic_baseline` is the plain baseline
that `evaluation` reports beside the tagger.
"""

from __future__ import annotations

import warnings
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


# The pair scorer: whether a response makes a theme's point, judged from features of the (response, theme)
# pair that mean the same on any consultation (PAIR_FEATURES), by a logistic regression learnt across
# the 24 ArgKP train topics on simulated draws of confirmed examples (`evaluation.fit_pair_model`, which
# prints these numbers; see docs/analysis.md). It is used when every theme has a text vector.
PAIR_FEATURES = (
    "head probability",
    "head log-odds",
    "cosine to the theme's text",
    "highest cosine to the theme's confirmed examples",
    "mean cosine to the theme's confirmed examples",
    "highest cosine to the other checked examples",
    "highest cosine to the theme's examples minus to the others'",
    "head probability minus the best head probability of the response",
    "cosine to the theme's text minus the response's best",
    "highest cosine to the theme's examples minus the response's best",
    "rank of the theme by head probability (0 = best, at most 4)",
    "rank of the theme by cosine to its text (at most 4)",
    "rank of the theme by cosine to its examples (at most 4)",
    "head probability minus the head's threshold",
    "head probability as a z-score over the consultation's responses",
    "cosine to the theme's text as a z-score over the consultation's responses",
    "highest cosine to the theme's examples as a z-score over the consultation's responses",
)
PAIR_MODEL: dict[str, object] = {
    # evaluation.fit_pair_model() on the packaged MiniLM's vectors of the 24 ArgKP train topics
    "coef": (
        3.292561,
        0.830014,
        1.430329,
        -0.510985,
        -1.68265,
        -1.325416,
        1.137678,
        2.451455,
        -1.159839,
        -3.042517,
        -0.055421,
        0.0072,
        -0.010751,
        0.680213,
        -0.962105,
        0.331508,
        0.193972,
    ),
    "intercept": -0.343526,
}
# The same scorer with the responses' stance toward the proposal (PAIR_FEATURES + STANCE_FEATURES), used
# when the tagger is given stances (`train_tagger(stances=...)`): in ArgKP every key point an argument
# makes argues the argument's own side. Fitted by `evaluation.fit_pair_model(stance_logits=...)` on the train
# topics with each topic's stance read by a stance model tuned on the other train topics and the
# consultation's head (`stance.adapt`) on the drawn examples, as the product reads it.
STANCE_FEATURES = (
    "stance match: the response's side against the theme's (1 same, 0 other, 0.5 unknown)",
    "head probability times the stance match",
    "head probability times the stance match, minus the response's best",
)
PAIR_MODEL_STANCE: dict[str, object] = {
    # evaluation.fit_pair_model(stance_logits=...) on the packaged MiniLM's vectors of the 24 ArgKP train
    # topics, each topic's stance read by a stance model tuned on the other train topics
    # (stance.cross_validate, 3 groups) with the consultation's head on each draw's examples; fitted with the
    # one-epoch stance recipe, and not refitted for the three- and four-epoch ones: refitted on sides read by
    # the three-epoch fold models it scored no better on held-out train topics (docs/analysis.md)
    "stance": True,
    "coef": (
        3.555479,
        0.815322,
        1.119188,
        -0.244866,
        -1.770162,
        -0.890641,
        1.008687,
        1.048237,
        -0.866185,
        -3.563241,
        -0.053578,
        -0.006974,
        -0.000528,
        0.826865,
        -1.015043,
        0.350318,
        0.124543,
        0.609192,
        -0.364677,
        1.481821,
    ),
    "intercept": -0.928,
    "threshold": 0.35,
    "keep_top": 0.25,
}
# chosen by leave-topics-out validation on the train topics (mean per-topic F1 at K = 5)
PAIR_THRESHOLD = 0.35
PAIR_CHUNK = 10_000
PAIR_KEEP_TOP = 0.25

# The second stage: what the pair scorer says of a response's nearest neighbours among the consultation's
# other responses (an official's answer where one checked it). A point that many similar responses make is
# more likely made by this one too; a response alone in its corner of the consultation is more likely to
# make none of the themes. Its scorer takes the pair scorer's features (with stance when it had them) and
# NEIGHBOUR_FEATURES, learnt like the pair scorer on the ArgKP train topics
# (`evaluation.fit_pair_model(neighbours=True)`, docs/analysis.md).
NEIGHBOURS = (5, 15)
NEIGHBOUR_FEATURES = (
    "the pair scorer's probability",
    "mean of the pair scorer's probability over the response's 5 nearest other responses",
    "highest pair scorer's probability among those 5",
    "mean of the pair scorer's probability over the response's 15 nearest other responses",
    "highest pair scorer's probability among those 15",
)
# the responses a response's neighbours are looked for among: every confirmed, checked or rejected one and
# an even sample of the rest, up to this many in all (every response of a consultation this size or less)
NEIGHBOUR_POOL = 5_000
# the most similar pool response, when at least this similar (relative to the response's own squared
# length), is the response itself: not its neighbour
# (an identical copy of it in the pool is one, as it is in the simulation)
SAME_RESPONSE = 1 - 1e-6
# evaluation.fit_pair_model(neighbours=True, vectorise=evaluation.fold_vectoriser()): each train topic's
# vectors from a matcher tuned without it (matcher.fold_matchers), as the shipped matcher reads a new
# consultation; the pair scorer's probabilities from the shipped PAIR_MODEL
NEIGHBOUR_MODEL: dict[str, object] = {
    "coef": (
        0.207419,
        0.789348,
        1.422121,
        -1.408122,
        -2.043354,
        -0.695582,
        -1.251357,
        2.389891,
        -1.486374,
        2.116146,
        -0.069304,
        0.022987,
        0.175281,
        0.813718,
        -0.40999,
        0.497686,
        0.247532,
        -1.772532,
        1.419148,
        0.103524,
        3.192156,
        0.664549,
    ),
    "intercept": -0.950648,
    "threshold": 0.35,
    "keep_top": 0.25,
}
# the same after the pair scorer with stance: its features (PAIR_FEATURES + STANCE_FEATURES) and the
# neighbours', fitted with each train topic's stance read as for PAIR_MODEL_STANCE
NEIGHBOUR_MODEL_STANCE: dict[str, object] = {
    "stance": True,
    "coef": (
        0.213371,
        0.802809,
        1.294028,
        -1.419266,
        -2.156583,
        -0.487877,
        -1.46363,
        1.221702,
        -1.497059,
        1.839493,
        -0.083686,
        0.004777,
        0.180146,
        0.920705,
        -0.47248,
        0.520274,
        0.216972,
        0.271923,
        0.018921,
        1.338412,
        -1.912794,
        1.515366,
        0.078633,
        3.08952,
        0.675587,
    ),
    "intercept": -0.961056,
    "threshold": 0.35,
    "keep_top": 0.25,
}


@dataclass
class Neighbours:
    """The second stage's pool: its responses' vectors and, per theme, the pair scorer's probability for
    each (or the officials' answer: 1 confirmed, 0 checked and not confirmed, or rejected), and its scorer."""

    vectors: np.ndarray  # pool x d
    probs: np.ndarray  # pool x themes
    coef: np.ndarray
    intercept: float


def neighbour_features(first: np.ndarray, vectors: np.ndarray, nb: Neighbours) -> np.ndarray:
    """n x themes x len(NEIGHBOUR_FEATURES): `first` (the pair scorer's probabilities for `vectors`), then
    the mean and highest of the pool's probabilities over each response's nearest 5 and 15 pool responses
    (fewer when the pool is smaller; the response itself is never its own neighbour, an identical copy is)."""
    n, t = first.shape
    out = np.zeros((n, t, len(NEIGHBOUR_FEATURES)))
    out[..., 0] = first
    most = min(max(NEIGHBOURS), len(nb.vectors))
    for start in range(0, n, 2_000):  # 2,000 x 5,000 similarities at a time
        part = slice(start, start + 2_000)
        sims = vectors[part] @ nb.vectors.T
        if sims.shape[1]:  # the response itself, when it is in the pool (one identical copy at most)
            rows, best = np.arange(len(sims)), sims.argmax(axis=1)
            own = sims[rows, best] >= SAME_RESPONSE * np.einsum("ij,ij->i", vectors[part], vectors[part])
            sims[rows[own], best[own]] = -np.inf
        if most < sims.shape[1]:
            idx = np.argpartition(-sims, most - 1, axis=1)[:, :most]
        else:
            idx = np.tile(np.arange(sims.shape[1]), (len(sims), 1))
        near_sims = np.take_along_axis(sims, idx, 1)
        by_sim = np.argsort(-near_sims, 1, kind="stable")
        order = np.take_along_axis(idx, by_sim, 1)
        valid = np.isfinite(np.take_along_axis(near_sims, by_sim, 1))  # excluded ones sort last
        near = np.where(valid[..., None], nb.probs[order], np.nan)  # rows x most x themes
        for j, k in enumerate(NEIGHBOURS):
            top = near[:, :k]
            has = valid[:, :k].any(axis=1)[:, None]
            with warnings.catch_warnings():  # a response with no neighbour: its own figure, below
                warnings.simplefilter("ignore", RuntimeWarning)
                mean, high = np.nanmean(top, axis=1), np.nanmax(top, axis=1)
            out[part, :, 1 + 2 * j] = np.where(has, mean, first[part])
            out[part, :, 2 + 2 * j] = np.where(has, high, first[part])
    return out


@dataclass
class PairContext:
    """What the pair scorer needs besides the heads: the themes' text vectors, the checked examples'
    vectors and which themes each was confirmed for, the heads' thresholds."""

    theme_vectors: np.ndarray  # themes x d
    example_vectors: np.ndarray  # checked examples x d
    confirmed: np.ndarray  # checked examples x themes, bool
    head_thresholds: np.ndarray
    coef: np.ndarray
    intercept: float
    column_mean: np.ndarray  # 3 x themes: head probability, cosine to the text, to the examples
    column_sd: np.ndarray
    keep_top: float = 0.4  # the heads' own decoding (heads_alone)
    relative: float = 0.9
    # per theme, its side (share of agree among its confirmed examples whose stance is known); None: the
    # scorer without stance
    theme_stance: np.ndarray | None = None
    # the second stage; None: the pair scorer decides
    neighbours: Neighbours | None = None
    # the decoding threshold's log-odds, taken off the deciding scorer's: a score of 0.5 sits on it
    shift: float = 0.0

    def first_stage(self, feats: np.ndarray) -> np.ndarray:
        """The pair scorer's probability from `pair_features` (not shifted: the second stage reads it)."""
        return 1.0 / (1.0 + np.exp(-(feats @ self.coef + self.intercept)))


def _rank(a: np.ndarray) -> np.ndarray:
    return np.minimum((-a).argsort(axis=1, kind="stable").argsort(axis=1, kind="stable"), 4)


def _similarities(head: np.ndarray, vectors: np.ndarray, ctx: PairContext):
    cos_text = vectors @ ctx.theme_vectors.T
    sims = vectors @ ctx.example_vectors.T
    n, t = head.shape
    best_ex, mean_ex, other = np.zeros((n, t)), np.zeros((n, t)), np.zeros((n, t))
    for c in range(t):
        mine = ctx.confirmed[:, c]
        if mine.any():
            best_ex[:, c] = sims[:, mine].max(axis=1)
            mean_ex[:, c] = sims[:, mine].mean(axis=1)
        if (~mine).any():
            other[:, c] = sims[:, ~mine].max(axis=1)
    return cos_text, best_ex, mean_ex, other


def column_stats(head: np.ndarray, vectors: np.ndarray, ctx: PairContext) -> tuple[np.ndarray, np.ndarray]:
    """Per theme, the mean and standard deviation over `vectors` (all the consultation's responses) of the
    head probability, the cosine to the theme's text and the highest cosine to its examples."""
    cos_text, best_ex, _, _ = _similarities(head, vectors, ctx)
    cols = np.stack([head, cos_text, best_ex])
    return cols.mean(axis=1), cols.std(axis=1) + 1e-6


def stance_match(stances: np.ndarray, theme_stance: np.ndarray) -> np.ndarray:
    """n x themes: P(the response argues the theme's side), from each response's probability of agree
    (NaN: unknown) and each theme's share of agree; 0.5 where either is unknown."""
    s = np.where(np.isnan(stances), 0.5, stances)
    t = np.where(np.isnan(theme_stance), 0.5, theme_stance)
    return s[:, None] * t[None, :] + (1 - s[:, None]) * (1 - t[None, :])


def pair_features(
    head: np.ndarray, vectors: np.ndarray, ctx: PairContext, stances: np.ndarray | None = None
) -> np.ndarray:
    """n x themes x len(PAIR_FEATURES) (+ len(STANCE_FEATURES) when the context has themes' sides): the
    features of every (response, theme) pair, in that order. The z-scores place a pair against the
    consultation's responses (`column_stats` at training time): no response is labelled by the machine
    for it, only the scale is the consultation's. `stances`: each response's probability of agree (NaN
    where unknown)."""
    cos_text, best_ex, mean_ex, other = _similarities(head, vectors, ctx)
    zs = [(a - ctx.column_mean[j]) / ctx.column_sd[j] for j, a in enumerate((head, cos_text, best_ex))]
    clipped = np.clip(head, 1e-4, 1 - 1e-4)

    def relative(a: np.ndarray) -> np.ndarray:
        return a - a.max(axis=1, keepdims=True)

    with_stance = []
    if ctx.theme_stance is not None:
        match = stance_match(stances if stances is not None else np.full(len(head), np.nan), ctx.theme_stance)
        with_stance = [match, head * match, relative(head * match)]
    return np.stack(
        [
            head,
            np.log(clipped) - np.log(1 - clipped),
            cos_text,
            best_ex,
            mean_ex,
            other,
            best_ex - other,
            relative(head),
            relative(cos_text),
            relative(best_ex),
            _rank(head),
            _rank(cos_text),
            _rank(best_ex),
            head - ctx.head_thresholds[None, :],
            *zs,
            *with_stance,
        ],
        axis=-1,
    )


@dataclass
class Tagger:
    themes: list[str]
    heads: list[object]
    thresholds: np.ndarray  # one per theme, on the scale of `scores`
    keep_top: float
    relative: float = 0.0
    pair: PairContext | None = None  # when set, `scores` are the pair scorer's, else the heads'

    def heads_alone(self) -> Tagger:
        """This tagger without its pair scorer: the heads, their thresholds and train_tagger's decoding."""
        if self.pair is None:
            return self
        return Tagger(
            self.themes, self.heads, self.pair.head_thresholds, self.pair.keep_top, self.pair.relative
        )

    def head_scores(self, vectors: np.ndarray) -> np.ndarray:
        """n x themes: each head's probability that the response makes that theme's point."""
        return _scores(self.heads, vectors)

    def scores(self, vectors: np.ndarray, stances: np.ndarray | None = None) -> np.ndarray:
        """n x themes: the probability that the response makes each theme's point (the pair scorer's
        when the themes have text vectors, else the per-consultation heads'). `stances`: each response's
        probability of agree, NaN where unknown (used when the tagger was trained with stances)."""
        head = self.head_scores(vectors)
        if self.pair is None or not len(vectors):
            return head
        out = np.empty_like(head)
        for start in range(0, len(vectors), PAIR_CHUNK):  # features of 10,000 responses at a time
            part = slice(start, start + PAIR_CHUNK)
            feats = self.features(vectors[part], None if stances is None else stances[part], head[part])
            ctx = self.pair
            coef, icpt = (
                (ctx.coef, ctx.intercept)
                if ctx.neighbours is None
                else (ctx.neighbours.coef, ctx.neighbours.intercept)
            )
            out[part] = 1.0 / (1.0 + np.exp(-(feats @ coef + icpt - ctx.shift)))
        return out

    def features(
        self, vectors: np.ndarray, stances: np.ndarray | None = None, head: np.ndarray | None = None
    ) -> np.ndarray:
        """The deciding scorer's features of every (response, theme) pair: `pair_features`, then with the
        second stage the pair scorer's probability and its neighbours' (`neighbour_features`)."""
        ctx = self.pair
        assert ctx is not None
        head = self.head_scores(vectors) if head is None else head
        feats = pair_features(head, vectors, ctx, stances)
        if ctx.neighbours is None:
            return feats
        return np.concatenate(
            [feats, neighbour_features(ctx.first_stage(feats), vectors, ctx.neighbours)], axis=-1
        )

    def decide(self, probs: np.ndarray) -> np.ndarray:
        chosen = probs >= self.thresholds[None, :]
        if len(probs) and self.relative:
            chosen &= probs >= self.relative * probs.max(axis=1, keepdims=True)
        if len(probs):
            top = probs.argmax(axis=1)
            rows = np.arange(len(probs))
            chosen[rows, top] |= probs[rows, top] >= self.keep_top
        return chosen

    def tags(self, vectors: np.ndarray, stances: np.ndarray | None = None) -> list[list[tuple[str, float]]]:
        probs = self.scores(vectors, stances)
        chosen = self.decide(probs)
        return [
            sorted(
                ((self.themes[c], round(float(row[c]), 4)) for c in np.flatnonzero(pick)), key=lambda x: -x[1]
            )
            for row, pick in zip(probs, chosen, strict=True)
        ]


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
    pair: bool = True,
    pair_model: Mapping[str, object] | None = None,
    stances: np.ndarray | None = None,
    neighbours: bool = False,
    neighbour_model: Mapping[str, object] | None = None,
) -> Tagger:
    """`examples` maps a theme key to the row indexes of `vectors` that officials confirmed for it (a row
    may be confirmed for several themes). `checked` rows (default: every confirmed row) that were not
    confirmed for a theme are its negative examples; a `rejected[theme]` row is a negative of that theme
    (and of no other, unless it is checked too).

    `stances`: each row's probability of agreeing with the proposal (1 agree, 0 disagree, NaN unknown).
    When given, and the confirmed examples of at least two themes have a known stance, each theme's side
    is the share of agree among its confirmed examples and the pair scorer with stance
    (PAIR_MODEL_STANCE) is used; pass the same rows' stances to `tags` / `scores`.

    `neighbours`: the second stage decides (NEIGHBOUR_MODEL, or NEIGHBOUR_MODEL_STANCE after the scorer
    with stance), its pool drawn from `vectors` (every answered row and an even sample of the rest,
    NEIGHBOUR_POOL); `neighbour_model` replaces the shipped coefficients (for fitting them). It was fitted
    on the tuned matcher's vectors: `neighbours_suit` says whether an engine's vectors are those."""
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
    checked_rows = [pos[r] for r in sorted(full)]
    theme_stance = None
    if stances is not None:
        sides = np.asarray(stances, dtype=float)[rows][checked_rows]
        theme_stance = np.array([_side(sides[y[checked_rows, c] == 1]) for c in range(len(themes))])
        if (~np.isnan(theme_stance)).sum() < 2:  # nothing to tell the themes' sides apart
            theme_stance = None
    model = PAIR_MODEL if pair_model is None else pair_model
    if pair_model is None and theme_stance is not None:
        model = PAIR_MODEL_STANCE
    if not model.get("stance"):
        theme_stance = None
    elif theme_stance is None:  # a scorer with stance, no sides known: every match is 0.5
        theme_stance = np.full(len(themes), np.nan)
    if not pair or not len(model["coef"]) or any(v is None for v in extra):  # type: ignore[arg-type]
        return Tagger(themes, heads, thresholds, keep_top, relative)
    second = None
    if neighbours:
        second = neighbour_model or (NEIGHBOUR_MODEL_STANCE if model.get("stance") else NEIGHBOUR_MODEL)
    decider = model if second is None else second
    threshold = float(decider.get("threshold", PAIR_THRESHOLD))  # type: ignore[arg-type]
    keep = float(decider.get("keep_top", PAIR_KEEP_TOP))  # type: ignore[arg-type]
    ctx = PairContext(
        theme_vectors=np.vstack(extra),  # type: ignore[arg-type]
        example_vectors=x[checked_rows],
        confirmed=y[checked_rows].astype(bool),
        head_thresholds=thresholds,
        coef=np.asarray(model["coef"], dtype=float),
        intercept=float(model["intercept"]),  # type: ignore[arg-type]
        column_mean=np.zeros((3, len(themes))),
        column_sd=np.ones((3, len(themes))),
        keep_top=keep_top,
        relative=relative,
        theme_stance=theme_stance,
        # the deciding scorer's score is moved so that 0.5 sits on the decoding threshold: the review
        # screen offers the tags whose confidence is nearest 0.5 as the least certain (same decisions)
        shift=_logit(threshold),
    )
    sample = vectors[:: max(1, len(vectors) // 20_000)]  # the spread of up to 20,000 responses
    ctx.column_mean, ctx.column_sd = column_stats(_scores(heads, sample), sample, ctx)
    if second is not None:
        ctx.neighbours = _pool(vectors, stances, heads, ctx, second, pos, y, known)
    top = 1.0 / (1.0 + np.exp(-(_logit(keep) - _logit(threshold))))
    return Tagger(themes, heads, np.full(len(themes), 0.5), top, 0.0, ctx)


def neighbours_suit(engine: Engine) -> bool:
    """Whether the second stage suits `engine`'s vectors: it is used only with those it was fitted on, the
    tuned matcher's (`make models`); not with the packaged MiniLM's or the `basic` engine's
    (docs/analysis.md)."""
    from .matcher import matcher_path

    tuned = bool(getattr(engine, "matcher", False)) and matcher_path() is not None
    return engine.name == "embeddings" and tuned


def _pool(vectors, stances, heads, ctx: PairContext, second, answered, y, known) -> Neighbours:
    """The second stage's pool (NEIGHBOUR_POOL): every row an official answered for (`answered`: row ->
    its position in `y` and `known`) and an even sample of the rest, with the pair scorer's probability
    for each theme, or the officials' answer where known."""
    step = -(-len(vectors) // max(1, NEIGHBOUR_POOL - len(answered)))  # rounded up
    pool = sorted(set(range(0, len(vectors), step)) | set(answered))
    pv = vectors[pool]
    st = None if stances is None else np.asarray(stances, dtype=float)[pool]
    probs = ctx.first_stage(pair_features(_scores(heads, pv), pv, ctx, st))
    for j, r in enumerate(pool):
        if r in answered:
            p = answered[r]
            probs[j, known[p]] = y[p, known[p]]
    return Neighbours(pv, probs, np.asarray(second["coef"], dtype=float), float(second["intercept"]))


def _side(stances: np.ndarray) -> float:
    """A theme's side: the share of agree among its confirmed examples whose stance is known (NaN: none)."""
    known = stances[~np.isnan(stances)]
    return float(known.mean()) if len(known) else float("nan")


def _logit(p: float) -> float:
    return float(np.log(p) - np.log1p(-p))


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
    vectors: np.ndarray | None = None,
    stances: np.ndarray | None = None,
) -> list[list[tuple[str, float]]]:
    """Convenience: vectorise `texts` (and theme descriptions), train from `examples` (the `checked` rows
    are negatives of the themes they were not confirmed for, `rejected[theme]` rows of that theme), tag
    every text. `vectors`: the texts' vectors from the engine's model when the caller has them already
    (stored after enrichment: `insights.vectors`); only the theme descriptions are then embedded.
    `stances`: each text's side (1 agree, 0 disagree, NaN unknown), as `train_tagger` takes them."""
    eng = get_engine(engine) if isinstance(engine, str) else engine
    keys = sorted(theme_texts or {})
    if vectors is None:
        all_vecs = eng.vectorise(list(texts) + [theme_texts[k] for k in keys])  # type: ignore[index]
        vectors, extra = all_vecs[: len(texts)], all_vecs[len(texts) :]
    else:
        if len(vectors) != len(texts):
            raise ValueError("one vector per text")
        extra = eng.vectorise([theme_texts[k] for k in keys]) if keys else np.zeros((0, vectors.shape[1]))  # type: ignore[index]
    tagger = train_tagger(
        examples,
        vectors,
        theme_vectors=dict(zip(keys, extra, strict=True)),
        checked=checked,
        rejected=rejected,
        stances=stances,
        neighbours=neighbours_suit(eng),
    )
    return tagger.tags(vectors, stances)
