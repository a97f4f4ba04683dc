"""Load every model the request path and enrichment use, so the first comment after a start is not slow;
and build every model the engine reads from the shared data, once, before a deployment serves.

The spam model, the toxicity word lists and the evidence classifier (with the packaged MiniLM it embeds
sentences with) are loaded, or trained and cached the first time on a new machine, at first use: 5 to 60
seconds depending on the machine. A server calls `warm_models()` in a background thread at start
(insights.apps), so the first person to post does not wait for it.

`python -m policycycle.analysis.warm` (`make models`, and the one-off `models` service of
docker-compose.yml) builds them all into the model cache (`DHD_MODEL_CACHE`): those two, then the theme
matcher and the stance model tuned on ArgKP train, each only when it is not built yet. Without the tuned
two the engine uses the packaged MiniLM and the rule-based stance cues, which measure lower
(docs/analysis.md). `missing_data()` and `built()` tell what a deployment lacks (insights/checks.py).
"""

from __future__ import annotations

import time
from pathlib import Path

SAMPLE = (
    "Clause 3 should say who pays. Our airline paid 12% more for fuel last year, and small operators "
    "cannot absorb that."
)


def warm_models(*, enrichment: bool = True) -> float:
    """Score one sample text for spam and toxicity (what a comment's request does) and, with
    `enrichment`, enrich it too (what the tasks do; a web process needs that only when tasks run
    in-process). Returns the seconds it took."""
    from . import moderation
    from .enrich import enrich

    started = time.perf_counter()
    moderation.spam_score(SAMPLE)
    moderation.toxicity_score(SAMPLE)
    if enrichment:
        enrich(SAMPLE)
    return time.perf_counter() - started


def trained(*, enrichment: bool = True) -> bool:
    """Whether the models `warm_models` loads are already trained and cached on this machine (then it only
    loads them; otherwise it trains them first)."""
    from . import evidence, moderation

    return moderation.spam_model_cached() and (not enrichment or evidence.cached())


def sources() -> dict[str, list[Path]]:
    """The shared data files each model is built from, and keyed by (a model whose files are missing
    cannot be built, and one built from them is not found either)."""
    from . import evidence, matcher, moderation, resources, stance

    polis = resources.data_dir() / "comments" / "polis" / "*" / "comments.csv"
    return {
        "spam model": moderation.spam_sources() or [polis],
        "evidence classifier": evidence.sources(),
        "theme matcher": matcher.sources(),
        "stance model": stance.sources(),
    }


def missing_data() -> list[Path]:
    """The engine's source files that are not in the shared data folder (`DHDIGITAL_SHARED_DATA`)."""
    return sorted({p for paths in sources().values() for p in paths if not p.exists()})


def built() -> dict[str, bool]:
    """Whether each model is in the model cache: the first two are built at first use if not; without the
    tuned two the engine reads the packaged model and the rules."""
    from . import evidence, matcher, moderation, resources, stance

    return {
        "spam model": moderation.spam_model_cached(),
        "evidence classifier": evidence.cached(),
        "theme matcher": resources.is_built(matcher.target_dir()),
        "stance model": resources.is_built(stance.target_dir()),
    }


def build_models(*, tuned: bool = True, log=print) -> dict[str, float]:
    """Build what `built()` lacks: the spam and evidence models (by warming them), then with `tuned` the
    theme matcher and the stance model (about 27 CPU-minutes, 24 minutes on two cores). Refuses, naming
    the files, when the shared data is missing. Returns the seconds each step took. From the command line,
    `--untuned` builds only the first two."""
    from . import matcher, stance

    if missing := missing_data():
        raise FileNotFoundError(
            "the analysis engine's data is missing (set DHDIGITAL_SHARED_DATA to the shared data folder): "
            + ", ".join(str(p) for p in missing)
        )
    status = built()
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    warm_models(enrichment=True)
    seconds["spam model and evidence classifier"] = round(time.perf_counter() - started, 1)
    steps = (("theme matcher", matcher.train), ("stance model", stance.train)) if tuned else ()
    for name, train in steps:
        if status[name]:
            log(f"{name}: already built")
            continue
        started = time.perf_counter()
        train(log=log)
        seconds[name] = round(time.perf_counter() - started, 1)
    return seconds


if __name__ == "__main__":
    import sys

    for step, took in build_models(tuned="--untuned" not in sys.argv).items():
        print(f"{step}: {took} s")
    print("models: " + ", ".join(f"{name} {'built' if ok else 'NOT built'}" for name, ok in built().items()))
