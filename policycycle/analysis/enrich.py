"""Per-response enrichment: cheap, deterministic and idempotent (same text in, same Enrichment out)."""

from __future__ import annotations

import re
from functools import lru_cache

from . import evidence, minhash, moderation
from . import stance as learned
from .moderation import auto_hold_reasons, should_auto_hold  # re-exported for callers
from .text import _URL, STOP_WORDS, content_words, is_noise_token, stem, urls, words
from .types import Enrichment, Stance

__all__ = ["enrich", "should_auto_hold", "auto_hold_reasons", "keywords", "stance", "detect_language"]

EVIDENCE_THRESHOLD = 0.5

_AGREE = re.compile(
    r"\b(i (?:strongly |fully |wholeheartedly )?(?:agree|support|welcome|endorse|back)|in favou?r of|"
    r"(?:good|great|excellent|sensible|welcome) (?:idea|change|proposal|step|move|clause)|"
    r"strongly support|i like (?:this|the)|should be (?:kept|retained)|long overdue|fully support)\b",
    re.I,
)
_DISAGREE = re.compile(
    r"\b(i (?:strongly )?(?:disagree|oppose|object)|opposed to|against (?:this|the)|should not|shouldn't|"
    r"must not|do not support|don't support|(?:bad|terrible|poor) (?:idea|change|proposal)|unfair|"
    r"scrap(?:ped)?|remove this|withdraw|reject(?:ed)? this|not acceptable|unacceptable|concerned? that|"
    r"will harm|is wrong|are wrong)\b",
    re.I,
)
_PHRASE_BREAK = re.compile(r"[.,;:!?()\[\]\"\n\u2014\u2013-]+")


@lru_cache(maxsize=1)
def _langid():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """ISO 639-1 code and confidence from py3langid; 'und' for texts under three words."""
    if len(words(text)) < 3:
        return "und", 0.0
    lang, prob = _langid().classify(text)
    return str(lang), round(float(prob), 4)


def keywords(text: str, n: int = 6) -> list[str]:
    """RAKE-style key phrases: runs of content words scored by word degree / frequency."""
    phrases: list[list[str]] = []
    for chunk in _PHRASE_BREAK.split(_URL.sub(" . ", text.lower())):
        run: list[str] = []
        for w in words(chunk):
            if w in STOP_WORDS or len(w) < 3 or is_noise_token(w):
                if run:
                    phrases.append(run)
                run = []
            else:
                run.append(w)
        if run:
            phrases.append(run)
    freq: dict[str, int] = {}
    degree: dict[str, int] = {}
    for p in phrases:
        for w in p:
            freq[w] = freq.get(w, 0) + 1
            degree[w] = degree.get(w, 0) + len(p)
    scored: dict[str, float] = {}
    for p in phrases:
        p = p[:3]
        key = " ".join(p)
        scored[key] = max(scored.get(key, 0.0), sum(degree[w] / freq[w] for w in p))
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    out: list[str] = []
    seen: set[str] = set()
    for phrase, _ in ranked:
        stems = {stem(w) for w in phrase.split()}
        if stems & seen:
            continue
        seen |= stems
        out.append(phrase)
        if len(out) == n:
            break
    return out


def stance(text: str, sentiment: float, *, clause_text: str | None = None) -> Stance:
    """Agree / disagree / mixed toward the clause from explicit cues, else from strong sentiment when the
    comment is clearly about the clause (shares content words with it); otherwise unclear."""
    agree = bool(_AGREE.search(text))
    disagree = bool(_DISAGREE.search(text))
    if agree and disagree:
        return "mixed"
    if agree:
        return "agree"
    if disagree:
        return "disagree"
    if clause_text:
        overlap = {stem(w) for w in content_words(text)} & {stem(w) for w in content_words(clause_text)}
        if len(overlap) >= 2 and abs(sentiment) >= 0.5:
            return "agree" if sentiment > 0 else "disagree"
    return "unclear"


def learned_stance(
    text: str, sentiment: float, *, clause_text: str | None = None
) -> tuple[Stance, float | None]:
    """(stance, logit): the learned model's stance toward `clause_text` (the clause or the question's
    proposal) when `make models` has built it and there is a proposal; else the rule-based cues and None."""
    rules = stance(text, sentiment, clause_text=clause_text)
    if not (clause_text and clause_text.strip() and text.strip()):
        return rules, None
    model = learned.StanceModel.load()
    if model is None:
        return rules, None
    logit = float(model.logits([clause_text], [text])[0])
    return learned.label(float(learned.probability(logit)), rules), round(logit, 4)  # type: ignore[return-value]


def enrich(text: str, *, clause_text: str | None = None, model_stance: bool = True) -> Enrichment:
    """Language, keywords, sentiment, stance, evidence, spam/toxicity and MinHash signature of one text.
    `model_stance=False`: the rule-based stance only, for a caller that asks the learned model later,
    for many responses at once (`learned.StanceModel.logits`)."""
    tokens = words(text)
    vader = moderation._vader().polarity_scores(text)
    sentiment = round(float(vader["compound"]), 4)
    language, confidence = detect_language(text)
    ev = evidence.evidence_score(text) if tokens else 0.0
    if model_stance:
        st, logit = learned_stance(text, sentiment, clause_text=clause_text)
    else:
        st, logit = stance(text, sentiment, clause_text=clause_text), None
    return Enrichment(
        language=language,
        language_confidence=confidence,
        keywords=keywords(text),
        sentiment=sentiment,
        stance=st,
        stance_logit=logit,
        evidence_rich=ev >= EVIDENCE_THRESHOLD,
        evidence_score=round(ev, 4),
        spam_score=moderation.spam_score(text, tokens=tokens),
        toxicity_score=moderation.toxicity_score(text, tokens=tokens, vader=vader),
        signature=[int(v) for v in minhash.signature(text)],
        link_count=len(urls(text)),
    )
