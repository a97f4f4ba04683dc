"""The analysis report's snapshot: everything the report shows, copied out of the database as plain JSON
when the report is created, so later edits to themes, tags or summaries never change it.

Version 2 snapshots hold, per clause and question in document order, the number of responses, their
stance, the run's summary of that clause or question and its themes; the executive summary adds the
clauses and themes that drew most. Version 3 adds the closed questions' results (dashboards.closed).
Templates still read version 1 snapshots (no blocks' own figures) and version 2 (no closed questions)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils.translation import ngettext

from comments.models import Comment
from insights.models import AnalysisRun, Campaign, Enrichment, Summary, Theme
from insights.selectors import agreement_for, scope_labels
from insights.stances import stance_checked
from policycycle.analysis.stance import stance_caveat
from responses.models import Answer, Response

from . import closed, selectors

VERSION = 3
CAVEATS = [
    "Consultation responses are self-selected: they show what respondents said, not what the public thinks.",
    "Themes and stances are drafted by software and checked by officials; the agreement figure below shows "
    "how often officials agreed with the machine tags they checked.",
    "Campaign responses are counted in full and also grouped, so each campaign can be read once.",
    "Counts under {threshold} in breakdowns that could identify someone are shown as "
    "“fewer than {threshold}”, and so is the next smallest count where it would give a hidden one away.",
]


def _summaries(consultation, run) -> dict[str, list[str]]:
    """{scope: sentences} of the scope-wide (not per-theme) summaries, from `run` when it wrote any."""
    qs = Summary.objects.filter(consultation=consultation, theme__isnull=True)
    if run is not None and qs.filter(run=run).exists():
        qs = qs.filter(run=run)
    out: dict[str, list[str]] = {}
    for s in qs.order_by("created_at"):  # the newest summary of a scope wins
        out[s.scope] = [x.get("text", "") for x in (s.sentences or [])][:6]
    return out


def _method(run: AnalysisRun | None) -> dict:
    if run is None:
        return {"engine": "No analysis run", "units": 0, "finished": "", "steps": []}
    timings = run.timings if isinstance(run.timings, dict) else {}
    return {
        "engine": run.get_engine_display(),
        "units": run.units_total,
        "finished": run.finished_at.isoformat() if run.finished_at else "",
        "steps": [{"step": k, "seconds": round(float(v), 1)} for k, v in timings.items()],
        "run_id": run.pk,
    }


def _stance_counts(rows) -> list[dict]:
    """[{stance, count}] in the dashboard's order, leaving out stances nobody took."""
    return [{"stance": s, "count": rows[s]} for s in selectors.STANCES if rows.get(s)]


def _question_figures(consultation) -> tuple[dict[int, int], dict[int, dict]]:
    """({question id: answers with something in them}, {question id: {stance: n}}): two queries."""
    answers = Answer.objects.filter(
        response__consultation=consultation, response__status=Response.Status.SUBMITTED
    ).exclude(text="", choices=[])
    counts = dict(answers.values_list("question_id").annotate(n=Count("pk")).order_by())
    stances: dict[int, dict] = {}
    rows = (
        Enrichment.objects.filter(answer__in=answers)
        .values_list("answer__question_id", "stance")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for qid, stance, n in rows:
        stances.setdefault(qid, {})[stance or "unclear"] = n
    return counts, stances


def _blocks(consultation, run, heatmap: list) -> list[dict]:
    """One block per clause and question with themes, in document order; consultation-wide last."""
    labels = scope_labels(consultation)
    order = {scope: i for i, scope in enumerate(k for k in labels if k not in ("consultation", "ideas"))}
    clause_rows = {r.section.lineage_key: r for r in heatmap}
    q_counts, q_stances = _question_figures(consultation)
    summaries = _summaries(consultation, run)
    themes = (
        Theme.objects.filter(consultation=consultation, is_active=True)
        .annotate(
            n=Count("assignments", filter=Q(assignments__rejected=False)),
            checked=Count("assignments", filter=Q(assignments__confirmed=True)),
        )
        .order_by("-n", "label")
    )
    blocks: dict[str, dict] = {}
    for t in themes:
        block = blocks.get(t.scope)
        if block is None:
            kind, _, key = t.scope.partition(":")
            responses, stances = 0, {}
            if kind == "clause" and key in clause_rows:
                responses, stances = clause_rows[key].comments, clause_rows[key].stances
            elif kind == "question" and key.isdigit():
                responses, stances = q_counts.get(int(key), 0), q_stances.get(int(key), {})
            block = blocks[t.scope] = {
                "scope": t.scope,
                "label": labels.get(t.scope, t.scope),
                "responses": responses,
                "stances": _stance_counts(stances),
                "summary": summaries.get(t.scope, []),
                "themes": [],
            }
        block["themes"].append(
            {
                "label": t.label,
                "description": t.description,
                "count": t.n,
                "share": round(100 * t.n / block["responses"]) if block["responses"] else None,
                "checked": t.checked,
                "source": t.get_source_display(),
                "keywords": list(t.keywords or [])[:8],
                "quotes": [q.get("text", "") for q in (t.quotes or [])[:3]],
            }
        )
    return sorted(blocks.values(), key=lambda b: order.get(b["scope"], len(order)))


def _highlights(heatmap: list, blocks: list[dict]) -> list[str]:
    """Plain sentences for the executive summary: where people commented most and what they raised."""
    out = []
    busiest = sorted((r for r in heatmap if r.comments), key=lambda r: -r.comments)[:3]
    if busiest:
        out.append(
            "The clauses that drew most comments were "
            + "; ".join(f"{r.section.label} ({r.comments})" for r in busiest)
            + "."
        )
    top = sorted(((t, b) for b in blocks for t in b["themes"] if t["count"]), key=lambda tb: -tb[0]["count"])[
        :3
    ]
    if top:
        out.append(
            "The themes raised most often were "
            + "; ".join(
                f"“{t['label']}” on {b['label']} "
                f"({t['count']} {ngettext('response', 'responses', t['count'])})"
                for t, b in top
            )
            + "."
        )
    return out


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
    heatmap = selectors.clause_heatmap(consultation, selectors.current_document(consultation))
    blocks = _blocks(consultation, run, heatmap)

    return {
        "version": VERSION,
        "title": title,
        "consultation": {"title": consultation.title, "slug": consultation.slug},
        "created_at": now.isoformat(),
        "summary": _summaries(consultation, run).get("consultation", []),
        "highlights": _highlights(heatmap, blocks),
        "figures": {
            "responses": selectors.submitted_responses(consultation).count(),
            "comments": Comment.objects.filter(
                consultation=consultation, status=Comment.Status.PUBLISHED
            ).count(),
            **figures,
        },
        "method": _method(run),
        "themes": blocks,
        "campaigns": [{"size": c.size, "text": c.canonical_text[:600]} for c in campaigns],
        "who": _who(consultation),
        "closed": closed.question_results(consultation),
        "caveats": [c.format(threshold=selectors.threshold()) for c in CAVEATS]
        + [stance_caveat(**stance_checked(consultation))],
        "agreement": agreement_dict,
    }


# What of a report's snapshot the public gets (the public report page, its PDF and the open API).
# Quotes, summary sentences and campaign letters are respondents' own words, drawn from every submitted
# response whatever its publishing consent, so they stay in the team's copy; counts, stances, themes
# (label, description, keywords), who responded (small counts suppressed) and the method are public.
PUBLIC_THEME_FIELDS = ("label", "description", "count", "share", "checked", "source", "keywords")
PUBLIC_BLOCK_FIELDS = ("scope", "label", "responses", "stances")
WITHHELD_NOTE = (
    "Quotes, summary sentences and campaign texts are left out of the open data: they can quote responses "
    "whose authors did not agree to publication. Published comments and responses are in the consultation's "
    "open data."
)


def public_snapshot(snapshot: dict) -> dict:
    """The published report as anyone may read it: a whitelist, so a field added to snapshots later
    stays out until it is added here."""
    themes = [
        {
            **{k: block[k] for k in PUBLIC_BLOCK_FIELDS if k in block},
            "themes": [{k: t.get(k) for k in PUBLIC_THEME_FIELDS if k in t} for t in block.get("themes", [])],
        }
        for block in snapshot.get("themes", [])
    ]
    return {
        "version": snapshot.get("version"),
        "title": snapshot.get("title"),
        "consultation": snapshot.get("consultation", {}),
        "created_at": snapshot.get("created_at"),
        "highlights": snapshot.get("highlights", []),
        "figures": snapshot.get("figures", {}),
        "method": snapshot.get("method", {}),
        "themes": themes,
        "campaigns": [{"size": c.get("size")} for c in snapshot.get("campaigns", [])],
        "who": snapshot.get("who", []),
        "closed": closed.public_results(snapshot.get("closed", [])),
        "caveats": snapshot.get("caveats", []),
        "agreement": snapshot.get("agreement", {}),
        "withheld": WITHHELD_NOTE,
    }
