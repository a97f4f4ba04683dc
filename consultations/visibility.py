"""Who may see a consultation and its documents: the one rule every door applies (pages, API, feeds, open
data, search, exports, notices).

The rule comes in two forms that say the same thing, side by side so that a change is made to both:

- for one object already loaded: `may_view(user, consultation)`, `may_view_document(user, document)`;
- as a filter for querysets and for rows that reach a consultation through a relation:
  `visible_q(user, prefix)`, `document_q(user, prefix)` (`Consultation.objects.visible_to(user)`,
  `Comment.objects.filter(visible_q(user, "consultation__"))`), and `viewers_q(consultation)`, the same
  rule as a filter on users (who may be told about it).

The filters are an empty `Q()` for someone who sees everything (a superuser): `Q(a) | Q()` is `Q(a)`,
so test for it before OR-ing one in. `tests/consultations/test_visibility.py` checks that the forms
agree for every role, state and visibility.
The public (`user` None or anonymous) sees published, public consultations and their published
documents; a consultation's team (any role) sees all of its own; a superuser sees everything.

To widen who may see a consultation (invited participants, say), extend `may_view`, `visible_q` and
`viewers_q` here; nothing else decides it.
"""

from __future__ import annotations

from django.db.models import Q

from dhdigital.accounts.models import TeamMembership
from dhdigital.accounts.roles import has_team_role, member_team_ids

DRAFT = "draft"  # Consultation.State.DRAFT and Document.State.DRAFT
PUBLIC = "public"  # Consultation.Visibility.PUBLIC


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def _sees_everything(user) -> bool:
    return _signed_in(user) and user.is_superuser


# --- consultations ---------------------------------------------------------------------------------


def is_public(consultation) -> bool:
    """Anyone may see it: published (not a draft) and open to everyone (not invitation-only)."""
    return consultation.state != DRAFT and consultation.visibility == PUBLIC


def may_view(user, consultation) -> bool:
    """May `user` (None or anonymous for the public) see `consultation` at all?"""
    return is_public(consultation) or has_team_role(user, consultation.team_id)


def public_q(prefix: str = "") -> Q:
    """`is_public` as a filter; `prefix` reaches the consultation from another model ("consultation__")."""
    return ~Q(**{f"{prefix}state": DRAFT}) & Q(**{f"{prefix}visibility": PUBLIC})


def visible_q(user, prefix: str = "") -> Q:
    """`may_view` as a filter on consultations (or on rows reaching one through `prefix`)."""
    if _sees_everything(user):
        return Q()
    q = public_q(prefix)
    teams = member_team_ids(user) if _signed_in(user) else []
    if teams:
        q |= Q(**{f"{prefix}team_id__in": teams})
    return q


def viewers_q(consultation) -> Q:
    """`may_view` as a filter on users: everyone, or the team and superusers."""
    if is_public(consultation):
        return Q()
    team = TeamMembership.objects.filter(team_id=consultation.team_id).values("user_id")
    return Q(is_superuser=True) | Q(pk__in=team)


# --- documents -------------------------------------------------------------------------------------


def may_view_document(user, document, consultation=None) -> bool:
    """A document of a consultation the user may see: any but a draft, and drafts for the team."""
    consultation = consultation or document.consultation
    if not may_view(user, consultation):
        return False
    return document.state != DRAFT or has_team_role(user, consultation.team_id)


def document_q(user, prefix: str = "") -> Q:
    """`may_view_document` as a filter on documents (or on rows reaching one through `prefix`)."""
    if _sees_everything(user):
        return Q()
    q = visible_q(user, f"{prefix}consultation__")
    teams = member_team_ids(user) if _signed_in(user) else []
    not_draft = ~Q(**{f"{prefix}state": DRAFT})
    if teams:
        not_draft |= Q(**{f"{prefix}consultation__team_id__in": teams})
    return q & not_draft
