"""A comment's moderation, wording or withdrawal shows at once on the consultation's cached public pages
(dhdigital/lib/pagecache.py). A new comment is not a reason: it shows to anonymous readers within the
cache's timeout."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from consultations.signals import bump_for

from .models import Comment


@receiver([post_save, post_delete], sender=Comment, dispatch_uid="pagecache-comment-changed")
def comment_changed(sender, instance, created=False, **kwargs):
    if not created:
        bump_for(instance.consultation_id)
