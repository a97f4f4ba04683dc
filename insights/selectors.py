"""Reads for the analysis pages."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, Sum

from consultations.models import Section
from responses.models import Question

from . import engines, units
from .models import AnalysisRun, Campaign, CampaignMember, Enrichment, Summary, Theme, ThemeAssignment
from .units import UnitKey


def runs_for(consultation, limit: int = 20) -> list[AnalysisRun]:
    return list(AnalysisRun.objects.filter(consultation=consultation).select_related("requested_by")[:limit])


def run_progress(run: AnalysisRun) -> dict:
    return {
        "id": run.pk,
        "state": run.state,
        "state_label": run.get_state_display(),
        "progress": run.progress,
        "step": run.step,
        "error": run.error,
        "done": run.state == AnalysisRun.State.DONE,
        "active": run.is_active,
    }


def run_form_options(consultation) -> dict:
    """What the start-a-run form offers: scopes, the engines available here and the default for the size."""
    n = engines.units_count(consultation.pk)
    # past the cut-off, basic is recommended only while too many vectors are still to be stored
    default, to_store = engines.engine_choice(consultation.pk, n=n)
    return {
        "scopes": scope_labels(consultation),
        "engines": engines.available(),
        "default": default,
        "responses": n,
        "to_store": to_store,
    }


def scope_labels(consultation) -> dict[str, str]:
    """scope -> readable name ("Clause 3: Levy", "Question 2: ...")."""
    labels = {"consultation": "General comments", "ideas": "Ideas"}
    sections = Section.objects.filter(
        document__consultation=consultation, kind__in=Section.COMMENTABLE
    ).order_by("document__version", "position")
    for s in sections:
        labels[f"clause:{s.lineage_key}"] = s.label
    for n, q in enumerate(Question.objects.filter(consultation=consultation).order_by("position", "pk"), 1):
        labels[f"question:{q.pk}"] = f"Question {n}: {q.text}"
    return labels


def _ref_columns() -> list[str]:
    """The `UnitRef` columns that say which unit a row points at: one per registered kind."""
    return [f"{k.field}_id" for k in units.kinds()]


def stances(consultation) -> dict[UnitKey, str]:
    out = {}
    for row in Enrichment.objects.filter(consultation=consultation).values(*_ref_columns(), "stance"):
        out[UnitKey.of(row)] = row["stance"]
    return out


@dataclass
class ThemeRow:
    theme: Theme
    count: int
    stance: dict[str, int]
    machine: int
    human: int
    copies: int = 0  # of `count`, responses that are campaign copies (the campaign's canonical text aside)
    quotes: list = field(default_factory=list)  # [{"text", "heading", "url"}]: never "comment:12"

    @property
    def unique(self) -> int:
        return self.count - self.copies


def campaign_copies(consultation) -> set[UnitKey]:
    """Units that are copies in a detected campaign (every member but the canonical one)."""
    rows = CampaignMember.objects.filter(campaign__consultation=consultation, is_canonical=False).values(
        *_ref_columns()
    )
    return {UnitKey.of(r) for r in rows.iterator(chunk_size=5000)}


def _quote_key(q: dict) -> UnitKey | None:
    """The unit a stored quote ({"unit": kind, "id": pk, "text"}) comes from, or None."""
    try:
        return UnitKey.parse(f"{q.get('unit')}:{q.get('id')}")
    except ValueError:
        return None


def themes_by_scope(consultation) -> list[tuple[str, str, list[ThemeRow]]]:
    """[(scope, label, [ThemeRow])] for the active themes, in document order of scope labels."""
    themes = list(
        Theme.objects.filter(consultation=consultation, is_active=True).select_related("approved_by")
    )
    stance_of = stances(consultation)
    copies = campaign_copies(consultation)
    per_theme: dict[int, Counter] = defaultdict(Counter)
    sources: dict[int, Counter] = defaultdict(Counter)
    copies_in: Counter = Counter()
    tags = ThemeAssignment.objects.filter(theme__in=themes, rejected=False).values(
        "theme_id", *_ref_columns(), "source"
    )
    for row in tags.iterator(chunk_size=5000):
        unit = UnitKey.of(row)
        per_theme[row["theme_id"]][stance_of.get(unit, "unclear")] += 1
        sources[row["theme_id"]][row["source"]] += 1
        copies_in[row["theme_id"]] += unit in copies
    labels = scope_labels(consultation)
    quoted = [(t.pk, q) for t in themes for q in (t.quotes or [])]
    heads = units.headings(_quote_key(q) for _, q in quoted if _quote_key(q))
    quotes: dict[int, list[dict]] = defaultdict(list)
    for pk, q in quoted:
        head = heads.get(_quote_key(q)) or {"heading": "", "url": ""}
        quotes[pk].append({"text": q.get("text", ""), **head})
    grouped: dict[str, list[ThemeRow]] = defaultdict(list)
    for t in themes:
        c = per_theme[t.pk]
        grouped[t.scope].append(
            ThemeRow(
                t,
                sum(c.values()),
                dict(c),
                sources[t.pk]["machine"],
                sources[t.pk]["human"],
                copies_in[t.pk],
                quotes[t.pk],
            )
        )
    order = {s: i for i, s in enumerate(labels)}
    out = []
    for scope in sorted(grouped, key=lambda s: (order.get(s, len(order)), s)):
        rows = sorted(grouped[scope], key=lambda r: -r.count)
        out.append((scope, labels.get(scope, scope), rows))
    return out


def _tag_rows(tags: list[ThemeAssignment]) -> list[dict]:
    """Each tag with its unit's text and what a person reads for the unit (its heading and public page);
    "unit" (the "kind:id" reference) is for forms and data attributes, never shown as text."""
    texts = units.texts(t.unit_key for t in tags)
    heads = units.headings(t.unit_key for t in tags)
    rows = []
    for t in tags:
        head = heads.get(t.unit_key) or {"heading": "A response that no longer exists", "url": ""}
        rows.append({"tag": t, "text": texts.get(t.unit_key, ""), "unit": str(t.unit_key), **head})
    return rows


def theme_tags(theme: Theme, limit: int = 200) -> list[dict]:
    """The theme's tags with the response text, officials' decisions first, then by confidence."""
    tags = list(
        ThemeAssignment.objects.filter(theme=theme)
        .select_related("decided_by")
        .order_by("rejected", "-confirmed", "-confidence", "pk")[:limit]
    )
    return _tag_rows(tags)


CHECK_NEXT = 5


def least_sure_tags(theme: Theme, limit: int = CHECK_NEXT) -> list[dict]:
    """The theme's unchecked machine tags the tagger is least sure of (confidence nearest 0.5, where its
    decoding is undecided). Every answer teaches the retrained tagger (measured: its precision rises round
    by round, its recall does not), and the order was measured to matter little beside a random one
    (evaluation.argkp_review, docs/analysis.md)."""
    from django.db.models import F
    from django.db.models.functions import Abs

    tags = list(
        ThemeAssignment.objects.filter(theme=theme, source="machine", confirmed=False, rejected=False)
        .annotate(doubt=Abs(F("confidence") - 0.5))
        .order_by("doubt", "pk")[:limit]
    )
    return _tag_rows(tags)


def theme_summaries(theme: Theme) -> list[dict]:
    return readable_summaries(list(Summary.objects.filter(theme=theme).order_by("method")))


def scope_summaries(consultation) -> dict[str, dict]:
    found = list(Summary.objects.filter(consultation=consultation, theme__isnull=True, method="extractive"))
    return {s.scope: r for s, r in zip(found, readable_summaries(found), strict=True)}


def readable_summaries(summaries: list[Summary]) -> list[dict]:
    """Summaries as the pages show them: each sentence cites its responses by number ("[1, 2]"), and the
    numbered sources below say what each response is (its heading, linked to its public page), never
    its "comment:12" reference. One query per kind of unit for all the summaries."""
    keys: list[UnitKey] = []
    for s in summaries:
        for sentence in [*s.sentences, *([s.minority] if s.minority else [])]:
            for c in sentence.get("citations", []):
                try:
                    keys.append(UnitKey.parse(c))
                except ValueError:
                    continue
    heads = units.headings(keys)
    out = []
    for s in summaries:
        number: dict[str, int] = {}
        sources: list[dict] = []

        def cite(sentence: dict, number=number, sources=sources) -> dict:
            refs = []
            for c in sentence.get("citations", []):
                if c not in number:
                    try:
                        head = heads.get(UnitKey.parse(c))
                    except ValueError:
                        head = None
                    number[c] = len(number) + 1
                    sources.append({"n": number[c], **(head or {"heading": "A response", "url": ""})})
                refs.append(number[c])
            return {"text": sentence.get("text", ""), "refs": refs}

        out.append(
            {
                "method": s.method,
                "sentences": [cite(x) for x in s.sentences],
                "minority": cite(s.minority) if s.minority else None,
                "sources": sources,
            }
        )
    return out


CAMPAIGNS_SHOWN = 50
MEMBERS_SHOWN = 50


def campaigns_for(consultation) -> dict:
    """Campaigns with their members' added words, and the counts analysts report: responses, campaigns,
    campaign responses and unique responses (each campaign counted once). The page lists the largest
    campaigns and the first members of each; the counts always cover all of them."""
    all_campaigns = Campaign.objects.filter(consultation=consultation)
    totals = all_campaigns.aggregate(n=Count("pk"), members=Sum("size"))
    members = CampaignMember.objects.order_by("-is_canonical", "pk")[:MEMBERS_SHOWN]
    campaigns = list(
        all_campaigns.order_by("-size", "pk").prefetch_related(
            Prefetch("members", queryset=members, to_attr="shown_members")
        )[:CAMPAIGNS_SHOWN]
    )
    heads = units.headings(m.unit_key for c in campaigns for m in c.shown_members)
    for c in campaigns:
        c.more_members = c.size - len(c.shown_members)
        for m in c.shown_members:  # what a person reads for each member, never "answer:12"
            head = heads.get(m.unit_key) or {"heading": "A response that no longer exists", "url": ""}
            m.heading, m.url = head["heading"], head["url"]
    total = engines.units_count(consultation.pk)
    n_campaigns, in_campaigns = totals["n"] or 0, totals["members"] or 0
    return {
        "campaigns": campaigns,
        "campaigns_total": n_campaigns,
        "responses": total,
        "in_campaigns": in_campaigns,
        "unique": total - in_campaigns + n_campaigns,
    }


def agreement_for(consultation, scope: str | None = None):
    """Machine tags against officials' decisions: precision, recall, F1 and how many were checked.
    Officials' truth = confirmed + added tags; judged = confirmed + rejected machine tags."""
    from policycycle.analysis.tagging import agreement  # numpy: loaded where the figure is asked for

    tags = ThemeAssignment.objects.filter(theme__consultation=consultation, theme__is_active=True)
    if scope:
        tags = tags.filter(theme__scope=scope)
    machine: list[Any] = []
    human: list[Any] = []
    checked = set()
    for row in tags.filter(Q(confirmed=True) | Q(rejected=True) | Q(source="human")).values(
        "theme_id", *_ref_columns(), "source", "confirmed", "rejected"
    ):
        unit = UnitKey.of(row)
        checked.add(unit)
        if row["source"] == "machine":
            machine.append((unit, row["theme_id"]))
        if row["confirmed"] or (row["source"] == "human" and not row["rejected"]):
            human.append((unit, row["theme_id"]))
    return agreement(machine, human, checked=checked)


def theme_history(theme: Theme, limit: int = 30) -> list[dict]:
    """What changed on the theme and its tags, newest first, with the diff of the theme's own fields."""
    out = []
    records = list(theme.history.select_related("history_user").order_by("-history_date")[:limit])
    for rec in records:
        prev = rec.prev_record
        changes = []
        if prev is not None:
            # approved_by is a user id: the record's reason ("confirmed") and author already say it.
            delta = rec.diff_against(prev, included_fields=["label", "description", "is_active"])
            changes = [f"{c.field}: “{c.old}” → “{c.new}”" for c in delta.changes]
        out.append(
            {
                "when": rec.history_date,
                "who": rec.history_user,
                "reason": rec.history_change_reason,
                "changes": changes,
                "what": "theme",
            }
        )
    tag_hist = ThemeAssignment.history.filter(theme_id=theme.pk).exclude(
        history_change_reason__startswith="tagged by run"
    )
    tag_recs = list(tag_hist.select_related("history_user").order_by("-history_date")[:limit])
    heads = units.headings(UnitKey.of(rec) for rec in tag_recs)
    for rec in tag_recs:
        head = heads.get(UnitKey.of(rec))
        out.append(
            {
                "when": rec.history_date,
                "who": rec.history_user,
                "reason": rec.history_change_reason,
                "changes": [head["heading"] if head else "a response that no longer exists"],
                "what": "tag",
            }
        )
    return sorted(out, key=lambda r: r["when"], reverse=True)[:limit]


def theme_counts(consultation) -> dict[str, int]:
    return dict(
        Theme.objects.filter(consultation=consultation, is_active=True)
        .values_list("source")
        .annotate(n=Count("pk"))
        .values_list("source", "n")
    )
