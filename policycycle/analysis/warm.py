"""Load every model the request path and enrichment use, so the first comment after a start is not slow.

The spam model, the toxicity word lists and the evidence classifier (with the packaged MiniLM it embeds
sentences with) are loaded, or trained and cached the first time on a new machine, at first use: 5 to 60
seconds depending on the machine. A server calls `warm_models()` in a background thread at start
(insights.apps), so the first person to post does not wait for it.
"""

from __future__ import annotations

import time

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
