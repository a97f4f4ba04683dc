"""Who may do what on a team's consultations. The only place roles are interpreted.

A publisher may do everything a moderator and analyst may on their team's consultations; superusers may
do everything everywhere.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Role, Team

# Which team roles satisfy a required role.
IMPLIED: dict[str, set[str]] = {
    Role.MODERATOR: {Role.MODERATOR, Role.PUBLISHER},
    Role.ANALYST: {Role.ANALYST, Role.PUBLISHER},
    Role.PUBLISHER: {Role.PUBLISHER},
}
ANY_TEAM_ROLE = {Role.MODERATOR, Role.ANALYST, Role.PUBLISHER}


def _memberships(user) -> dict[int, set[str]]:
    """{team id: roles} of a signed-in user, read once per request and kept on the user object."""
    cache = user.__dict__.get("_team_roles")
    if cache is None:
        cache = {}
        for t_id, role in user.memberships.values_list("team_id", "role"):
            cache.setdefault(t_id, set()).add(role)
        user.__dict__["_team_roles"] = cache
    return cache


def team_roles(user, team_id: int | None) -> set[str]:
    """The roles a user holds in one team (cached per request on the user object)."""
    if team_id is None or not getattr(user, "is_authenticated", False):
        return set()
    return _memberships(user).get(team_id, set())


def member_team_ids(user) -> list[int]:
    """The teams a signed-in user belongs to, whatever the role (from the same per-request cache)."""
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(_memberships(user))


def has_team_role(user, team: Team | int | None, role: str | None = None) -> bool:
    """True when the user holds `role` (or any team role when None) in `team`, or is a superuser."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    team_id = team if isinstance(team, int) or team is None else team.pk
    roles = team_roles(user, team_id)
    wanted = ANY_TEAM_ROLE if role is None else IMPLIED[role]
    return bool(roles & wanted)


def teams_where(user, role: str | None = None) -> QuerySet[Team]:
    """The teams in which `user` holds `role`, or a role that implies it (a publisher also moderates and
    analyses), or any team role when None: every team for a superuser, none for someone not signed in."""
    if not getattr(user, "is_authenticated", False):
        return Team.objects.none()
    if user.is_superuser:
        return Team.objects.all()
    roles = ANY_TEAM_ROLE if role is None else IMPLIED[role]
    return Team.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def is_official(user) -> bool:
    """Member of any team (or superuser): may see the staff area."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or bool(_memberships(user))
