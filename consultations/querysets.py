from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from . import visibility


class ConsultationQuerySet(models.QuerySet):
    def published(self):
        """Everything the public may see (not drafts, not invitation-only): `visibility.is_public`."""
        return self.filter(visibility.public_q())

    def listed_for(self, user):
        """What the public lists show `user`: the public ones and their accepted invitations
        (`visibility.listed_q`)."""
        return self.filter(visibility.listed_q(user))

    def visible_to(self, user):
        """What `user` may see (`visibility.may_view`): the public ones, their team's, all for superusers."""
        return self.filter(visibility.visible_q(user))

    def open_now(self, now=None):
        now = now or timezone.now()
        return self.filter(state__in=["scheduled", "open"], opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now=None):
        """Published, not open yet: before `opens_at`, or missing a date (Consultation.phase)."""
        now = now or timezone.now()
        return self.filter(state__in=["scheduled", "open"]).filter(
            Q(opens_at__gt=now)
            | (Q(opens_at__isnull=True) | Q(closes_at__isnull=True)) & ~Q(closes_at__lte=now)
        )

    def closed(self, now=None):
        now = now or timezone.now()
        return self.filter(
            Q(state__in=["closed", "concluded"])
            | Q(state__in=["scheduled", "open"], closes_at__lte=now) & ~Q(opens_at__gt=now)
        )


class SectionQuerySet(models.QuerySet):
    def commentable(self):
        return self.filter(kind__in=["clause", "schedule", "amendment"])

    def subtree(self, section):
        return self.filter(
            document_id=section.document_id,
            position__gte=section.position,
            position__lte=section.last_descendant,
        )
