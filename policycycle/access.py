"""The only way policycycle views load protected objects: 404 for what a user may not see,
PermissionDenied for what they may see but not change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from dhdigital.accounts.models import Role, Team
from dhdigital.accounts.roles import has_team_role, teams_where

from .models import PolicyProject


def can_edit_toolkit(user) -> bool:
    """The shared toolkit content (stages, techniques, case studies): superusers and publishers."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or teams_where(user, Role.PUBLISHER).exists()


def require_toolkit_editor(user) -> None:
    if not can_edit_toolkit(user):
        raise PermissionDenied("Only publishers can edit the toolkit.")


def project_for_viewer(user, slug: str) -> PolicyProject:
    """The public page: public projects for everyone, private ones for their team only."""
    project = get_object_or_404(PolicyProject.objects.select_related("team", "stage"), slug=slug)
    if not project.is_public and not has_team_role(user, project.team_id):
        raise Http404("No project matches the given query.")
    return project


def project_for_team(user, slug: str, role: str | None = None) -> PolicyProject:
    """Team pages: members of the project's team (in `role`, if given). Outsiders get 404 for a private
    project (its existence is not leaked) and 403 for a public one."""
    project = get_object_or_404(PolicyProject.objects.select_related("team", "stage"), slug=slug)
    if has_team_role(user, project.team_id, role):
        return project
    if not project.is_public:
        raise Http404("No project matches the given query.")
    raise PermissionDenied("You are not on this project's team in that role.")


def team_for_member(user, slug: str) -> Team:
    """A team's own pages (the capability self-assessment): its members and superusers only."""
    team = get_object_or_404(Team, slug=slug)
    if not has_team_role(user, team):
        raise Http404("No team matches the given query.")
    return team
