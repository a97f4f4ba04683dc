"""The analysis report's snapshot: everything the report shows, copied out of the database as plain JSON
when the report is created, so later edits to themes, tags or summaries never change it."""

from __future__ import annotations

from django.db.models import Count, Q

from insights.models import AnalysisRun, Campaign, Summary, Theme
from insights.selectors import agreement_for, scope_labels

from . import selectors

CAVEATS = [
    "Consultation responses are self-selected: they show what respondents said, not what the public thinks.",
    "Themes and stances are drafted by software and checked by officials; the agreement figure below shows "
    "how often officials agreed with the machine tags they checked.",
    "Campaign responses are counted in full and also grouped, so each campaign can be read once.",
    "Counts under {threshold} in breakdowns that could identify someone are shown as "
    "“fewer than {threshold}”.",
]


def _summary_sentences(consultation, run) -> list[str]:
    qs = Summary.objects.filter(consultation=consultation, theme__isnull=True, scope="consultation")
    if run is not None:
        qs = qs.filter(run=run) if qs.filter(run=run).exists() else qs
    summary = qs.order_by("-created_at").first()
    return [s.get("text", "") for s in (summary.sentences if summary else [])][:8]


def _method(run: AnalysisRun | None) -> dict:
    if run is None:
        return {"engine": "No analysis run", "units": 0, "finished": "", "steps": []}
    return {
        "engine": run.get_engine_display(),
        "units": run.units_total,
        "finished": run.finished_at.isoformat() if run.finished_at else "",
        "steps": sorted(run.timings.keys()) if isinstance(run.timings, dict) else [],
        "run_id": run.pk,
    }


def _themes(consultation) -> list[dict]:
    labels = scope_labels(consultation)
    themes = (
        Theme.objects.filter(consultation=consultation, is_active=True)
        .annotate(
            n=Count("assignments", filter=Q(assignments__rejected=False)),
            checked=Count("assignments", filter=Q(assignments__confirmed=True)),
        )
        .order_by("scope", "-n", "label")
    )
    scopes: dict[str, dict] = {}
    for t in themes:
        block = scopes.setdefault(
            t.scope, {"scope": t.scope, "label": labels.get(t.scope, t.scope), "themes": []}
        )
        block["themes"].append(
            {
                "label": t.label,
                "description": t.description,
                "count": t.n,
                "checked": t.checked,
                "source": t.get_source_display(),
                "keywords": list(t.keywords or [])[:8],
                "quotes": [q.get("text", "") for q in (t.quotes or [])[:3]],
            }
        )
    return list(scopes.values())


def _who(consultation) -> list[dict]:
    return [
        {"title": b["title"], "rows": [{"label": x.label, "value": x.display} for x in b["bars"]]}
        for b in selectors.breakdowns(selectors.response_counts(consultation)[1])
    ]


def build_snapshot(consultation, *, run, title: str, now) -> dict:
    campaigns = list(Campaign.objects.filter(consultation=consultation).order_by("-size")[:20])
    agreement = agreement_for(consultation)
    agreement_dict = {
        name: getattr(agreement, name)
        for name in ("precision", "recall", "f1", "n")
        if hasattr(agreement, name)
    }
    figures = selectors.campaign_figures(consultation)
    return {
        "version": 1,
        "title": title,
        "consultation": {"title": consultation.title, "slug": consultation.slug},
        "created_at": now.isoformat(),
        "summary": _summary_sentences(consultation, run),
        "figures": {
            "responses": selectors.submitted_responses(consultation).count(),
            **figures,
        },
        "method": _method(run),
        "themes": _themes(consultation),
        "campaigns": [{"size": c.size, "text": c.canonical_text[:600]} for c in campaigns],
        "who": _who(consultation),
        "caveats": [c.format(threshold=selectors.threshold()) for c in CAVEATS],
        "agreement": agreement_dict,
    }
