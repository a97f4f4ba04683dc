"""Which analysis engine a run uses, and the configured language-model endpoint.

The default is measured, not guessed (docs/analysis.md): `embeddings` drafts clearly better themes and
tags (few-shot F1 0.75 against 0.58 for `basic`) and fits the 10-minute budget up to
`policycycle.analysis.EMBEDDINGS_MAX_RESPONSES` responses; past that `basic` keeps a run within budget.
Past that size a run and the retrained tagger read the vectors the worker stored after enrichment instead
of embedding, so the default stays `embeddings` when they leave at most that many to embed
(`default_engine`, which the tagger's choice goes through too; `insights.runs.StoredVectors`).
`settings.ANALYSIS_DEFAULT_ENGINE` is "auto" (that rule) or one engine for every run that names none
(analysts' page default, `manage.py analyse`, nightly runs). `llm` is offered only when
`settings.LLM_BASE_URL` is set.
"""

from __future__ import annotations

from django.conf import settings

from policycycle.analysis import recommended_engine

from . import units

AUTO = "auto"
ENGINES = ("basic", "embeddings", "llm")


def units_count(consultation_id: int, scope: str = "consultation") -> int:
    """How many responses a run of `scope` reads (the registry's rows of every kind, counted)."""
    return units.units_count(consultation_id, scope)


def setting() -> str:
    return getattr(settings, "ANALYSIS_DEFAULT_ENGINE", AUTO) or AUTO


def default_engine(consultation_id: int, scope: str = "consultation", *, n: int | None = None) -> str:
    """The engine a run uses when nobody chose one: the measured rule for the scope's size, except that
    past EMBEDDINGS_MAX_RESPONSES it stays `embeddings` when the responses' stored vectors leave at most
    that many to embed (a run past it reads them: `insights.runs`)."""
    return engine_choice(consultation_id, scope, n=n)[0]


def engine_choice(
    consultation_id: int, scope: str = "consultation", *, n: int | None = None
) -> tuple[str, int | None]:
    """`default_engine`, and how many vectors are still to be stored when it is `basic` only for want of
    them (`vectors_to_store`; None otherwise): the stored vectors counted once."""
    chosen = setting()
    if chosen != AUTO:
        return chosen, None
    n = units_count(consultation_id, scope) if n is None else n
    picked = recommended_engine(n)
    if picked != "basic":
        return picked, None
    to_store = vectors_to_store(consultation_id, n, scope)
    return ("embeddings", None) if to_store == 0 else (picked, to_store)


def vectors_to_store(consultation_id: int, n: int, scope: str = "consultation") -> int | None:
    """Past EMBEDDINGS_MAX_RESPONSES with `auto`: how many more of the scope's `n` responses need a stored
    vector before `default_engine` takes `embeddings` (0 once the stored vectors leave at most that many to
    embed). None below the cut-off, when one engine is set for every run, or when vectors are not stored
    here."""
    from policycycle import analysis

    from . import vectors

    if setting() != AUTO or n <= analysis.EMBEDDINGS_MAX_RESPONSES or not vectors.available():
        return None
    missing = n - vectors.stored_count(consultation_id, scope)
    return max(0, missing - analysis.EMBEDDINGS_MAX_RESPONSES)


def llm_configured() -> bool:
    return bool(getattr(settings, "LLM_BASE_URL", ""))


def llm_client():
    """The OpenAI-compatible client from settings (LLM_BASE_URL, LLM_API_KEY, LLM_MODEL), or None."""
    if not llm_configured():
        return None
    from policycycle.analysis.engines import OpenAICompatibleClient

    return OpenAICompatibleClient(
        base_url=settings.LLM_BASE_URL,
        model=getattr(settings, "LLM_MODEL", "") or "gpt-4o-mini",
        api_key=getattr(settings, "LLM_API_KEY", ""),
    )


def available() -> list[str]:
    """Engines an analyst may choose here: `llm` only with an endpoint."""
    return [e for e in ENGINES if e != "llm" or llm_configured()]
