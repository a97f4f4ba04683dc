"""Spam and toxicity scores for auto-holding comments.

Uses the analysis engine's scorers (`policycycle.analysis.moderation`: a spam model trained on real Polis
moderation decisions, and a toxicity score from a profanity list, insults and VADER) and its thresholds.
Only the two scores are computed here, on the request path; the full enrichment (language, keywords,
signature...) runs later in the `insights` task. If the engine is missing or fails, a small local scorer
(link density, shouting, repetition, a profanity word list) stands in.
"""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

LINK_RE = re.compile(r"(https?://|www\.)\S+", re.IGNORECASE)
REPEAT_RE = re.compile(r"(.)\1{7,}")
SPAM_WORDS = ("buy now", "click here", "free money", "discount", "casino", "viagra", "crypto", "earn $")
HOLD_THRESHOLD = 0.8


def has_link(text: str) -> bool:
    return bool(LINK_RE.search(text or ""))


def _local_score(text: str) -> tuple[float, float]:
    words = text.split()
    n = max(len(words), 1)
    links = len(LINK_RE.findall(text))
    lowered = text.lower()
    spam = 0.0
    spam += min(links * 0.3, 0.6)
    spam += 0.3 * sum(w in lowered for w in SPAM_WORDS)
    letters = [c for c in text if c.isalpha()]
    if len(letters) > 20 and sum(c.isupper() for c in letters) / len(letters) > 0.7:
        spam += 0.3
    if REPEAT_RE.search(text):
        spam += 0.3
    if links and n < 8:
        spam += 0.2
    toxicity = 0.0
    try:
        from better_profanity import profanity

        swears = sum(profanity.contains_profanity(w) for w in words)
        toxicity = min(1.0, swears / n * 4 + (0.5 if swears else 0.0))
    except Exception:  # noqa: BLE001 - the word list is optional
        toxicity = 0.0
    return min(spam, 1.0), toxicity


def _engine():
    try:
        from policycycle.analysis import moderation
    except ImportError:
        return None
    return moderation


def score_text(text: str, *, links_trusted: bool = False) -> tuple[float, float]:
    """(spam, toxicity), each 0..1. `links_trusted`: the author's account is established, so a link alone
    should not make the text look like spam (new accounts' links are held by their own rule)."""
    if links_trusted:
        text = LINK_RE.sub(" ", text).strip() or text
    engine = _engine()
    if engine is None:
        return _local_score(text)
    try:
        return float(engine.spam_score(text)), float(engine.toxicity_score(text))
    except Exception:  # noqa: BLE001 - scoring must never stop a comment being accepted
        logger.exception("analysis engine failed to score a comment; using the local scorer")
        return _local_score(text)


def should_hold(spam: float, toxicity: float) -> bool:
    engine = _engine()
    spam_at = getattr(engine, "SPAM_HOLD_THRESHOLD", HOLD_THRESHOLD)
    toxicity_at = getattr(engine, "TOXICITY_HOLD_THRESHOLD", HOLD_THRESHOLD)
    return spam >= spam_at or toxicity >= toxicity_at
