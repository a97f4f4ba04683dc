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
documents; a consultation's team (any role) sees all of its own; a superuser sees everything; a person
who accepted an invitation (not revoked) to an invitation-only consultation sees it once it is published
(`Invitation`: consultations/invitations.py sends and accepts them).

To widen who may see a consultation (invited participants, say), extend `may_view`, `visible_q` and
`viewers_q` here; nothing else decides it.
"""

from __future__ import annotations

from django.apps import apps
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


def _invitations():
    # consultations.models imports this module (through its querysets): the model is looked up when used
    return apps.get_model("consultations", "Invitation").objects.filter(revoked_at__isnull=True)


def invited_consultation_ids(user):
    """The consultations `user` accepted an invitation to (a subquery of ids)."""
    return _invitations().filter(user_id=user.pk).values("consultation_id")


def is_invited(user, consultation) -> bool:
    """Has `user` accepted an invitation to `consultation` that has not been revoked?"""
    return (
        _signed_in(user) and _invitations().filter(user_id=user.pk, consultation_id=consultation.pk).exists()
    )


def may_view(user, consultation) -> bool:
    """May `user` (None or anonymous for the public) see `consultation` at all?"""
    if is_public(consultation) or has_team_role(user, consultation.team_id):
        return True
    return consultation.state != DRAFT and is_invited(user, consultation)


def public_q(prefix: str = "") -> Q:
    """`is_public` as a filter; `prefix` reaches the consultation from another model ("consultation__")."""
    return ~Q(**{f"{prefix}state": DRAFT}) & Q(**{f"{prefix}visibility": PUBLIC})


def visible_q(user, prefix: str = "") -> Q:
    """`may_view` as a filter on consultations (or on rows reaching one through `prefix`)."""
    if _sees_everything(user):
        return Q()
    q = public_q(prefix)
    if not _signed_in(user):
        return q
    teams = member_team_ids(user)
    if teams:
        q |= Q(**{f"{prefix}team_id__in": teams})
    # a subquery, not a join: a join through the invitations would repeat each consultation
    return q | (~Q(**{f"{prefix}state": DRAFT}) & Q(**{f"{prefix}id__in": invited_consultation_ids(user)}))


def listed_q(user) -> Q:
    """What the public lists (the home page, /consultations/) show `user`: the public consultations and,
    signed in, the invitation-only ones `user` accepted an invitation to once they are published. A team's
    own drafts and invitation-only consultations stay on its staff pages; every listed one passes
    `may_view`."""
    q = public_q()
    if not _signed_in(user):
        return q
    return q | (~Q(state=DRAFT) & Q(id__in=invited_consultation_ids(user)))


def viewers_q(consultation) -> Q:
    """`may_view` as a filter on users: everyone, or the team, superusers and those who accepted an
    invitation (once it is published)."""
    if is_public(consultation):
        return Q()
    team = TeamMembership.objects.filter(team_id=consultation.team_id).values("user_id")
    q = Q(is_superuser=True) | Q(pk__in=team)
    if consultation.state != DRAFT:
        invited = _invitations().filter(consultation_id=consultation.pk, user__isnull=False).values("user_id")
        q |= Q(pk__in=invited)
    return q


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
