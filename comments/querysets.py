from __future__ import annotations

from django.db import models
from django.db.models import Q

PUBLIC_STATUSES = ("published", "hidden", "withdrawn")


class CommentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

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
