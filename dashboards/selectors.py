"""Reads for the consultation dashboard: counts grouped in the database, a fixed number of queries."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import groupby
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import CharField, Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Cast, Substr, TruncDate
from django.utils import timezone

from comments.models import Comment
from consultations.models import Document, Section
from consultations.tree import with_clauses
from insights import units
from insights.models import Campaign, CampaignMember, Enrichment, Theme, ThemeAssignment
from responses.models import EngagementEvent, Response

from .models import ResultsVersion

STANCES = ["agree", "disagree", "mixed", "unclear"]


def threshold() -> int:
    return int(getattr(settings, "SMALL_NUMBER_THRESHOLD", 5))


@dataclass
class Bar:
    label: str
    value: int
    suppressed: bool = False
    percent: float = 0.0

    @property
    def display(self) -> str:
        return f"fewer than {threshold()}" if self.suppressed else str(self.value)


def bars(rows: list[tuple[str, int]], *, suppress: bool = False) -> list[Bar]:
    """Bars scaled to the largest value; with `suppress`, counts under the threshold are hidden
    (shown as "fewer than N", drawn as an empty bar) because they could identify someone.

    When exactly one count is hidden, the total and the other counts would give it away by subtraction,
    so the next smallest count is hidden too (secondary suppression)."""
    out = [Bar(label, n, suppressed=suppress and 0 < n < threshold()) for label, n in rows]
    hidden = [b for b in out if b.suppressed]
    shown = [b for b in out if not b.suppressed and b.value > 0]
    if len(hidden) == 1 and shown:
        min(shown, key=lambda b: b.value).suppressed = True
    top = max([b.value for b in out if not b.suppressed] or [0])
    for b in out:
        b.percent = 0.0 if b.suppressed or not top else round(100 * b.value / top, 1)
    return out


BREAKDOWN_FIELDS = ("channel", "respondent_type", "region", "organisation_type")
# The respondent fields every breakdown of responses reads, in the order of respondent_cube's rows.
RESPONDENT_FIELDS = ("channel", "respondent_type", "organisation_type", "region")


def _choices_rows(counts: dict, labels: dict) -> list[tuple[str, int]]:
    rows = sorted(counts.items(), key=lambda kv: -kv[1])
    return [(str(labels.get(value) or "Not given"), n) for value, n in rows]


TALLIES_SECONDS = 24 * 3600


class Tallies:
    """The grouped counts of one consultation that the dashboard reads (the respondent cube, responses by
    day, the closed answers grouped by respondent and by day, the themes beside each option, and the rest
    of the page: comments, the clause heat map, themes, campaigns, moderation, events, stances), kept in
    the cache under the consultation's ResultsVersion (dashboards/models.py), whose tokens PostgreSQL
    moves on in the same transaction as any change to the rows they count. A count is therefore served
    from the cache only while nothing it was counted from has changed since; the first page after a change
    counts again in the database. The counts of responses, answers, campaigns and themes are kept under
    `token`; those that also read comments, letters, events and their notes, files' text, ideas or
    enrichment (`activity=True`) under both tokens, so that a comment or a stance leaves the costly
    responses' counts in the cache. The version is read once (the first count asked for), so one page's
    counts are of one state. On SQLite (no version) every count is read live."""

    def __init__(self, consultation):
        self.consultation = consultation
        self._version: str | None = None
        self._activity: str | None = None
        self._read = False

    def version(self, activity: bool = False) -> str | None:
        """The consultation's results token, with `activity` followed by its activity token (None on
        SQLite, or before anything was counted)."""
        if not self._read:
            self._read = True
            if connection.vendor == "postgresql":
                tokens = (
                    ResultsVersion.objects.filter(consultation_id=self.consultation.pk)
                    .values_list("token", "activity")
                    .first()
                )
                if tokens:
                    self._version, self._activity = tokens[0].hex, tokens[1].hex
        if activity and self._version is not None:
            return f"{self._version}.{self._activity}"
        return self._version

    def get(self, name: str, count: Callable[[], Any], *parts, activity: bool = False) -> Any:
        """`count()`'s value, from the cache when it was counted at the current version. `parts`: what
        else the value depends on (question ids, the time zone of its days). `activity`: the count reads
        a table of ResultsVersion.activity's (comments, letters, events, notes, files, ideas, enrichment).
        One entry per consultation and count, replaced when counted again: the counts of earlier versions
        take no room."""
        version = self.version(activity)
        if version is None:
            return count()
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
        key = f"dashboards:tallies:{self.consultation.pk}:{name}:{digest}"
        kept = cache.get(key)
        if kept is not None and kept[0] == version:
            return kept[1]
        value = count()
        cache.set(key, (version, value), timeout=TALLIES_SECONDS)
        return value


def respondent_cube(consultation, responses=None, tallies: Tallies | None = None) -> list[tuple]:
    """Submitted responses counted per combination of RESPONDENT_FIELDS: rows (*values, n) from one grouped
    scan, which the dashboard's response breakdowns and the closed-question results share. `responses`:
    only those (a queryset of response ids); all of them are counted through `tallies`."""
    qs = submitted_responses(consultation)
    if responses is not None:
        qs = qs.filter(pk__in=responses)

    def count() -> list[tuple]:
        return list(qs.values_list(*RESPONDENT_FIELDS).annotate(n=Count("pk")).order_by())

    return count() if responses is not None else (tallies or Tallies(consultation)).get("cube", count)


def response_counts(consultation, cube: list[tuple] | None = None) -> tuple[int, dict[str, dict]]:
    """(submitted responses, {field: {value: count}}) from the respondent cube (one grouped scan of the
    responses, not one per breakdown; given, no query); organisation types count organisations only."""
    per: dict[str, dict] = {f: {} for f in BREAKDOWN_FIELDS}
    total = 0
    for *values, n in respondent_cube(consultation) if cube is None else cube:
        row = dict(zip(RESPONDENT_FIELDS, values, strict=True))
        total += n
        for f in BREAKDOWN_FIELDS:
            if f == "organisation_type" and row["respondent_type"] != "organisation":
                continue
            per[f][row[f]] = per[f].get(row[f], 0) + n
    return total, per


COMMENTER_FIELDS = ("respondent_type", "region", "organisation_type")


def commenter_counts(consultation) -> tuple[int, dict[str, dict]]:
    """(people who commented, {field: {value: people}}) from what commenters gave once on their profile
    (dhdigital.accounts.about: the same choices as a response's): each person counted once, whatever how
    many comments they made; comments withdrawn do not count. Organisation types count organisations only."""
    per: dict[str, dict] = {f: {} for f in COMMENTER_FIELDS}
    total = 0
    rows = (
        Comment.objects.filter(consultation=consultation, author__isnull=False)
        .exclude(status=Comment.Status.WITHDRAWN)
        .values(*(f"author__{f}" for f in COMMENTER_FIELDS))
        .annotate(n=Count("author", distinct=True))
        .order_by()
    )
    for row in rows:
        n = row["n"]
        total += n
        for f in COMMENTER_FIELDS:
            value = row[f"author__{f}"]
            if f == "organisation_type" and row["author__respondent_type"] != "organisation":
                continue
            per[f][value] = per[f].get(value, 0) + n
    return total, per


def submitted_responses(consultation):
    return Response.objects.filter(consultation=consultation, status=Response.Status.SUBMITTED)


def _per_day(qs, column: str) -> dict:
    """{local date: count}."""
    return {key[-1]: n for key, n in per_day_grouped(qs, column).items()}


def per_day_grouped(qs, column: str, *fields: str) -> dict[tuple, int]:
    """{(*fields' values, local date): count}. PostgreSQL groups by the local date itself; SQLite converts
    time zones in a Python function called once per row, so there the rows are grouped by their UTC hour
    in SQL (the stored text's first 13 characters) and the few hundred hours are turned into local dates
    here."""
    out: dict[tuple, int] = {}
    if connection.vendor != "sqlite":
        rows = qs.annotate(day=TruncDate(column)).values_list(*fields, "day").annotate(n=Count("pk"))
        for *key, n in rows.order_by():
            out[tuple(_hashable(k) for k in key)] = n
        return out
    hours = qs.annotate(hour=Substr(Cast(column, CharField()), 1, 13)).values_list(*fields, "hour")
    tz = timezone.get_current_timezone()
    for *key, hour, n in hours.annotate(n=Count("pk")).order_by():
        if not hour:
            continue
        day = datetime.strptime(hour, "%Y-%m-%d %H").replace(tzinfo=UTC).astimezone(tz).date()
        k = (*(_hashable(v) for v in key), day)
        out[k] = out.get(k, 0) + n
    return out


def _hashable(value):
    return tuple(value) if isinstance(value, list) else value


MAX_FILLED_DAYS = 400


def over_time(consultation, tallies: Tallies | None = None) -> list[dict]:
    """Submitted responses and comments per day, from the first day anything arrived to the last, days
    with nothing included (as zero) so the columns keep the shape of time."""
    days: dict = {}
    responses = (tallies or Tallies(consultation)).get(
        "responses_by_day",
        lambda: _per_day(submitted_responses(consultation), "submitted_at"),
        timezone.get_current_timezone_name(),
    )
    for day, n in responses.items():
        days.setdefault(day, {"responses": 0, "comments": 0})["responses"] = n
    comments = (tallies or Tallies(consultation)).get(
        "comments_by_day",
        lambda: _per_day(Comment.objects.filter(consultation=consultation), "created_at"),
        timezone.get_current_timezone_name(),
        activity=True,
    )
    for day, n in comments.items():
        days.setdefault(day, {"responses": 0, "comments": 0})["comments"] = n
    days.pop(None, None)
    if days:
        first, last = min(days), max(days)
        if (last - first).days <= MAX_FILLED_DAYS:
            for i in range((last - first).days + 1):
                days.setdefault(first + timedelta(days=i), {"responses": 0, "comments": 0})
    rows = [{"day": d, **v} for d, v in sorted(days.items())]
    top = max([max(r["responses"], r["comments"]) for r in rows] or [1]) or 1
    for i, r in enumerate(rows):
        # Geometry for the SVG column chart (viewBox units: 12 per day, 100 high).
        r["responses_h"] = round(100 * r["responses"] / top, 1)
        r["comments_h"] = round(100 * r["comments"] / top, 1)
        r["responses_y"], r["comments_y"] = 100 - r["responses_h"], 100 - r["comments_h"]
        r["x1"], r["x2"] = i * 12 + 1, i * 12 + 6
    return rows


def breakdowns(per: dict[str, dict], prefix: str = "", who: str = "") -> list[dict]:
    """The bar charts of `per` (response_counts' or commenter_counts'); `prefix` keeps chart ids unique and
    `who` ("Commenters") their names, so that two charts on one page never share an accessible name."""
    out = [
        {
            "key": "channel",
            "title": "By channel",
            "bars": bars(_choices_rows(per.get("channel", {}), dict(Response.Channel.choices))),
        },
        {
            "key": "respondent_type",
            "title": "By respondent type",
            "bars": bars(
                _choices_rows(per.get("respondent_type", {}), dict(Response.RespondentType.choices))
            ),
        },
        {
            "key": "region",
            "title": "By region",
            "bars": bars(_choices_rows(per.get("region", {}), dict(Response.Region.choices)), suppress=True),
        },
        {
            "key": "organisation_type",
            "title": "By organisation type",
            "bars": bars(
                _choices_rows(per.get("organisation_type", {}), dict(Response.OrganisationType.choices)),
                suppress=True,
            ),
        },
    ]
    out = [b for b in out if b["key"] in per]
    for b in out:
        b["key"] = prefix + b["key"]
        if who:
            b["title"] = f"{who} {b['title'][0].lower()}{b['title'][1:]}"
    return out


HEAT_LEVELS = ["none", "low", "medium", "high", "highest"]


@dataclass
class ClauseRow:
    section: Section
    comments: int = 0
    stances: dict = field(default_factory=dict)
    themes: list = field(default_factory=list)
    percent: float = 0.0
    excerpt: str = ""
    groups: list = field(default_factory=list)  # part, chapter or cross-heading labels opening here
    by_kind: dict = field(default_factory=dict)  # unit kind -> how many of `comments` are of that kind

    @property
    def count_text(self) -> str:
        """ "3 comments", "3 comments, 1 letter on a clause and 2 notes from events"."""
        parts = [
            f"{self.by_kind.get('comment', 0)} comment{'s' if self.by_kind.get('comment', 0) != 1 else ''}"
        ]
        for kind, n in self.by_kind.items():
            if kind != "comment" and n:
                one, many = units.get(kind).noun
                parts.append(f"{n} {one if n == 1 else many}")
        return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

    @property
    def heat(self) -> int:
        """0 (no comments) to 4 (at least three quarters of the most commented clause's count)."""
        if not self.comments:
            return 0
        return min(4, 1 + int(self.percent // 25))

    @property
    def heat_label(self) -> str:
        return HEAT_LEVELS[self.heat]

    @property
    def stance_bars(self) -> list[dict]:
        return stance_segments(self.stances)


def stance_segments(stances: dict) -> list[dict]:
    """Segments of a stacked bar (x offset and width in percent), each with its own fill pattern."""
    total = sum(stances.values()) or 1
    out, x = [], 0.0
    for s in STANCES:
        n = stances.get(s, 0)
        if n:
            w = round(100 * n / total, 1)
            out.append({"stance": s, "count": n, "x": x, "width": w, "pattern": f"dhd-{s}"})
            x = round(x + w, 1)
    return out


def current_document(consultation) -> Document | None:
    return (
        Document.objects.filter(consultation=consultation)
        .exclude(state=Document.State.DRAFT)
        .order_by("-version")
        .first()
        or Document.objects.filter(consultation=consultation).order_by("-version").first()
    )


def clause_heatmap(
    consultation, document: Document | None, tallies: Tallies | None = None
) -> list[ClauseRow]:
    """Each clause of the document with its comments (subsections counted into the clause), the stance
    split of those comments and its most used themes. Comments made on an earlier version of the
    document count for the clause that carries on its lineage key, so a revised draft keeps the heat of
    what people said about the old wording. A few queries whatever the size; the counts through
    `tallies`."""
    if document is None:
        return []
    sections = Section.objects.filter(
        document__consultation=consultation, document__slug=document.slug
    ).order_by("document_id", "position")
    clause_of: dict[int, ClauseRow] = {}
    rows: list[ClauseRow] = []
    earlier: dict[int, str] = {}  # section of an earlier version -> its clause's lineage key
    groups: list[str] = []
    for doc_id, version in groupby(sections, key=lambda s: s.document_id):
        for s, clause in with_clauses(version):
            if clause is None:
                groups += [s.label] if doc_id == document.pk and s.kind in Section.GROUPING else []
            elif doc_id != document.pk:
                earlier[s.pk] = clause.lineage_key
            else:
                if s is clause:
                    rows.append(ClauseRow(section=s, groups=groups))
                    groups = []
                clause_of[s.pk] = rows[-1]
                if not rows[-1].excerpt and s.text:
                    rows[-1].excerpt = s.text
    by_key = {r.section.lineage_key: r for r in rows}
    for pk, key in earlier.items():
        if key in by_key:
            clause_of[pk] = by_key[key]
    tallies = tallies or Tallies(consultation)
    for kind, sid, n in tallies.get("clause_counts", lambda: _clause_counts(consultation), activity=True):
        if sid in clause_of:
            clause_of[sid].comments += n
            clause_of[sid].by_kind[kind] = clause_of[sid].by_kind.get(kind, 0) + n
    for sid, stance, n in tallies.get("clause_stances", lambda: _clause_stances(consultation), activity=True):
        if sid in clause_of:
            row = clause_of[sid]
            row.stances[stance] = row.stances.get(stance, 0) + n
    for t in tallies.get("clause_themes", lambda: _clause_themes(consultation)):
        row = by_key.get(t["scope"].partition(":")[2])
        if row is not None and len(row.themes) < 3:
            row.themes.append(t)
    top = max([r.comments for r in rows] or [0]) or 1
    for r in rows:
        r.percent = round(100 * r.comments / top, 1)
    return rows


def _clause_themes(consultation) -> list[dict]:
    """The active themes of clauses (pk, label, scope), most tagged first, with their tags not rejected
    (n)."""
    themes = (
        Theme.objects.filter(consultation=consultation, is_active=True, scope__startswith="clause:")
        .annotate(n=Count("assignments", filter=Q(assignments__rejected=False)))
        .order_by("-n", "pk")
    )
    return [{"pk": t.pk, "label": t.label, "scope": t.scope, "n": t.n} for t in themes]


def _clause_counts(consultation) -> list[tuple[str, int, int]]:
    """(unit kind, section id, units) of every kind recorded against clauses (insights.units: comments,
    letters, event notes), on the sections of every document of the consultation."""
    out = []
    for k in units.kinds():
        if k.section_lookup:
            section = f"{k.section_lookup}_id"
            rows = k.clause_rows(consultation.pk).values_list(section).annotate(n=Count("pk"))
            out += [(k.kind, sid, n) for sid, n in rows.values_list(section, "n").order_by()]
    return out


def _clause_stances(consultation) -> list[tuple[int, str, int]]:
    """(section id, stance, units) of the same units, from their enrichment."""
    out = []
    for k in units.kinds():
        if k.section_lookup:
            section = f"{k.section_lookup}_id"
            rows = (
                Enrichment.objects.filter(**{f"{k.field}__in": k.clause_rows(consultation.pk).values("pk")})
                .values_list(f"{k.field}__{section}", "stance")
                .annotate(n=Count("pk"))
                .order_by()
            )
            out += list(rows)
    return out


def top_themes(consultation, limit: int = 10, tallies: Tallies | None = None) -> list[dict]:
    """Themes by number of (non-rejected) tags, with share of all tagged units, stance split and quotes
    (plain data, kept through `tallies`)."""
    return (tallies or Tallies(consultation)).get(
        "top_themes", lambda: _top_themes(consultation, limit), limit, activity=True
    )


def _top_themes(consultation, limit: int) -> list[dict]:
    """Themes by number of (non-rejected) tags, with share of all tagged units, stance split and quotes."""
    themes = list(
        Theme.objects.filter(consultation=consultation, is_active=True)
        .annotate(n=Count("assignments", filter=Q(assignments__rejected=False)))
        .order_by("-n", "label")[:limit]
    )
    if not themes:
        return []
    total = (
        ThemeAssignment.objects.filter(
            theme__consultation=consultation, theme__is_active=True, rejected=False
        ).count()
        or 1
    )
    split: dict[int, dict[str, int]] = {}
    live = ThemeAssignment.objects.filter(theme__in=themes, rejected=False)
    for kind in units.kinds():
        ref = f"{kind.field}_id"
        stance = Enrichment.objects.filter(**{ref: OuterRef(ref)}).values("stance")[:1]
        rows = (
            live.filter(**{f"{ref}__isnull": False})
            .annotate(stance=Subquery(stance))
            .values("theme_id", "stance")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for r in rows:
            d = split.setdefault(r["theme_id"], {})
            key = r["stance"] or "unclear"
            d[key] = d.get(key, 0) + r["n"]
    return [
        {
            "theme": {"pk": t.pk, "label": t.label},
            "count": t.n,
            "share": round(100 * t.n / total, 1),
            "stances": stance_segments(split.get(t.pk, {})),
            "quotes": (t.quotes or [])[:2],
        }
        for t in themes
    ]


def campaign_figures(consultation, tallies: Tallies | None = None) -> dict:
    """Every unit the analysis reads (insights.units: comments, answers, letters, event notes, file text,
    ideas), with each campaign counted once; through `tallies`."""
    return (tallies or Tallies(consultation)).get(
        "campaigns", lambda: _campaign_figures(consultation), activity=True
    )


def _campaign_figures(consultation) -> dict:
    agg = Campaign.objects.filter(consultation=consultation).aggregate(n=Count("pk"))
    members = CampaignMember.objects.filter(campaign__consultation=consultation).count()
    total = units.units_count(consultation.pk)
    return {
        "units": total,
        "campaigns": agg["n"],
        "in_campaigns": members,
        "unique": max(total - members + agg["n"], 0),
    }


def moderation_figures(consultation) -> dict:
    qs = Comment.objects.filter(consultation=consultation)
    counts = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    decided = qs.filter(moderated_at__isnull=False).annotate(took=F("moderated_at") - F("created_at"))
    n = decided.count()
    median = None
    if n:
        middle = decided.order_by("took").values_list("took", flat=True)[n // 2 : n // 2 + 1]
        median = list(middle)[0]
    return {
        "pending": counts.get(Comment.Status.PENDING, 0),
        "rejected": counts.get(Comment.Status.REJECTED, 0),
        "hidden": counts.get(Comment.Status.HIDDEN, 0),
        "published": counts.get(Comment.Status.PUBLISHED, 0),
        "decided": n,
        "median": median,
        "median_text": _duration_text(median) if median is not None else "",
    }


def _duration_text(d) -> str:
    seconds = int(d.total_seconds()) if hasattr(d, "total_seconds") else int(d or 0) // 1_000_000
    hours, rest = divmod(seconds, 3600)
    if hours >= 48:
        return f"{hours // 24} days"
    if hours:
        return f"{hours} h {rest // 60} min"
    return f"{rest // 60} min"


EVENT_FIELDS = ("pk", "title", "starts_at", "online", "location", "attendees", "note_count")


def events(consultation, tallies: Tallies | None = None) -> list[dict]:
    """The consultation's events (EVENT_FIELDS) with how many notes of feedback were recorded at each (one
    query, kept through `tallies`)."""

    def count() -> list[dict]:
        rows = (
            EngagementEvent.objects.filter(consultation=consultation)
            .annotate(note_count=Count("notes"))
            .order_by("starts_at")
        )
        return [{f: getattr(e, f) for f in EVENT_FIELDS} for e in rows]

    return (tallies or Tallies(consultation)).get("events", count, activity=True)


def _commenters(consultation, tallies: Tallies) -> dict:
    total, per = tallies.get("commenters", lambda: commenter_counts(consultation), activity=True)
    return {
        "commenters": total,
        "commenter_breakdowns": breakdowns(per, prefix="commenters-", who="Commenters") if total else [],
    }


def dashboard(consultation, cube: list[tuple] | None = None, tallies: Tallies | None = None) -> dict:
    """Everything on the dashboard but the closed-question results; `cube`: respondent_cube's rows, when
    the caller has them already (the view shares them with the closed-question results); `tallies`: the
    page's (one version read for all its counts)."""
    tallies = tallies or Tallies(consultation)
    document = current_document(consultation)
    total_responses, per = response_counts(consultation, cube)
    return {
        "total_responses": total_responses,
        "total_comments": tallies.get(
            "comments", lambda: Comment.objects.filter(consultation=consultation).count(), activity=True
        ),
        "over_time": (ot := over_time(consultation, tallies)),
        "over_time_width": max(len(ot) * 12, 12),
        "breakdowns": breakdowns(per),
        **_commenters(consultation, tallies),
        "document": document,
        "heatmap": (heatmap := clause_heatmap(consultation, document, tallies)),
        "heatmap_grouped": any(r.groups for r in heatmap),
        "top_themes": top_themes(consultation, tallies=tallies),
        "campaigns": campaign_figures(consultation, tallies),
        "moderation": tallies.get("moderation", lambda: moderation_figures(consultation), activity=True),
        "events": events(consultation, tallies),
        "threshold": threshold(),
    }
