"""The insights app's personal data (dhdigital.accounts.privacy): what the analysis derived from a
person's comments, answers and ideas (scores, stance, theme tags) is added to them in the download, and
goes when their text goes (`forget_units`, connected to dhdigital.lib.signals.units_erased). An analyst's
runs, approvals, tag decisions and reports are exported as what they did and when."""

from __future__ import annotations

from dhdigital.accounts.privacy import Holder, register, value

from .models import CampaignMember, Enrichment, Summary, Theme, ThemeAssignment, UnitVector


def _units(export: dict) -> dict[str, dict[int, dict]]:
    records = export["records"]
    answers = [
        a for r in records.get("responses.Response", {}).get("respondent", []) for a in r.get("answers", [])
    ]
    return {
        "comment": {c["id"]: c for c in records.get("comments.Comment", {}).get("author", [])},
        "answer": {a["id"]: a for a in answers},
        "idea": {i["id"]: i for i in records.get("responses.Idea", {}).get("author", [])},
    }


def extend(user, export: dict) -> None:
    """What the analysis derived from each of the person's comments, answers and ideas."""
    for kind, items in _units(export).items():
        if not items:
            continue
        for item in items.values():
            item["analysis"] = {"scores": None, "themes": []}
        ids = {f"{kind}_id__in": list(items)}
        for e in Enrichment.objects.filter(**ids):
            items[getattr(e, f"{kind}_id")]["analysis"]["scores"] = {
                "language": e.language,
                "keywords": e.keywords,
                "sentiment": e.sentiment,
                "stance": e.stance,
                "evidence_rich": e.evidence_rich,
                "spam_score": e.spam_score,
                "toxicity_score": e.toxicity_score,
                "scored_at": value(e.enriched_at),
            }
        for a in ThemeAssignment.objects.filter(**ids).select_related("theme"):
            items[getattr(a, f"{kind}_id")]["analysis"]["themes"].append(
                {
                    "theme": a.theme.label,
                    "by": "an official" if a.source == "human" else "the analysis",
                    "confidence": a.confidence,
                    "confirmed": a.confirmed,
                    "rejected": a.rejected,
                }
            )


def forget_units(
    sender, *, kind: str, pks: list[int], texts: list[str], consultations: set[int], **kw
) -> None:
    """Removed text leaves no copy in the analysis: its scores and keywords, stored vectors, theme tags,
    campaign membership (with the person's own added words), themes' representative quotes and summary
    sentences taken from it."""
    if not pks:
        return
    for model in (Enrichment, UnitVector, ThemeAssignment, CampaignMember):
        model.objects.filter(**{f"{kind}_id__in": pks}).delete()
    wiped = set(pks)
    for manager in (Theme.objects, Theme.history):
        for theme in manager.filter(consultation_id__in=consultations).only("pk", "quotes"):
            kept = [q for q in theme.quotes if not (q.get("unit") == kind and q.get("id") in wiped)]
            if len(kept) != len(theme.quotes):
                manager.filter(pk=theme.pk).update(quotes=kept)
    if not texts:
        return

    def _copied(sentence: dict) -> bool:
        text = (sentence.get("text") or "").strip()
        return bool(text) and any(text in t for t in texts)

    for summary in Summary.objects.filter(consultation_id__in=consultations).only("pk", "sentences"):
        kept = [x for x in summary.sentences if not _copied(x)]
        if len(kept) != len(summary.sentences):
            Summary.objects.filter(pk=summary.pk).update(sentences=kept)


register(
    Holder(
        name="insights",
        acts={
            "insights.AnalysisRun.requested_by": ("id", "consultation_id", "engine", "created_at"),
            "insights.Theme.approved_by": ("id", "consultation_id", "approved_at"),
            "insights.ThemeAssignment.decided_by": ("id", "theme_id", "decided_at"),
            "insights.Report.created_by": ("id", "consultation_id", "created_at"),
            "insights.Enrichment.stance_decided_by": ("id", "consultation_id", "stance", "stance_decided_at"),
        },
        extend=extend,
    )
)
