"""Which analysis engine a run uses, and the configured language-model endpoint.

The default is measured, not guessed (docs/analysis.md): `embeddings` drafts clearly better themes and
tags (few-shot F1 0.75 against 0.58 for `basic`) and fits the 10-minute budget up to
`policycycle.analysis.EMBEDDINGS_MAX_RESPONSES` responses; past that `basic` keeps a run within budget.
`settings.ANALYSIS_DEFAULT_ENGINE` is "auto" (that rule) or one engine for every run that names none
(analysts' page default, `manage.py analyse`, nightly runs). `llm` is offered only when
`settings.LLM_BASE_URL` is set.
"""

from __future__ import annotations

from django.conf import settings

AUTO = "auto"
ENGINES = ("basic", "embeddings", "llm")


def units_count(consultation_id: int, scope: str = "consultation") -> int:
    """About how many responses a run of `scope` reads (the same filters as runs.iter_units, counted)."""
    from comments.models import Comment
    from responses.models import Answer, Idea, Response

    kind, _, key = scope.partition(":")
    n = 0
    if scope == "consultation" or kind == "clause":
        comments = Comment.objects.filter(
            consultation_id=consultation_id, status=Comment.Status.PUBLISHED
        ).exclude(body="")
        if kind == "clause":
            comments = comments.filter(section__lineage_key=key)
        n += comments.count()
    if scope == "consultation" or kind == "question":
        answers = Answer.objects.filter(
            response__consultation_id=consultation_id, response__status=Response.Status.SUBMITTED
        ).exclude(text="")
        if kind == "question":
            answers = answers.filter(question_id=int(key) if key.isdigit() else -1)
        n += answers.count()
    if scope in ("consultation", "ideas"):
        n += (
            Idea.objects.filter(consultation_id=consultation_id)
            .exclude(status__in=[Idea.Status.MERGED, Idea.Status.HIDDEN])
            .count()
        )
    return n


def setting() -> str:
    return getattr(settings, "ANALYSIS_DEFAULT_ENGINE", AUTO) or AUTO


def default_engine(consultation_id: int, scope: str = "consultation", *, n: int | None = None) -> str:
    """The engine a run uses when nobody chose one."""
    from policycycle.analysis import recommended_engine

    chosen = setting()
    if chosen != AUTO:
        return chosen
    return recommended_engine(units_count(consultation_id, scope) if n is None else n)


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
