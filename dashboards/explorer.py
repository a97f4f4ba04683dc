"""The response explorer: the kinds of response unit the registry offers it (insights.units: comments on
clauses, answers to questions), filtered, searched, sorted and paginated. One queryset, of the kind
chosen by the `type` filter, rather than a UNION: each is a plain indexed query on one table, and the
page's enrichments, tags and reviews are fetched in one query each, so the number of queries does not
grow with the page size or the data."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Exists, OuterRef, Q

from comments.models import Comment
from consultations.models import Consultation, Document, Section
from insights import units
from insights.models import CampaignMember, Enrichment, Theme, ThemeAssignment
from responses.models import Answer, Question, Response, ResponseAttachment

from . import closed
from .models import UnitReview
from .selectors import STANCES

PAGE_SIZES = (25, 50, 100)
SORTS = {
    "newest": "Newest first",
    "oldest": "Oldest first",
    "relevance": "Most relevant (with a search)",
}


def default_type(consultation: Consultation) -> str:
    return "comment" if consultation.kind == Consultation.Kind.DRAFT_BILL else "answer"


class ExplorerForm(forms.Form):
    """Every filter is optional; bad values are reported, never silently widened."""

    type = forms.ChoiceField(
        label="Show", choices=[(k.kind, k.explorer_label) for k in units.explorer_kinds()], required=False
    )
    q = forms.CharField(label="Search the text", required=False, max_length=200)
    clause = forms.TypedChoiceField(label="Clause", required=False, coerce=int, empty_value=None)
    question = forms.TypedChoiceField(label="Question", required=False, coerce=int, empty_value=None)
    theme = forms.TypedChoiceField(label="Theme", required=False, coerce=int, empty_value=None)
    option = forms.ChoiceField(
        label="Answer to a closed question",
        required=False,
        help_text="The responses of the people who chose this option",
    )
    stance = forms.ChoiceField(
        label="Stance", required=False, choices=[("", "Any")] + [(s, s.capitalize()) for s in STANCES]
    )
    evidence = forms.ChoiceField(
        label="Evidence-rich",
        required=False,
        choices=[("", "Any"), ("yes", "Evidence-rich only"), ("no", "Not evidence-rich")],
    )
    campaign = forms.ChoiceField(
        label="Campaigns",
        required=False,
        choices=[("", "Any"), ("yes", "Campaign copies only"), ("no", "Unique only")],
    )
    channel = forms.ChoiceField(
        label="Channel (answers)", required=False, choices=[("", "Any")] + list(Response.Channel.choices)
    )
    respondent_type = forms.ChoiceField(
        label="Respondent type (answers)",
        required=False,
        choices=[("", "Any")] + list(Response.RespondentType.choices),
    )
    region = forms.ChoiceField(
        label="Region (answers)", required=False, choices=[("", "Any")] + list(Response.Region.choices)
    )
    reading = forms.ChoiceField(
        label="Reading (attached files)",
        required=False,
        choices=[("", "Any")] + list(ResponseAttachment.Extraction.choices),
    )
    status = forms.ChoiceField(
        label="Moderation state (comments)",
        required=False,
        choices=[("", "Any")] + list(Comment.Status.choices),
    )
    checked = forms.ChoiceField(
        label="Checked by an official",
        required=False,
        choices=[("", "Any"), ("yes", "Checked"), ("no", "Not checked yet")],
    )
    since = forms.DateField(label="From (YYYY-MM-DD)", required=False)
    until = forms.DateField(label="To (YYYY-MM-DD)", required=False)
    sort = forms.ChoiceField(label="Sort by", required=False, choices=list(SORTS.items()))
    per_page = forms.TypedChoiceField(
        label="Per page",
        required=False,
        coerce=int,
        empty_value=25,
        choices=[(n, str(n)) for n in PAGE_SIZES],
    )

    def __init__(self, data, *, consultation: Consultation, **kwargs):
        # The kind shown is the kind listed: without a choice, the consultation's own (answers for a formal
        # consultation), both on the first visit (unbound) and when a filter is applied without one.
        kind = default_type(consultation)
        if data is not None and not data.get("type"):
            data = data.copy()
            data["type"] = kind
        super().__init__(data, **kwargs)
        self.fields["type"].initial = kind
        self.consultation = consultation
        self.fields["clause"].choices = [("", "Any")] + clause_choices(consultation)
        self.fields["question"].choices = [("", "Any")] + [
            (q.pk, f"{q.position}. {q.text[:80]}")
            for q in Question.objects.filter(consultation=consultation).order_by("position")
        ]
        self.closed = closed.closed_questions(consultation)
        self.fields["option"].choices = [("", "Any")] + [
            (f"{q.position}. {q.text[:70]}", [(f"{q.pk}:{i}", o) for i, o in enumerate(q.options)])
            for q in self.closed
        ]
        self.fields["theme"].choices = [("", "Any")] + [
            (t.pk, t.label) for t in Theme.objects.filter(consultation=consultation, is_active=True)
        ]

    def clean_option(self) -> tuple[Question, str] | None:
        """ "<question id>:<option index>" -> (question, option)."""
        value = self.cleaned_data.get("option")
        if not value:
            return None
        qid, _, index = value.partition(":")
        question = next((q for q in self.closed if str(q.pk) == qid), None)
        return question, question.options[int(index)]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "The end date must be on or after the start date")
        return data


def clause_choices(consultation: Consultation) -> list[tuple[int, str]]:
    """One choice per clause, as the newest published version words it (comments on earlier versions are
    found through the lineage key); clauses a later version removed are offered under their old number."""
    clauses = (
        Section.objects.filter(document__consultation=consultation, kind__in=Section.COMMENTABLE)
        .exclude(document__state=Document.State.DRAFT)
        .select_related("document")
        .order_by("document__slug", "-document__version", "position")
    )
    newest: dict[str, int] = {}
    seen: set[tuple[str, str]] = set()
    current: list[tuple[int, str]] = []
    removed: list[tuple[int, str]] = []
    for s in clauses:
        key = (s.document.slug, s.lineage_key)
        if key in seen:
            continue
        seen.add(key)
        if s.document.version == newest.setdefault(s.document.slug, s.document.version):
            current.append((s.pk, s.label))
        else:
            removed.append((s.pk, f"{s.label} (version {s.document.version}, since removed)"))
    return current + removed


def clause_sections(clause: Section):
    """The clause and its subsections in every version of its document, followed by lineage key."""
    cond = Q(pk__in=[])
    for doc_id, first, last in Section.objects.filter(
        document__consultation_id=clause.document.consultation_id,
        document__slug=clause.document.slug,
        lineage_key=clause.lineage_key,
    ).values_list("document_id", "position", "last_descendant"):
        cond |= Q(document_id=doc_id, position__gte=first, position__lte=last)
    return Section.objects.filter(cond)


@dataclass
class UnitRow:
    kind: str
    obj: object
    enrichment: Enrichment | None = None
    tags: list = field(default_factory=list)
    reviewed: bool = False

    @property
    def uid(self) -> str:
        return str(units.UnitKey(self.kind, self.obj.pk))

    @property
    def respondent_key(self) -> str:
        return units.get(self.kind).respondent_key(self.obj)

    @property
    def text(self) -> str:
        return units.get(self.kind).display_text(self.obj)

    @property
    def caption(self) -> str:
        return units.get(self.kind).caption(self.obj)

    @property
    def flag(self) -> str:
        return units.get(self.kind).flag(self.obj)


def _search(qs, text_field: str, q: str):
    """PostgreSQL: websearch query ranked with ts_rank against an indexed tsvector expression.
    SQLite: every word must appear (case-insensitive)."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(text_field, config="english")
        query = SearchQuery(q, search_type="websearch", config="english")
        # Match with @@ (every word, stemmed); ts_rank alone is non-zero when only some words match.
        return qs.annotate(search=vector).filter(search=query).annotate(rank=SearchRank(vector, query)), True
    cond = Q()
    for word in q.split()[:10]:
        cond &= Q(**{f"{text_field}__icontains": word})
    return qs.filter(cond), False


def _common(qs, kind: units.UnitKind, data: dict, consultation):
    ref = f"{kind.field}_id"
    if data.get("theme"):
        tagged = ThemeAssignment.objects.filter(theme_id=data["theme"], rejected=False)
        qs = qs.filter(pk__in=tagged.values(ref))
    enr = Enrichment.objects.filter(consultation=consultation, **{f"{ref}__isnull": False})
    if data.get("stance"):
        qs = qs.filter(pk__in=enr.filter(stance=data["stance"]).values(ref))
    if data.get("evidence"):
        qs = qs.filter(pk__in=enr.filter(evidence_rich=data["evidence"] == "yes").values(ref))
    if data.get("campaign"):
        members = CampaignMember.objects.filter(**{ref: OuterRef("pk")})
        qs = qs.filter(Exists(members)) if data["campaign"] == "yes" else qs.exclude(Exists(members))
    if data.get("checked"):
        reviewed = UnitReview.objects.filter(kind=kind.kind, unit_id=OuterRef("pk"))
        qs = qs.filter(Exists(reviewed)) if data["checked"] == "yes" else qs.exclude(Exists(reviewed))
    return qs


def _clause(consultation, data: dict) -> Section | None:
    if not data.get("clause"):
        return None
    return (
        Section.objects.filter(pk=data["clause"], document__consultation=consultation)
        .select_related("document")
        .first()
    )


def unit_queryset(consultation, data: dict):
    """(kind, queryset, ranked) for the cleaned filters."""
    kind = units.get(data.get("type") or default_type(consultation))
    qs = kind.explorer_rows(consultation)
    if data.get("clause"):
        clause = _clause(consultation, data)
        qs = kind.on_clause(qs, clause, clause_sections(clause)) if clause else qs.none()
    for name, lookup in kind.filters.items():
        if data.get(name):
            qs = qs.filter(**{lookup: data[name]})
    if data.get("option"):
        question, option = data["option"]
        chose = Answer.objects.filter(closed.option_filter(question, option)).values("response_id")
        qs = kind.by_respondents_of(
            qs, Response.objects.filter(pk__in=chose, status=Response.Status.SUBMITTED)
        )
    date_field, text_field = kind.date_field, kind.text_field
    qs = _common(qs, kind, data, consultation)
    if data.get("since"):
        qs = qs.filter(**{f"{date_field}__date__gte": data["since"]})
    if data.get("until"):
        qs = qs.filter(**{f"{date_field}__date__lte": data["until"]})
    ranked = False
    if data.get("q"):
        qs, ranked = _search(qs, text_field, data["q"])
    sort = data.get("sort") or ("relevance" if ranked else "newest")
    if sort == "relevance" and ranked:
        qs = qs.order_by("-rank", "-pk")
    elif sort == "oldest":
        qs = qs.order_by("pk")
    else:
        qs = qs.order_by("-pk")
    return kind.kind, qs


def decorate(kind: str, objs: list) -> list[UnitRow]:
    """Enrichment, tags (with their themes) and review marks of one page: three queries."""
    ids = [o.pk for o in objs]
    ref = f"{units.get(kind).field}_id"
    enrich = {getattr(e, ref): e for e in Enrichment.objects.filter(**{f"{ref}__in": ids})}
    tags: dict[int, list] = {}
    for t in ThemeAssignment.objects.filter(**{f"{ref}__in": ids}, rejected=False).select_related("theme"):
        tags.setdefault(getattr(t, ref), []).append(t)
    reviewed = set(UnitReview.objects.filter(kind=kind, unit_id__in=ids).values_list("unit_id", flat=True))
    return [UnitRow(kind, o, enrich.get(o.pk), tags.get(o.pk, []), o.pk in reviewed) for o in objs]


def explore(consultation, params, page_number) -> dict:
    form = ExplorerForm(params or None, consultation=consultation)
    data = form.cleaned_data if form.is_valid() else {}
    if not params:
        data = {}
    kind, qs = unit_queryset(consultation, data)
    paginator = Paginator(qs, data.get("per_page") or 25)
    page = paginator.get_page(page_number)
    return {
        "form": form,
        "kind": kind,
        "unit_kind": units.get(kind),
        "page": page,
        "rows": decorate(kind, list(page.object_list)),
        "today": date.today(),
        "closed": _closed_results(consultation, form, kind, qs, data),
    }


NOT_FILTERS = ("type", "sort", "per_page")


def _closed_results(consultation, form: ExplorerForm, kind: str, qs, data: dict) -> list[dict]:
    """The closed-question answers of the people behind a filtered selection (the dashboard has them for
    everyone): the overall counts only, one grouped scan of their answers."""
    narrowed = any(v not in (None, "", []) for k, v in data.items() if k not in NOT_FILTERS)
    responses = units.get(kind).responses_of(qs) if narrowed and form.closed else None
    if responses is None:
        return []
    return closed.question_results(consultation, responses=responses, detail=False, questions=form.closed)
