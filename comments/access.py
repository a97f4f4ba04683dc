"""The only way views load comments for a user: 404 for what they may not see, PermissionDenied for what
they may see but not change."""

from __future__ import annotations

from django.http import Http404

from consultations.access import consultation_for_team
from consultations.visibility import may_view, may_view_document
from dhdigital.accounts.models import Role
from dhdigital.accounts.roles import has_team_role
from responses.querysets import NOT_PUBLIC as IDEA_NOT_PUBLIC

from . import selectors
from .models import Comment

PUBLIC = (Comment.Status.PUBLISHED, Comment.Status.HIDDEN, Comment.Status.WITHDRAWN)


def is_moderator(user, comment_or_consultation) -> bool:
    consultation = getattr(comment_or_consultation, "consultation", comment_or_consultation)
    return has_team_role(user, consultation.team_id, Role.MODERATOR)


def may_see(user, comment: Comment) -> bool:
    """`Comment.objects.visible_to`'s rule for one comment, with its status: published ones (and the
    placeholders of hidden and withdrawn ones) for whoever may see where it is, the rest for its author
    and the team's moderators."""
    if not may_view(user, comment.consultation):
        return False
    if comment.document_id and not may_view_document(user, comment.document, comment.consultation):
        return False
    if comment.idea_id and comment.idea.status in IDEA_NOT_PUBLIC and not is_moderator(user, comment):
        return False  # the discussion of a hidden idea goes with it
    if comment.status in PUBLIC or is_moderator(user, comment):
        return True
    return getattr(user, "is_authenticated", False) and comment.author_id == user.pk


def comment_for_viewer(user, pk: int) -> Comment:
    comment = selectors.comment_for_page(pk)
    if comment is None or not may_see(user, comment):
        raise Http404("No comment matches the given query.")
    return comment


def comment_for_author(user, pk: int) -> Comment:
    """The author's own comment (any status), or 404: nobody learns of others' comments this way."""
    comment = selectors.comment_for_page(pk)
    if comment is None or not getattr(user, "is_authenticated", False) or comment.author_id != user.pk:
        raise Http404("No comment matches the given query.")
    return comment


def consultation_for_moderator(user, slug: str):
    return consultation_for_team(user, slug, Role.MODERATOR)
