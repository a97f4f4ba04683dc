"""Evaluating what works: reach and engagement figures, all computed from the database.

Definitions (the evaluation pages repeat them):

- Visitors: distinct visitors to the consultation's public pages per day, summed over days
  ("visitor-days"; see `visitors.py`: no cookies, so one person on two days counts twice).
- Comments: published comments from the public (department replies are not counted).
- Respondents: people with at least one published comment, a submitted response or an idea, counted
  once however many they made; responses entered by officials for someone without an account (by
  email, post, phone or at an event) count one each.
- Ideas and votes: ideas in an ideas exercise (those a moderator hid are not counted), the votes on
  them, and the people who voted, each counted once.
- Comments per clause: published comments on each commentable clause of the documents consulted on
  (first versions), a clause's subsections counted into it.
- Responses by channel and respondent type: submitted responses only.
- Events and people taking part: engagement events linked to the consultation and the attendance the
  team recorded for them (events without a recorded attendance add nothing).
- Time to publish the response: whole days from closing to the government response's publication,
  and whether it was published by the date the consultation promised (12 weeks after closing unless
  the team set another date).
- Clauses changed as a result of comments: of the clauses that received published comments, the share
  for which the team's response ledger records that it made the change people asked for or changed
  the clause in another way ("you said, we did"). Clauses without a recorded decision count as not
  changed, and the page says how many have one.
- Commented clauses whose text changed: a check on the ledger from the documents themselves: of the
  clauses that received published comments, the share whose text in the next version differs from
  their own (matched by lineage key), or that the next version removed. Only documents with a
  published next version count towards it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Count, Sum
from django.utils import timezone

from consultations.models import Document, Section
from consultations.tree import clause_texts, with_clauses
from outcomes.models import LedgerEntry

from .models import DailyVisitorCount, DailyVisitorHash


@dataclass
class ClauseCount:
    label: str
    anchor: str
    comments: int


@dataclass
class Share:
    label: str
    count: int
    percent: int


@dataclass
class ConsultationFigures:
    consultation: object
    visitors: int = 0
    comments: int = 0
    responses: int = 0
    respondents: int = 0
    clauses: list[ClauseCount] = field(default_factory=list)
    by_channel: list[Share] = field(default_factory=list)
    by_respondent_type: list[Share] = field(default_factory=list)
    days_to_response: int | None = None
    response_due: object = None  # the date the response was promised for
    response_on_time: bool | None = None
    events: int = 0
    event_attendees: int = 0
    ideas: int = 0
    idea_votes: int = 0
    commented_clauses: int = 0
    ledger_recorded: int = 0  # commented clauses with a decision in the response ledger
    ledger_changed: int = 0  # ... of which accepted or changed
    diffed_clauses: int = 0  # commented clauses of documents with a published next version
    changed_clauses: int = 0  # ... of which the text changed
    has_next_version: bool = False
    # Identities behind `respondents` and `voters`, for de-duplicating across a project's consultations.
    respondent_user_ids: set[int] = field(default_factory=set, repr=False)
    voter_ids: set[int] = field(default_factory=set, repr=False)
    offline_respondents: int = 0

    @property
    def comments_per_clause(self) -> float | None:
        return round(self.comments_on_clauses / len(self.clauses), 1) if self.clauses else None

    @property
    def comments_on_clauses(self) -> int:
        return sum(c.comments for c in self.clauses)

    @property
    def voters(self) -> int:
        return len(self.voter_ids)

    @property
    def changed_percent(self) -> int | None:
        return _percent(self.changed_clauses, self.diffed_clauses) if self.has_next_version else None

    @property
    def ledger_changed_percent(self) -> int | None:
        return _percent(self.ledger_changed, self.commented_clauses) if self.ledger_recorded else None


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def _model(label: str):
    try:
        return apps.get_model(label)
    except LookupError:
        return None


def _field_names(model) -> set[str]:
    return {f.name for f in model._meta.get_fields()}


def shares(counter: Counter, labels: dict[str, str]) -> list[Share]:
    """Counts and whole percentages, largest first; ties in the order of the choices."""
    total = sum(counter.values())
    if not total:
        return []
    order = {key: n for n, key in enumerate(labels)}
    keys = sorted(counter, key=lambda k: (-counter[k], order.get(k, len(order)), str(k)))
    return [
        Share(labels.get(k, k or "Not stated"), counter[k], round(100 * counter[k] / total)) for k in keys
    ]


def visitors_for(consultation_ids) -> dict[int, int]:
    """{consultation_id: visitor-days}: past days' counts plus today's distinct hashes."""
    totals: Counter = Counter()
    for row in (
        DailyVisitorCount.objects.filter(consultation_id__in=consultation_ids)
        .values("consultation_id")
        .annotate(n=Sum("visitors"))
    ):
        totals[row["consultation_id"]] += row["n"]
    for row in (
        DailyVisitorHash.objects.filter(consultation_id__in=consultation_ids)
        .values("consultation_id", "day")
        .annotate(n=Count("digest", distinct=True))
    ):
        totals[row["consultation_id"]] += row["n"]
    return dict(totals)


def _published_comments(consultation):
    Comment = _model("comments.Comment")
    if Comment is None:
        return None
    return Comment.objects.filter(consultation=consultation, status="published", is_official=False)


def _subtree_texts(document) -> tuple[list, dict[int, int], dict[str, str]]:
    """The document's commentable clauses, {section_id: clause_id} for every section inside a clause,
    and {lineage_key: the clause's text} (consultations.tree)."""
    sections = (
        Section.objects.filter(document=document)
        .order_by("position")
        .only("id", "kind", "position", "last_descendant")
    )
    owner = {s.id: clause.id for s, clause in with_clauses(sections) if clause is not None}
    texts = clause_texts(document)
    return [c.section for c in texts.values()], owner, {key: c.text for key, c in texts.items()}


def _clause_figures(figures: ConsultationFigures, consultation, comments) -> None:
    documents = (
        Document.objects.filter(consultation=consultation, previous_version__isnull=True)
        .exclude(state=Document.State.DRAFT)
        .select_related("next_version")
    )
    commented_keys: set[str] = set()
    for document in documents:
        clauses, owner, texts = _subtree_texts(document)
        per_clause: Counter = Counter()
        if comments is not None:
            for row in (
                comments.filter(document=document, section__isnull=False)
                .values("section_id")
                .annotate(n=Count("id"))
            ):
                clause_id = owner.get(row["section_id"])
                if clause_id is not None:
                    per_clause[clause_id] += row["n"]
        figures.clauses.extend(ClauseCount(c.label, c.anchor, per_clause[c.id]) for c in clauses)
        commented = [c for c in clauses if per_clause[c.id]]
        figures.commented_clauses += len(commented)
        commented_keys.update(c.lineage_key for c in commented)
        next_version = getattr(document, "next_version", None)
        if next_version is None or next_version.state == Document.State.DRAFT:
            continue
        figures.has_next_version = True
        _, _, next_texts = _subtree_texts(next_version)
        figures.diffed_clauses += len(commented)
        figures.changed_clauses += sum(
            1 for c in commented if next_texts.get(c.lineage_key) != texts.get(c.lineage_key)
        )
    _ledger_figures(figures, consultation, commented_keys)


def _ledger_figures(figures: ConsultationFigures, consultation, commented_keys: set[str]) -> None:
    """What the team's response ledger says it did with the commented clauses."""
    if not commented_keys:
        return
    decisions = LedgerEntry.objects.filter(
        consultation=consultation, lineage_key__in=commented_keys
    ).values_list("decision", flat=True)
    changed = {LedgerEntry.Decision.ACCEPTED, LedgerEntry.Decision.CHANGED}
    for decision in decisions:
        figures.ledger_recorded += 1
        figures.ledger_changed += decision in changed


def _response_figures(figures: ConsultationFigures, consultation) -> None:
    Response = _model("responses.Response")
    if Response is None:
        return
    names = _field_names(Response)
    qs = Response.objects.filter(consultation=consultation)
    if "status" in names:
        qs = qs.filter(status="submitted")
    elif "submitted_at" in names:
        qs = qs.filter(submitted_at__isnull=False)
    user_field = next((n for n in ("respondent", "user", "author") if n in names), None)
    type_field = next((n for n in ("respondent_type", "capacity", "responding_as") if n in names), None)
    rows = list(
        qs.values(
            *[f for f in ("id", "channel", type_field, f"{user_field}_id" if user_field else None) if f]
        )
    )
    figures.responses = len(rows)
    if "channel" in names:
        labels = dict(Response._meta.get_field("channel").choices or [])
        figures.by_channel = shares(Counter(r["channel"] for r in rows), labels)
    if type_field:
        labels = dict(Response._meta.get_field(type_field).choices or [])
        figures.by_respondent_type = shares(Counter(r[type_field] for r in rows), labels)
    for r in rows:
        user_id = r.get(f"{user_field}_id") if user_field else None
        if user_id:
            figures.respondent_user_ids.add(user_id)
        else:
            figures.offline_respondents += 1


def _idea_figures(figures: ConsultationFigures, consultation) -> None:
    Idea, IdeaVote = _model("responses.Idea"), _model("responses.IdeaVote")
    if Idea is None or IdeaVote is None:
        return
    ideas = Idea.objects.filter(consultation=consultation).exclude(status=Idea.Status.HIDDEN)
    authors = list(ideas.values_list("author_id", flat=True))
    figures.ideas = len(authors)
    figures.respondent_user_ids.update(a for a in authors if a is not None)
    voters = list(IdeaVote.objects.filter(idea__in=ideas).values_list("user_id", flat=True))
    figures.idea_votes = len(voters)
    figures.voter_ids.update(voters)


def _event_figures(figures: ConsultationFigures, consultation) -> None:
    Event = _model("responses.EngagementEvent")
    if Event is None:
        return
    row = Event.objects.filter(consultation=consultation).aggregate(n=Count("id"), people=Sum("attendees"))
    figures.events, figures.event_attendees = row["n"], row["people"] or 0


def consultation_figures(consultation, *, visitors: int | None = None) -> ConsultationFigures:
    """Every evaluation figure for one consultation."""
    figures = ConsultationFigures(consultation=consultation)
    figures.visitors = (
        visitors if visitors is not None else visitors_for([consultation.pk]).get(consultation.pk, 0)
    )
    comments = _published_comments(consultation)
    if comments is not None:
        figures.comments = comments.count()
        figures.respondent_user_ids.update(
            comments.exclude(author__isnull=True).values_list("author_id", flat=True).distinct()
        )
    _clause_figures(figures, consultation, comments)
    _response_figures(figures, consultation)
    _idea_figures(figures, consultation)
    _event_figures(figures, consultation)
    figures.respondents = len(figures.respondent_user_ids) + figures.offline_respondents
    figures.response_due = consultation.response_due_date
    if consultation.closes_at and consultation.outcome_published_at:
        published_on = timezone.localdate(consultation.outcome_published_at)
        figures.days_to_response = (published_on - timezone.localdate(consultation.closes_at)).days
        if figures.response_due is not None:
            figures.response_on_time = published_on <= figures.response_due
    return figures


@dataclass
class ProjectFigures:
    project: object
    consultations: list[ConsultationFigures]
    visitors: int = 0
    comments: int = 0
    responses: int = 0
    respondents: int = 0
    ideas: int = 0
    idea_votes: int = 0
    voters: int = 0
    commented_clauses: int = 0
    ledger_recorded: int = 0
    ledger_changed: int = 0
    diffed_clauses: int = 0
    changed_clauses: int = 0
    has_next_version: bool = False
    events: int = 0
    event_attendees: int = 0
    days_to_response: list[int] = field(default_factory=list)
    responses_on_time: int = 0
    responses_published: int = 0

    @property
    def changed_percent(self) -> int | None:
        return _percent(self.changed_clauses, self.diffed_clauses) if self.has_next_version else None

    @property
    def ledger_changed_percent(self) -> int | None:
        return _percent(self.ledger_changed, self.commented_clauses) if self.ledger_recorded else None

    @property
    def mean_days_to_response(self) -> int | None:
        return (
            round(sum(self.days_to_response) / len(self.days_to_response)) if self.days_to_response else None
        )


def project_figures(project) -> ProjectFigures:
    """A project's figures: its consultations' figures, with respondents counted once across them."""
    consultations = list(project.consultations.exclude(state="draft").order_by("opens_at", "pk"))
    visitors = visitors_for([c.pk for c in consultations])
    per = [consultation_figures(c, visitors=visitors.get(c.pk, 0)) for c in consultations]
    result = ProjectFigures(project=project, consultations=per)
    users: set[int] = set()
    voters: set[int] = set()
    summed = [
        "visitors",
        "comments",
        "responses",
        "ideas",
        "idea_votes",
        "commented_clauses",
        "ledger_recorded",
        "ledger_changed",
        "diffed_clauses",
        "changed_clauses",
        "events",
        "event_attendees",
    ]
    for f in per:
        for name in summed:
            setattr(result, name, getattr(result, name) + getattr(f, name))
        result.has_next_version |= f.has_next_version
        result.respondents += f.offline_respondents
        users |= f.respondent_user_ids
        voters |= f.voter_ids
        if f.days_to_response is not None:
            result.days_to_response.append(f.days_to_response)
            result.responses_published += 1
            result.responses_on_time += bool(f.response_on_time)
    result.respondents += len(users)
    result.voters = len(voters)
    Event = _model("responses.EngagementEvent")
    if Event is not None:  # the project's own events, not tied to one consultation
        row = Event.objects.filter(project=project, consultation__isnull=True).aggregate(
            n=Count("id"), people=Sum("attendees")
        )
        result.events += row["n"]
        result.event_attendees += row["people"] or 0
    return result
