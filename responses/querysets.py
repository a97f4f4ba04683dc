from __future__ import annotations

from django.db import models


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status="submitted")

    def publishable(self):
        """Submitted responses whose authors consented to publication (named or anonymous), never the rest."""
        return self.submitted().filter(consent__in=["named", "anonymous"])


# An idea in one of these is not public, nor is its discussion (comments.querysets.visible_to).
NOT_PUBLIC = ("hidden", "pending")


class IdeaQuerySet(models.QuerySet):
    def listed(self):
        """Ideas the public sees listed: not merged away, not hidden, not waiting for a moderator."""
        return self.exclude(status__in=["merged", *NOT_PUBLIC])

    def ranked(self):
        return self.order_by("-score", "-up_votes", "-created_at")
