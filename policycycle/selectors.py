"""Reads for the policycycle views, with their related rows already loaded."""

from __future__ import annotations

from django.db.models import Prefetch, Q

from dhdigital.accounts.roles import teams_where
from responses.models import EngagementEvent

from .models import (
    Activity,
    Audience,
    CapabilityArea,
    CapabilityAssessment,
    CaseStudy,
    PolicyProject,
    ProjectDecision,
    Stage,
    Technique,
    Testimonial,
)

# The five maturity levels of the digital capability framework, in our own words.
MATURITY_LEVELS: dict[int, tuple[str, str]] = {
    1: ("Starting", "Little or no digital practice; what happens depends on individuals."),
    2: ("Developing", "Some teams try digital methods, but not consistently or with support."),
    3: ("Defined", "Agreed ways of working exist and are used on most projects."),
    4: ("Managed", "Practice is measured, reviewed and improved across the organisation."),
    5: ("Leading", "Digital is how the organisation works; others learn from it."),
}

CAPABILITY_AREA_DESCRIPTIONS: dict[str, str] = {
    CapabilityArea.LEADERSHIP: "Senior people champion digital ways of working, give permission to try new "
    "methods and take part themselves.",
    CapabilityArea.USER_NEEDS: "The team finds out who a policy affects and what they need, and designs "
    "engagement around them.",
    CapabilityArea.ENGAGEMENT: "The team opens policy work to the public by default: drafts for comment, "
    "ideas exercises, events, and a response that closes the loop.",
    CapabilityArea.DATA: "The team collects, analyses and publishes evidence and responses with digital "
    "tools, and can explain how it reached its conclusions.",
    CapabilityArea.INCLUSION: "Everything meets accessibility standards, and people who are not online can "
    "take part with help.",
    CapabilityArea.SKILLS: "People have the skills they need, learn from each other and have time to train.",
    CapabilityArea.TOOLS: "The team has the tools it needs, and they are secure, reliable and easy to use.",
    CapabilityArea.EVALUATION: "The team measures reach and influence and uses the results to plan the "
    "next piece of work.",
}


def stages_with_techniques():
    return Stage.objects.prefetch_related(
        Prefetch("activities", queryset=Activity.objects.order_by("position")),
        Prefetch("techniques", queryset=Technique.objects.order_by("position", "name")),
    )


def techniques_for_chooser():
    return Technique.objects.prefetch_related("stages", "activities").order_by("position", "name")


def technique_detail(slug: str):
    return Technique.objects.prefetch_related(
        "stages", "activities", Prefetch("case_studies", queryset=CaseStudy.objects.filter(is_published=True))
    ).get(slug=slug)


def case_studies_search(
    *,
    q: str = "",
    stage: Stage | None = None,
    technique: Technique | None = None,
    include_unpublished: bool = False,
):
    """Case studies matching the words of `q` (title, summary, facts, source, testimonials)."""
    qs = CaseStudy.objects.prefetch_related("techniques", "stages")
    if not include_unpublished:
        qs = qs.filter(is_published=True)
    for word in q.split()[:8]:
        qs = qs.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(body__icontains=word)
            | Q(organisation__icontains=word)
            | Q(testimonials__quote__icontains=word)
            | Q(testimonials__person__icontains=word)
            | Q(techniques__name__icontains=word)
        )
    if stage is not None:
        qs = qs.filter(stages=stage)
    if technique is not None:
        qs = qs.filter(techniques=technique)
    return qs.distinct()


def public_projects():
    return PolicyProject.objects.filter(is_public=True).select_related("team", "stage")


def projects_for_member(user):
    """The projects of the teams the user belongs to (every project for a superuser)."""
    return PolicyProject.objects.filter(team__in=teams_where(user)).select_related("team", "stage")


def project_events(project: PolicyProject, *, public_only: bool):
    """Engagement events (owned by the responses app) run for the project or one of its consultations.
    The public sees those of the project itself and of its published consultations."""
    qs = EngagementEvent.objects.filter(Q(project=project) | Q(consultation__project=project))
    if public_only:
        published = project.consultations.published().values("pk")
        qs = qs.filter(Q(consultation__isnull=True) | Q(consultation__in=published))
    return qs.select_related("consultation").order_by("starts_at")


def project_public_parts(project: PolicyProject) -> dict:
    """What the public page shows: published consultations, public decisions and public events."""
    return {
        "consultations": project.consultations.published().order_by("opens_at"),
        "decisions": project.decisions.filter(is_public=True).select_related("stage"),
        "events": project_events(project, public_only=True),
    }


def project_team_parts(project: PolicyProject) -> dict:
    return {
        "consultations": project.consultations.order_by("opens_at"),
        "decisions": project.decisions.select_related("stage", "recorded_by"),
        "events": project_events(project, public_only=False),
        "stage_history": project.history.select_related("stage", "history_user").order_by("-history_date")[
            :20
        ],
        "decision_history": ProjectDecision.history.filter(project_id=project.pk)
        .select_related("history_user")
        .order_by("-history_date")[:20],
    }


def capability_timeline(team) -> list[dict]:
    """The team's assessments, newest first, each with its levels and the change since the one before."""
    assessments = list(
        CapabilityAssessment.objects.filter(team=team)
        .prefetch_related("scores")
        .order_by("assessed_on", "id")
    )
    rows, previous = [], None
    for a in assessments:
        levels = {s.area: s.level for s in a.scores.all()}
        areas = []
        for area, label in CapabilityArea.choices:
            level = levels.get(area)
            before = previous.get(area) if previous else None
            change = level - before if level is not None and before is not None else None
            areas.append(
                {
                    "area": area,
                    "label": label,
                    "level": level,
                    "change": change,
                    "drop": -change if change is not None and change < 0 else None,
                }
            )
        total = sum(v for v in levels.values())
        rows.append(
            {
                "assessment": a,
                "areas": areas,
                "average": round(total / len(levels), 1) if levels else None,
            }
        )
        previous = levels
    rows.reverse()
    return rows


def testimonial_history(case: CaseStudy, limit: int = 20) -> list[dict]:
    """'What changed' in a case study's testimonials, those removed included, newest first."""
    return _parts_history(Testimonial.history.filter(case_study_id=case.pk), limit)


def activity_history(stage: Stage, limit: int = 20) -> list[dict]:
    """'What changed' in a stage's activities, newest first."""
    return _parts_history(Activity.history.filter(stage_id=stage.pk), limit)


def _parts_history(versions, limit: int) -> list[dict]:
    out: list[dict] = []
    for part_id in versions.values_list("id", flat=True).distinct().order_by():
        for entry in history_changes(versions.filter(id=part_id), limit=limit):
            entry["removed"] = entry["version"].history_type == "-"
            entry["label"] = _part_label(entry["version"])
            out.append(entry)
    out.sort(key=lambda e: e["version"].history_date, reverse=True)
    return out[:limit]


def _part_label(version) -> str:
    if hasattr(version, "quote"):
        words = version.quote.split()
        quote = " ".join(words[:12]) + (" \u2026" if len(words) > 12 else "")
        return f"{version.person}, \u201c{quote}\u201d"
    return version.name


def history_changes(record_history, limit: int = 20) -> list[dict]:
    """'What changed' for an object: each historical version against the one before it."""
    versions = list(
        record_history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    out: list[dict] = []
    for newer, older in zip(versions, versions[1:] + [None], strict=False):
        if len(out) == limit:
            break
        changes = []
        if older is not None:
            delta = newer.diff_against(older, foreign_keys_are_objs=True)
            for change in delta.changes:
                field = newer.instance._meta.get_field(change.field)
                old, new = _readable(field, change.old), _readable(field, change.new)
                if old == new:
                    continue  # e.g. the same audiences in another order
                label = str(getattr(field, "verbose_name", change.field)).capitalize()
                changes.append({"field": label, "old": old, "new": new})
        if older is not None and not changes and newer.history_type != "-":
            continue  # a save that changed nothing a reader would see
        out.append({"version": newer, "changes": changes, "created": older is None})
    return out


def _readable(field, value) -> str:
    """A stored value as a person would read it: choice labels, lists as sorted label lists."""
    labels = dict(field.choices or [])
    if field.name == "audiences":
        labels = dict(Audience.choices)
    if isinstance(value, list):
        if field.many_to_many:  # rows of the through table: name the linked objects
            related = field.related_model
            value = [next((str(v) for v in row.values() if isinstance(v, related)), "") for row in value]
        return "; ".join(sorted(str(labels.get(v, v)) for v in value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(labels.get(value, value)) if value is not None else ""
