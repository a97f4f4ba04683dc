"""Public toolkit pages, the chooser, and the staff pages that edit the toolkit's content."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from dhdigital.accounts.models import Role
from dhdigital.accounts.roles import has_team_role, is_official, teams_where

from . import access, selectors, services
from .chooser import Answers, recommend
from .forms import (
    ActivityForm,
    CaseStudyForm,
    CaseStudySearchForm,
    ChooserForm,
    StageForm,
    TechniqueForm,
    TestimonialForm,
    with_slug,
)
from .models import Activity, CaseStudy, PolicyProject, PortalFeature, Stage, Technique, Testimonial


def toolkit_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "policycycle/toolkit_index.html",
        {
            "stages": selectors.stages_with_techniques(),
            "case_studies": CaseStudy.objects.filter(is_published=True)[:3],
            "can_edit": access.can_edit_toolkit(request.user),
        },
    )


def stage_detail(request: HttpRequest, slug: str) -> HttpResponse:
    stage = get_object_or_404(selectors.stages_with_techniques(), slug=slug)
    return render(
        request,
        "policycycle/stage_detail.html",
        {
            "stage": stage,
            "can_edit": access.can_edit_toolkit(request.user),
            "case_studies": stage.case_studies.filter(is_published=True),
        },
    )


def technique_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        technique = selectors.technique_detail(slug)
    except Technique.DoesNotExist as exc:
        raise Http404("No technique matches the given query.") from exc
    return render(
        request,
        "policycycle/technique_detail.html",
        {
            "technique": technique,
            "can_edit": access.can_edit_toolkit(request.user),
            "links": start_links(technique, None, request.user) if is_official(request.user) else [],
        },
    )


def casestudy_list(request: HttpRequest) -> HttpResponse:
    form = CaseStudySearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    results = selectors.case_studies_search(
        q=filters.get("q") or "", stage=filters.get("stage"), technique=filters.get("technique")
    )
    return render(request, "policycycle/casestudy_list.html", {"form": form, "case_studies": results})


def casestudy_detail(request: HttpRequest, slug: str) -> HttpResponse:
    qs = CaseStudy.objects.prefetch_related("techniques", "stages", "testimonials")
    if not access.can_edit_toolkit(request.user):
        qs = qs.filter(is_published=True)
    case = get_object_or_404(qs, slug=slug)
    return render(
        request,
        "policycycle/casestudy_detail.html",
        {
            "case": case,
            "can_edit": access.can_edit_toolkit(request.user),
        },
    )


def start_links(technique: Technique, project: PolicyProject | None, user) -> list[tuple[str, str]]:
    """Where `user` can start the portal activity that supports a technique: (label, url) pairs. Starting
    a consultation is for publishers (of the project's team, when there is a project); events and the
    evaluation are for anyone on the project's team."""
    feature = technique.portal_feature
    if feature in (PortalFeature.DRAFT, PortalFeature.FORMAL, PortalFeature.IDEAS):
        can_start = (
            has_team_role(user, project.team_id, Role.PUBLISHER)
            if project
            else teams_where(user, Role.PUBLISHER).exists()
        )
        if not can_start:
            return []
        label = {
            "draft_bill": "Start a commentable draft",
            "formal": "Start a formal consultation",
            "ideas": "Start an ideas exercise",
        }[feature]
        suffix = f"&project={project.slug}" if project else ""
        return [(label, f"{reverse('staff:consultation-create')}?kind={feature}{suffix}")]
    if project is None or not has_team_role(user, project.team_id):
        return []
    if feature == PortalFeature.EVENT:
        return [("Add an engagement event", reverse("policycycle:project-event-create", args=[project.slug]))]
    if feature == PortalFeature.EVALUATION:
        return [
            ("See the project's evaluation", reverse("policycycle:project-evaluation", args=[project.slug]))
        ]
    return []


def chooser(request: HttpRequest) -> HttpResponse:
    """A short GET form; once answered, the recommendations appear under it. No JavaScript needed."""
    projects = selectors.projects_for_member(request.user) if is_official(request.user) else None
    # Bound once the form was sent (its hidden "asked" field), even with nothing chosen: an empty answer
    # gets the error summary, not the blank form again. Arriving from a project page (?project=) is not.
    bound = request.GET if "asked" in request.GET or "stage" in request.GET else None
    form = ChooserForm(bound, projects=projects, initial={"project": request.GET.get("project")})
    recommendations = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        answers = Answers(
            stage=data["stage"].slug,
            goal=data["goal"].slug,
            audience=data["audience"],
            capacity=data["capacity"],
            formal_needed=data["formal"] == "yes",
        )
        project = data.get("project")
        recommendations = recommend(selectors.techniques_for_chooser(), answers)
        for rec in recommendations:
            rec.links = start_links(rec.technique, project, request.user) if projects is not None else []
    return render(
        request,
        "policycycle/chooser.html",
        {
            "form": form,
            "recommendations": recommendations,
            "is_official": projects is not None,
        },
    )


# Staff editing of the shared toolkit content: superusers and publishers, every change versioned.
_EDITABLE: dict[str, tuple[Any, Any, str]] = {
    "stage": (Stage, StageForm, "policycycle:stage-detail"),
    "technique": (Technique, TechniqueForm, "policycycle:technique-detail"),
    "casestudy": (CaseStudy, CaseStudyForm, "policycycle:casestudy-detail"),
}


@login_required
@require_http_methods(["GET", "POST"])
def content_edit(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    access.require_toolkit_editor(request.user)
    model, form_class, detail = _EDITABLE[kind]
    obj = get_object_or_404(model, slug=slug)
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Changes saved. The previous version is kept in the history.")
        return redirect(detail, slug=obj.slug)
    return render(
        request,
        "policycycle/content_form.html",
        {
            "form": form,
            "obj": obj,
            "kind": kind,
            "detail_url": reverse(detail, args=[obj.slug]),
            "history_url": reverse(f"policycycle:{kind}-history", args=[obj.slug]),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def content_create(request: HttpRequest, kind: str) -> HttpResponse:
    """A new technique or case study (stages are fixed: there are four)."""
    access.require_toolkit_editor(request.user)
    model, form_class, detail = _EDITABLE[kind]
    form = with_slug(form_class)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        obj = form.save()
        messages.success(request, f"{model._meta.verbose_name.capitalize()} added.")
        return redirect(detail, slug=obj.slug)
    return render(
        request,
        "policycycle/content_form.html",
        {
            "form": form,
            "kind": kind,
            "creating": True,
            "model_name": model._meta.verbose_name,
            "detail_url": reverse("policycycle:toolkit-index"),
        },
    )


@login_required
def content_history(request: HttpRequest, kind: str, slug: str) -> HttpResponse:
    access.require_toolkit_editor(request.user)
    model, _, detail = _EDITABLE[kind]
    obj = get_object_or_404(model, slug=slug)
    return render(
        request,
        "policycycle/content_history.html",
        {
            "obj": obj,
            "versions": selectors.history_changes(obj.history),
            "part_versions": _part_history(kind, obj),
            "detail_url": reverse(detail, args=[obj.slug]),
        },
    )


def _part_history(kind: str, obj) -> tuple[str, list[dict]] | None:
    """The history of what belongs to a stage (its activities) or a case study (its testimonials)."""
    if kind == "casestudy":
        return "Testimonials", selectors.testimonial_history(obj)
    if kind == "stage":
        return "Activities", selectors.activity_history(obj)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request: HttpRequest, slug: str, activity: str | None = None) -> HttpResponse:
    """Add an activity to a stage, or edit one (publishers and superusers, every change kept)."""
    access.require_toolkit_editor(request.user)
    stage = get_object_or_404(Stage, slug=slug)
    instance = get_object_or_404(Activity, slug=activity, stage=stage) if activity else None
    form = ActivityForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_save(stage=stage, activity=instance, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Activity saved. Earlier versions are kept in the history.")
            return redirect("policycycle:stage-detail", slug=stage.slug)
    return render(
        request, "policycycle/activity_form.html", {"form": form, "stage": stage, "activity": instance}
    )


@login_required
@require_http_methods(["GET", "POST"])
def testimonial_edit(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    """Add a testimonial to a case study, or edit one (publishers and superusers, every change kept)."""
    access.require_toolkit_editor(request.user)
    case = get_object_or_404(CaseStudy, slug=slug)
    testimonial = get_object_or_404(Testimonial, pk=pk, case_study=case) if pk else None
    initial = {} if testimonial else {"source": case.source, "source_url": case.source_url}
    form = TestimonialForm(request.POST or None, instance=testimonial, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.testimonial_save(case=case, testimonial=testimonial, by=request.user, **form.cleaned_data)
        messages.success(request, "Testimonial saved. Earlier versions are kept in the history.")
        return redirect("policycycle:casestudy-detail", slug=case.slug)
    return render(
        request, "policycycle/testimonial_form.html", {"form": form, "case": case, "testimonial": testimonial}
    )


@login_required
@require_http_methods(["GET", "POST"])
def testimonial_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    access.require_toolkit_editor(request.user)
    case = get_object_or_404(CaseStudy, slug=slug)
    testimonial = get_object_or_404(Testimonial, pk=pk, case_study=case)
    if request.method == "POST":
        services.testimonial_remove(testimonial=testimonial, by=request.user)
        messages.success(request, "Testimonial removed. The history keeps what it said.")
        return redirect("policycycle:casestudy-detail", slug=case.slug)
    return render(request, "policycycle/testimonial_remove.html", {"case": case, "testimonial": testimonial})
