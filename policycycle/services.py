"""Writes for the policy cycle: seeding the toolkit, projects, decisions, events, self-assessments."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from dhdigital.accounts.models import Team, User
from dhdigital.lib import history

from . import content
from .models import (
    Activity,
    CapabilityArea,
    CapabilityAssessment,
    CapabilityScore,
    CaseStudy,
    PolicyProject,
    ProjectDecision,
    Stage,
    Technique,
    Testimonial,
)


@transaction.atomic
def toolkit_seed() -> dict[str, int]:
    """Create the starting toolkit content. Idempotent: rows that exist are left as they are, except that
    a case study no person has ever edited takes the current shipped text (so a corrected fact reaches
    existing sites; the change is a new version in its history). Returns how many rows of each kind were
    created or updated."""
    created = {
        "stages": 0,
        "activities": 0,
        "techniques": 0,
        "case_studies": 0,
        "testimonials": 0,
        "case_studies_updated": 0,
    }
    for data in content.STAGES:
        stage, made = Stage.objects.get_or_create(
            slug=data["slug"],
            defaults={k: data[k] for k in ("number", "name", "summary", "description")},
        )
        created["stages"] += made
        for position, (slug, name, description) in enumerate(data["activities"]):
            _, made = Activity.objects.get_or_create(
                slug=slug,
                defaults={"stage": stage, "name": name, "description": description, "position": position},
            )
            created["activities"] += made
    stages = {s.slug: s for s in Stage.objects.all()}
    activities = {a.slug: a for a in Activity.objects.all()}
    for position, data in enumerate(content.TECHNIQUES):
        if Technique.objects.filter(slug=data["slug"]).exists():
            continue
        fields = {k: v for k, v in data.items() if k not in ("stages", "activities")}
        _create_with_links(
            Technique(**fields, position=position),
            stages=[stages[s] for s in data["stages"]],
            activities=[activities[a] for a in data["activities"]],
        )
        created["techniques"] += 1
    techniques = {t.slug: t for t in Technique.objects.all()}
    for data in content.CASE_STUDIES:
        source, source_url = data["source"]
        keep = ("slug", "title", "organisation", "year", "summary", "body", "position")
        existing = CaseStudy.objects.filter(slug=data["slug"]).first()
        if existing is not None:
            shipped = {**{k: data[k] for k in keep}, "source": source, "source_url": source_url}
            created["case_studies_updated"] += _follow_shipped_text(existing, shipped)
            continue
        case = _create_with_links(
            CaseStudy(**{k: data[k] for k in keep}, source=source, source_url=source_url),
            stages=[stages[s] for s in data["stages"]],
            techniques=[techniques[t] for t in data["techniques"]],
        )
        created["case_studies"] += 1
        for position, t in enumerate(data["testimonials"]):
            Testimonial.objects.create(
                case_study=case, source=source, source_url=source_url, position=position, **t
            )
            created["testimonials"] += 1
    return created


def _follow_shipped_text(case: CaseStudy, shipped: dict) -> bool:
    """Update a case study to the shipped text if no person ever edited it. True if it changed."""
    if case.history.filter(history_user__isnull=False).exists():
        return False
    changed = {k: v for k, v in shipped.items() if getattr(case, k) != v}
    if not changed:
        return False
    for field, value in changed.items():
        setattr(case, field, value)
    history.save(case, reason="Updated to the toolkit's current text", update_fields=list(changed))
    return True


def _create_with_links(obj, **links):
    """Save a new row and its many-to-many links as one first version in its history (not one version
    per link set)."""
    obj.skip_history_when_saving = True
    obj.save()
    for name, related in links.items():
        getattr(obj, name).set(related)
    del obj.skip_history_when_saving
    obj.save()
    return obj


@transaction.atomic
def project_create(
    *,
    team: Team,
    title: str,
    slug: str,
    summary: str = "",
    description: str = "",
    team_notes: str = "",
    stage: Stage | None = None,
    is_public: bool = True,
    by: User | None = None,
) -> PolicyProject:
    """Start a policy project for a team, at the first stage unless told otherwise."""
    if PolicyProject.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": "A project with this web address already exists."})
    project = PolicyProject(
        team=team,
        title=title,
        slug=slug,
        summary=summary,
        description=description,
        team_notes=team_notes,
        stage=stage or Stage.objects.order_by("number").first(),
        is_public=is_public,
    )
    history.save(project, by=by)
    return project


@transaction.atomic
def project_move_stage(*, project: PolicyProject, stage: Stage, by: User | None = None) -> PolicyProject:
    """Move a project to another stage (forwards or back: policy work loops)."""
    project.stage = stage
    history.save(project, by=by, update_fields=["stage"])
    return project


@transaction.atomic
def decision_record(
    *,
    project: PolicyProject,
    stage: Stage,
    title: str,
    body: str = "",
    decided_on: dt.date,
    is_public: bool = True,
    by: User | None = None,
) -> ProjectDecision:
    """Record a decision the team made at a stage. Public by default."""
    decision = ProjectDecision(
        project=project,
        stage=stage,
        title=title,
        body=body,
        decided_on=decided_on,
        is_public=is_public,
        recorded_by=by,
    )
    history.save(decision, by=by)
    return decision


@transaction.atomic
def capability_assess(
    *, team: Team, assessed_on: dt.date, levels: dict[str, int], notes: str = "", by: User | None = None
) -> CapabilityAssessment:
    """Save a self-assessment: one level from 1 to 5 for every capability area."""
    missing = [a for a in CapabilityArea.values if a not in levels]
    bad = [a for a, level in levels.items() if a not in CapabilityArea.values or not 1 <= int(level) <= 5]
    if missing or bad:
        raise ValidationError("Give every capability area a level from 1 to 5.")
    assessment = CapabilityAssessment.objects.create(
        team=team, assessed_on=assessed_on, notes=notes, created_by=by
    )
    CapabilityScore.objects.bulk_create(
        [CapabilityScore(assessment=assessment, area=a, level=int(levels[a])) for a in CapabilityArea.values]
    )
    return assessment


@transaction.atomic
def testimonial_save(
    *, case: CaseStudy, testimonial: Testimonial | None = None, by: User, **fields
) -> Testimonial:
    """Add a testimonial to a case study, or change one of its own (a new version in its history)."""
    if testimonial is None:
        last = case.testimonials.order_by("-position").values_list("position", flat=True).first()
        testimonial = Testimonial(case_study=case, position=(last or 0) + 1)
    elif testimonial.case_study_id != case.pk:
        raise ValidationError("That testimonial belongs to another case study.")
    for name, value in fields.items():
        setattr(testimonial, name, value)
    history.save(testimonial, by=by)
    return testimonial


@transaction.atomic
def testimonial_remove(*, testimonial: Testimonial, by: User) -> None:
    """Remove a testimonial; its history keeps what it said and who removed it."""
    history.attribute(testimonial, by=by)
    testimonial.delete()


@transaction.atomic
def activity_save(
    *, stage: Stage, activity: Activity | None = None, name: str, description: str, by: User
) -> Activity:
    """Add an activity to a stage (its web address made from its name), or change one of the stage's."""
    if activity is None:
        slug = slugify(name)[:80] or "activity"
        if Activity.objects.filter(slug=slug).exists():
            raise ValidationError({"name": "An activity with this name already exists."})
        last = stage.activities.order_by("-position").values_list("position", flat=True).first()
        activity = Activity(stage=stage, slug=slug, position=(last or 0) + 1)
    elif activity.stage_id != stage.pk:
        raise ValidationError("That activity belongs to another stage.")
    activity.name, activity.description = name, description
    history.save(activity, by=by)
    return activity
