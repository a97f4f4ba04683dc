"""Policy projects (public and team pages), decisions, events, evaluation and the capability
self-assessment."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from consultations.access import consultation_for_team
from dhdigital.accounts.models import Role, User
from dhdigital.accounts.roles import has_team_role, is_official, teams_where
from responses import services as event_services

from . import access, evaluation, selectors, services
from .forms import CapabilityForm, DecisionForm, ProjectEventForm, ProjectForm, StageMoveForm
from .models import Stage


def _user(request: HttpRequest) -> User:
    """The signed-in user (the views that call this require a login)."""
    return cast(User, request.user)


def project_list(request: HttpRequest) -> HttpResponse:
    mine = selectors.projects_for_member(request.user) if is_official(request.user) else None
    return render(
        request,
        "policycycle/project_list.html",
        {
            "projects": selectors.public_projects(),
            "my_projects": mine,
            "can_create": teams_where(request.user, Role.PUBLISHER).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_create(request: HttpRequest) -> HttpResponse:
    teams = teams_where(request.user, Role.PUBLISHER)
    if not teams.exists():
        raise PermissionDenied("Only publishers can start a policy project.")
    form = ProjectForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(by=_user(request), **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Project created.")
            return redirect("policycycle:project-team", slug=project.slug)
    return render(request, "policycycle/project_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str) -> HttpResponse:
    project = access.project_for_team(request.user, slug, Role.PUBLISHER)
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Changes saved.")
        return redirect("policycycle:project-team", slug=project.slug)
    return render(request, "policycycle/project_form.html", {"form": form, "project": project})


def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = access.project_for_viewer(request.user, slug)
    return render(
        request,
        "policycycle/project_detail.html",
        {
            "project": project,
            "stages": Stage.objects.all(),
            **selectors.project_public_parts(project),
            "is_team": has_team_role(request.user, project.team_id),
        },
    )


@login_required
def project_team(request: HttpRequest, slug: str) -> HttpResponse:
    project = access.project_for_team(request.user, slug)
    return render(
        request,
        "policycycle/project_team.html",
        {
            "project": project,
            "stages": Stage.objects.all(),
            **selectors.project_team_parts(project),
            "is_publisher": has_team_role(request.user, project.team_id, Role.PUBLISHER),
            "stage_form": StageMoveForm(initial={"stage": project.stage}),
        },
    )


@login_required
@require_http_methods(["POST"])
def project_move(request: HttpRequest, slug: str) -> HttpResponse:
    project = access.project_for_team(request.user, slug, Role.PUBLISHER)
    form = StageMoveForm(request.POST)
    if form.is_valid():
        services.project_move_stage(project=project, stage=form.cleaned_data["stage"], by=_user(request))
        messages.success(request, f"Project moved to: {form.cleaned_data['stage'].name}.")
    else:
        messages.error(request, "Select a stage.")
    return redirect("policycycle:project-team", slug=project.slug)


@login_required
@require_http_methods(["GET", "POST"])
def decision_create(request: HttpRequest, slug: str) -> HttpResponse:
    project = access.project_for_team(request.user, slug, Role.ANALYST)
    form = DecisionForm(request.POST or None, initial={"stage": project.stage})
    if request.method == "POST" and form.is_valid():
        services.decision_record(project=project, by=_user(request), **form.cleaned_data)
        messages.success(request, "Decision recorded.")
        return redirect("policycycle:project-team", slug=project.slug)
    return render(request, "policycycle/decision_form.html", {"form": form, "project": project})


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Any member of the project's team lists an event, for one of its consultations or the whole project."""
    project = access.project_for_team(request.user, slug)
    form = ProjectEventForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        consultation = data.pop("consultation")
        data["starts_at"] = timezone.make_aware(dt.datetime.combine(data.pop("starts_on"), dt.time(9, 0)))
        if consultation is not None:
            event = event_services.event_create(consultation=consultation, by=_user(request), **data)
        else:
            event = event_services.project_event_create(project=project, by=_user(request), **data)
        messages.success(request, f"Event “{event.title}” added.")
        return redirect("policycycle:project-team", slug=project.slug)
    return render(request, "policycycle/project_event_form.html", {"form": form, "project": project})


@login_required
def project_evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    project = access.project_for_team(request.user, slug)
    return render(
        request,
        "policycycle/project_evaluation.html",
        {
            "project": project,
            "figures": evaluation.project_figures(project),
        },
    )


@login_required
def consultation_evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = consultation_for_team(request.user, slug)
    return render(
        request,
        "policycycle/consultation_evaluation.html",
        {
            "consultation": consultation,
            "figures": evaluation.consultation_figures(consultation),
        },
    )


@login_required
def evaluation_compare(request: HttpRequest) -> HttpResponse:
    if not is_official(request.user):
        raise PermissionDenied("This page is for policy teams.")
    projects = selectors.projects_for_member(request.user).order_by("title")
    return render(
        request,
        "policycycle/evaluation_compare.html",
        {
            "rows": [evaluation.project_figures(p) for p in projects],
        },
    )


@login_required
def capability_index(request: HttpRequest) -> HttpResponse:
    teams = teams_where(request.user)
    if not teams.exists():
        raise PermissionDenied("The self-assessment is for policy teams.")
    if teams.count() == 1:
        return redirect("policycycle:capability-team", slug=teams.get().slug)
    return render(request, "policycycle/capability_index.html", {"teams": teams})


@login_required
def capability_team(request: HttpRequest, slug: str) -> HttpResponse:
    team = access.team_for_member(request.user, slug)
    return render(
        request,
        "policycycle/capability_team.html",
        {
            "team": team,
            "timeline": selectors.capability_timeline(team),
            "levels": selectors.MATURITY_LEVELS,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def capability_create(request: HttpRequest, slug: str) -> HttpResponse:
    team = access.team_for_member(request.user, slug)
    form = CapabilityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.capability_assess(
            team=team,
            assessed_on=form.cleaned_data["assessed_on"],
            levels=form.levels(),
            notes=form.cleaned_data["notes"],
            by=_user(request),
        )
        messages.success(request, "Self-assessment saved.")
        return redirect("policycycle:capability-team", slug=team.slug)
    return render(request, "policycycle/capability_form.html", {"form": form, "team": team})
