from __future__ import annotations

from django.db import models
from django.db.models import Q

from consultations.visibility import document_q, visible_q
from dhdigital.accounts.models import Role
from dhdigital.accounts.roles import teams_where
from responses.querysets import NOT_PUBLIC as IDEA_NOT_PUBLIC

PUBLIC_STATUSES = ("published", "hidden", "withdrawn")


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def visible_to(self, user):
        """Comments where `user` (None: the public) may see them, whatever their status (add
        `.published()` for the text anyone may read): in a consultation and document they may see
        (consultations.visibility), and not in the discussion of a hidden idea, which only the team's
        moderators keep seeing. `comments.access.may_see` is the same rule for one comment."""
        idea_public = Q(idea__isnull=True) | ~Q(idea__status__in=IDEA_NOT_PUBLIC)
        if getattr(user, "is_authenticated", False) and user.is_active:
            idea_public |= Q(consultation__team__in=teams_where(user, Role.MODERATOR))
        in_document = document_q(user, "document__")
        if in_document:  # an empty Q (everything) would vanish from an OR
            in_document |= Q(document__isnull=True)
        return self.filter(visible_q(user, "consultation__"), in_document, idea_public)

    def public(self):
        """Published comments anyone may read: what open data, feeds and search give."""
        return self.published().visible_to(None)

    def shown_in_threads(self, user=None):
        """Published comments, placeholders for removed or withdrawn ones (their replies stay readable),
        and the viewer's own comments that are waiting for moderation."""
        q = Q(status__in=PUBLIC_STATUSES)
        if user is not None and getattr(user, "is_authenticated", False):
            q |= Q(status="pending", author=user)
        return self.filter(q)

    def for_section_subtree(self, section):
        """Comments on a clause and on any of its subsections."""
        return self.filter(
            section__document_id=section.document_id,
            section__position__gte=section.position,
            section__position__lte=section.last_descendant,
        )

    def general_for_document(self, document):
        return self.filter(document=document, section__isnull=True)

    def general_for_consultation(self, consultation):
        return self.filter(
            consultation=consultation, document__isnull=True, section__isnull=True, idea__isnull=True
        )

    def for_idea(self, idea):
        return self.filter(idea=idea)

    def awaiting_moderation(self):
        return self.filter(status="pending")
