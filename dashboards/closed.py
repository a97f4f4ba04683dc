"""Results of the closed questions (single choice, multiple choice, agree-disagree scale): for every
question, how many responses chose each option and how many did not answer, as counts and percentages of
the submitted responses, broken down by channel, respondent type, organisation type and region, day by
day, and beside the themes the same respondents raised.

Everything is plain data (dicts, lists, numbers, strings), so the dashboard, the explorer, a report's
frozen snapshot, the exports and the API read the same figures and a snapshot renders as the live page.

Counted: submitted responses only (a saved draft is not a response yet); a response whose owner erased
their account is kept, anonymised, and still counts, as everywhere else in the portal. Campaign copies
(responses whose free-text answer a run grouped into a campaign, the campaign's own text aside) are
counted in full and also shown apart, as the themes pages do.

Queries: one grouped scan of the closed answers by question, choice and the four respondent fields (all
breakdowns come from it), one of the responses by the same fields (the bases), one by day, and one for
the themes, whatever the number of responses. For all the submitted responses (not the explorer's
filtered set) these grouped counts are kept in the cache until a row they count changes
(selectors.Tallies): at 100,000 responses they take most of a second to count.
"""

from __future__ import annotations

import functools
import hashlib
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from django.db.models import BooleanField, Case, Count, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from insights.models import CampaignMember, Theme, ThemeAssignment
from responses.models import Answer, Question, Response

from . import selectors

CLOSED_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.SCALE)
NOT_ANSWERED = "Not answered"
BREAKDOWNS = (
    ("channel", "By channel", Response.Channel, False),
    ("respondent_type", "By respondent type", Response.RespondentType, False),
    ("organisation_type", "By organisation type", Response.OrganisationType, True),
    ("region", "By region", Response.Region, True),
)
FIELDS = selectors.RESPONDENT_FIELDS  # the order of the cube's and the grouped answers' values
TYPE = FIELDS.index("respondent_type")  # organisation types count organisations only
THEMES_PER_OPTION = 5
# Each option's fill in the day-by-day chart (dashboards/_patterns.html), named in its legend: shapes, not
# colour alone, tell the options apart.
PATTERNS = [
    "solid",
    "diagonal stripes",
    "dots",
    "horizontal lines",
    "cross-hatching",
    "vertical lines",
    "checks",
]


def closed_questions(consultation) -> list[Question]:
    return list(
        Question.objects.filter(consultation=consultation, kind__in=CLOSED_KINDS).order_by("position", "pk")
    )


def _percent(n: int, base: int) -> float:
    return round(100 * n / base, 1) if base else 0.0


def _in_campaign(consultation):
    """True for an answer whose response's free-text answer is a campaign copy."""
    copies = CampaignMember.objects.filter(
        campaign__consultation=consultation, is_canonical=False, answer__isnull=False
    ).values("answer__response_id")
    return Case(
        When(response_id__in=copies, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _answers(consultation, questions, responses):
    qs = Answer.objects.filter(
        response__consultation=consultation,
        response__status=Response.Status.SUBMITTED,
        question__in=[q.pk for q in questions],
    )
    return qs.filter(response__in=responses) if responses is not None else qs


def _has_campaigns(consultation) -> bool:
    return CampaignMember.objects.filter(
        campaign__consultation=consultation, is_canonical=False, answer__isnull=False
    ).exists()


def _label(labels: dict, value) -> str:
    return str(labels.get(value) or "Not given")


def question_results(
    consultation,
    *,
    responses=None,
    detail: bool = True,
    questions: list[Question] | None = None,
    suppress: bool = True,
    cube: list[tuple] | None = None,
    tallies: selectors.Tallies | None = None,
) -> list[dict]:
    """One dict per closed question. `responses`: a queryset of the responses to count (the explorer's
    filtered set; all submitted responses by default, counted through `tallies`, the page's cached counts:
    selectors.Tallies). Without `detail`, only the overall counts (no breakdowns, days or themes). Without
    `suppress`, small counts by region and organisation type are kept (the team's exports). `cube`:
    selectors.respondent_cube's rows for the same responses, when the caller has them already (the
    dashboard shares them with its response breakdowns)."""
    questions = closed_questions(consultation) if questions is None else questions
    if not questions:
        return []
    if responses is None:
        tallies = tallies or selectors.Tallies(consultation)
    # The bases: submitted responses per combination of the four fields.
    if cube is None:
        cube = selectors.respondent_cube(consultation, responses, tallies)
    total = sum(n for *_, n in cube)
    answers = _answers(consultation, questions, responses)
    qids = tuple(q.pk for q in questions)
    grouped = _counted(tallies, "closed", lambda: _grouped(consultation, answers, detail), qids, detail)
    counts: dict[int, list] = defaultdict(list)  # question id -> [(choices, fields, copy, n)]
    for qid, choices, fields, copy, n in grouped:
        counts[qid].append((choices, fields, copy, n))
    out = [_question(q, total, cube, counts[q.pk], detail, suppress) for q in questions]
    if detail:
        tz = timezone.get_current_timezone_name()
        per_day = _counted(
            tallies,
            "closed_by_day",
            lambda: selectors.per_day_grouped(answers, "response__submitted_at", "question_id", "choices"),
            qids,
            tz,
        )
        _add_days(out, questions, per_day)
        themes = _counted(tallies, "closed_themes", lambda: _theme_rows(consultation, answers, qids), qids)
        _add_themes(out, consultation, themes)
    return out


def dashboard_results(
    consultation, *, cube: list[tuple], tallies: selectors.Tallies
) -> tuple[list[dict], str]:
    """The dashboard's closed-question results and their HTML (dashboards/_closed_question.html, with links
    to the explorer), kept through `tallies` with all they are made from: the counts under the results
    version, the questions as they are now, the threshold, the time zone of the days, and this code and
    template (_release()), so the page neither counts them nor renders them again until one of those
    changes. Nothing in them depends on who reads them (the dashboard is the team's, and the same for every
    role that may open it)."""
    questions = closed_questions(consultation)
    if not questions:
        return [], ""
    asked = [(q.pk, q.position, q.text, q.kind, q.options) for q in questions]

    def count() -> tuple[list[dict], str]:
        results = question_results(consultation, questions=questions, cube=cube, tallies=tallies)
        html = "".join(
            render_to_string(
                "dashboards/_closed_question.html", {"q": q, "links": True, "slug": consultation.slug}
            )
            for q in results
        )
        return results, html

    parts = (
        asked,
        selectors.threshold(),
        timezone.get_current_timezone_name(),
        consultation.slug,
        _release(),
    )
    results, html = tallies.get("closed_page", count, *parts)
    return results, mark_safe(html)  # noqa: S308 - rendered by the template above, escaped there


@functools.cache
def _release() -> str:
    """A digest of the code and template that make the dashboard's closed-question results, so that what
    an earlier release kept in the cache is never shown by this one."""
    digest = hashlib.sha256()
    for path in (
        Path(__file__),
        Path(selectors.__file__),
        Path(__file__).parent / "templates" / "dashboards" / "_closed_question.html",
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _counted(tallies, name: str, count, *parts):
    return count() if tallies is None else tallies.get(name, count, *parts)


def _grouped(consultation, answers, detail: bool) -> list[tuple]:
    """The answers counted per question, set of choices and (with `detail`) the four respondent fields,
    campaign copies apart: rows (question id, choices, fields, copy, n)."""
    campaigns = _has_campaigns(consultation)
    columns = ["question_id", "choices"] + ([f"response__{f}" for f in FIELDS] if detail else [])
    grouped = answers
    if campaigns:
        grouped = answers.annotate(copy=_in_campaign(consultation))
        columns.append("copy")
    out = []
    for row in grouped.values_list(*columns).annotate(n=Count("pk")).order_by():
        qid, choices, *rest = row
        n = rest.pop()
        copy = rest.pop() if campaigns else False
        out.append((qid, tuple(choices or ()), tuple(rest), copy, n))
    return out


def _question(q: Question, total: int, cube: list, rows: list, detail: bool, suppress: bool) -> dict:
    options = q.options
    index = {o: i for i, o in enumerate(options)}
    chosen = [0] * len(options)
    copies = [0] * len(options)
    other = 0  # answers naming an option the question no longer has (it was edited after they came in)
    answered = 0
    for choices, _fields, copy, n in rows:
        if not choices:
            continue
        answered += n
        for c in set(choices):
            if c in index:
                chosen[index[c]] += n
                copies[index[c]] += n if copy else 0
            else:
                other += n
    option_rows = [
        {
            "label": o,
            "index": i,
            "count": chosen[i],
            "percent": _percent(chosen[i], total),
            "copies": copies[i],
        }
        for i, o in enumerate(options)
    ]
    if other:
        option_rows.append(
            {
                "label": "An option since removed",
                "index": None,
                "count": other,
                "percent": _percent(other, total),
                "copies": 0,
            }
        )
    option_rows.append(
        {
            "label": NOT_ANSWERED,
            "index": None,
            "count": total - answered,
            "percent": _percent(total - answered, total),
            "copies": None,
            "not_answered": True,
        }
    )
    top = max([r["count"] for r in option_rows] or [0]) or 1
    for i, r in enumerate(option_rows):
        r["bar"] = round(100 * r["count"] / top, 1)
        r["pattern"] = f"dhd-opt-{i % len(PATTERNS)}"
        r["pattern_name"] = PATTERNS[i % len(PATTERNS)]
    result = {
        "id": q.pk,
        "position": q.position,
        "text": q.text,
        "kind": q.kind,
        "kind_label": q.get_kind_display(),
        "multiple": q.kind == Question.Kind.MULTIPLE,
        "responses": total,
        "answered": answered,
        "options": option_rows,
        "copies": sum(copies),
    }
    if detail:
        result["breakdowns"] = _breakdowns(options, cube, rows, suppress)
    return result


def _breakdowns(options: list[str], cube: list, rows: list, suppress_small: bool = True) -> list[dict]:
    """Per breakdown, one row per group: its responses and, per option and "not answered", the count and
    the percentage of the group's responses. Organisation types count organisations only. Where a count
    could identify someone (region, organisation type) counts under the threshold are hidden, and so is
    the next smallest count of a row that would give a single hidden one away."""
    out = []
    index = {o: i for i, o in enumerate(options)}
    for field, title, choices, identifying in BREAKDOWNS:
        b = FIELDS.index(field)
        suppress = identifying and suppress_small
        labels = dict(choices.choices)
        bases: dict = defaultdict(int)
        for *values, n in cube:
            if field == "organisation_type" and values[TYPE] != Response.RespondentType.ORGANISATION:
                continue
            bases[values[b]] += n
        chosen: dict = defaultdict(lambda: [0] * len(options))
        answered: dict = defaultdict(int)
        for choice_set, fields, _copy, n in rows:
            if not choice_set or (
                field == "organisation_type" and fields[TYPE] != Response.RespondentType.ORGANISATION
            ):
                continue
            answered[fields[b]] += n
            for c in set(choice_set):
                if c in index:
                    chosen[fields[b]][index[c]] += n
        groups = []
        for value, base in sorted(bases.items(), key=lambda kv: (-kv[1], _label(labels, kv[0]))):
            counts = chosen[value] + [base - answered[value]]
            groups.append(_group_row(_label(labels, value), base, counts, suppress))
        out.append(
            {
                "key": field,
                "title": title,
                "columns": options + [NOT_ANSWERED],
                "groups": groups,
                "suppressed": suppress,
                "threshold": selectors.threshold(),
            }
        )
    return out


def _group_row(label: str, base: int, counts: list[int], suppress: bool) -> dict:
    limit = selectors.threshold()
    hide = [suppress and 0 < n < limit for n in counts]
    if suppress and hide.count(True) == 1:
        shown = [(n, i) for i, n in enumerate(counts) if not hide[i] and n > 0]
        if shown:
            hide[min(shown)[1]] = True
    cells = [
        {
            "count": None if h else n,
            "percent": None if h else _percent(n, base),
            "display": f"fewer than {limit}" if h else f"{n} ({_percent(n, base)}%)",
        }
        for n, h in zip(counts, hide, strict=True)
    ]
    base_hidden = suppress and 0 < base < limit
    return {
        "label": label,
        "responses": None if base_hidden else base,
        "responses_display": f"fewer than {limit}" if base_hidden else str(base),
        "cells": cells,
    }


def _add_days(results: list[dict], questions: list[Question], per: dict[tuple, int]) -> None:
    """Per question, per local day of submission: how many chose each option (days with none included
    between the first and the last, as zero, when that is under selectors.MAX_FILLED_DAYS). `per`:
    selectors.per_day_grouped's counts of the answers by question and choices."""
    by_q: dict[int, dict] = defaultdict(dict)
    for (qid, choices, day), n in per.items():
        if day is not None and choices:
            by_q[qid].setdefault(day, []).append((choices, n))
    for result, q in zip(results, questions, strict=True):
        days = by_q.get(q.pk, {})
        index = {o: i for i, o in enumerate(q.options)}
        if days:
            first, last = min(days), max(days)
            if (last - first).days <= selectors.MAX_FILLED_DAYS:
                for i in range((last - first).days + 1):
                    days.setdefault(first + timedelta(days=i), [])
        rows = []
        for day in sorted(days):
            counts = [0] * len(q.options)
            for choices, n in days[day]:
                for c in set(choices):
                    if c in index:
                        counts[index[c]] += n
            rows.append({"day": day.isoformat(), "counts": counts, "total": sum(counts)})
        top = max([r["total"] for r in rows] or [0]) or 1
        for i, r in enumerate(rows):
            # Stacked columns of the SVG chart: viewBox units, 12 per day and 100 high.
            y = 100.0
            r["x"] = i * 12 + 1
            r["segments"] = []
            for k, n in enumerate(r["counts"]):
                h = round(100 * n / top, 2)
                y = round(y - h, 2)
                if n:
                    r["segments"].append({"pattern": f"dhd-opt-{k % len(PATTERNS)}", "y": y, "h": h})
        result["days"] = rows
        result["days_width"] = max(len(rows) * 12, 120)  # a day or two stay narrow columns


def _theme_rows(consultation, answers, closed_ids) -> list[tuple]:
    """(theme id, closed question id, choices, responses): the active themes tagged (and not rejected) on
    any text answer of the responses counted, per closed question and set of choices of those responses."""
    rows = (
        ThemeAssignment.objects.filter(
            rejected=False,
            theme__consultation=consultation,
            theme__is_active=True,
            answer__response__in=answers.values("response_id"),
            answer__response__answers__question_id__in=closed_ids,
        )
        .values_list(
            "theme_id", "answer__response__answers__question_id", "answer__response__answers__choices"
        )
        .annotate(n=Count("answer__response_id", distinct=True))
        .order_by()
    )
    return list(rows)


def _add_themes(results: list[dict], consultation, rows: list[tuple]) -> None:
    """ "Of those who chose this option, these themes": the active themes tagged (and not rejected) on any
    text answer of the responses that chose each option, with how many of those responses raised each
    (`rows`: _theme_rows')."""
    labels = dict(Theme.objects.filter(consultation=consultation, is_active=True).values_list("pk", "label"))
    per: dict[tuple[int, str], dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for theme_id, qid, choices, n in rows:
        for c in set(choices or ()):
            per[(qid, c)][theme_id] += n
    for result in results:
        result["has_themes"] = bool(per) and any((result["id"], o["label"]) in per for o in result["options"])
        for option in result["options"]:
            if option.get("not_answered"):
                continue
            found = per.get((result["id"], option["label"]), {})
            top = sorted(found.items(), key=lambda kv: (-kv[1], labels.get(kv[0], "")))[:THEMES_PER_OPTION]
            option["themes"] = [
                {
                    "id": tid,
                    "label": labels.get(tid, ""),
                    "count": n,
                    "percent": _percent(n, option["count"]),
                }
                for tid, n in top
            ]


def option_filter(question: Question, option: str) -> Q:
    """Answers to `question` that chose `option` (exact JSON matches: one per set of choices that holds it,
    read from the answers themselves, so it works on SQLite and PostgreSQL alike)."""
    if question.kind != Question.Kind.MULTIPLE:
        return Q(question=question, choices=[option])
    sets = Answer.objects.filter(question=question).values_list("choices", flat=True).order_by().distinct()
    cond = Q(pk__in=[])
    for choices in {tuple(c or ()) for c in sets}:
        if option in choices:
            cond |= Q(choices=list(choices))
    return Q(question=question) & cond


PUBLIC_QUESTION_FIELDS = (
    "id", "position", "text", "kind", "kind_label", "multiple", "responses", "answered", "copies", "options",
    "days", "days_width", "has_themes",
)  # fmt: skip
PUBLIC_OPTION_FIELDS = (
    "label", "index", "count", "percent", "copies", "not_answered", "bar", "pattern", "pattern_name",
    "themes",
)  # fmt: skip


def public_results(results: list[dict]) -> list[dict]:
    """Closed-question results as anyone may read them (a published report, the open API): a whitelist of
    fields, and in every breakdown (not only region and organisation type) the counts under the threshold
    hidden, with secondary suppression, because one cell of a cross-tabulation can single someone out."""
    out = []
    for q in results:
        public = {k: q[k] for k in PUBLIC_QUESTION_FIELDS if k in q}
        public["options"] = [{k: o[k] for k in PUBLIC_OPTION_FIELDS if k in o} for o in q.get("options", [])]
        public["breakdowns"] = [
            {
                **{k: b[k] for k in ("key", "title", "columns", "threshold") if k in b},
                "suppressed": True,
                "groups": [_public_group(g) for g in b.get("groups", [])],
            }
            for b in q.get("breakdowns", [])
        ]
        out.append(public)
    return out


def _public_group(group: dict) -> dict:
    counts = [c.get("count") for c in group.get("cells", [])]
    if group.get("responses") is None or None in counts:
        return group  # a breakdown the team's copy already suppressed by the same rule
    return _group_row(group.get("label", ""), group["responses"], counts, True)
