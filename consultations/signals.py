"""Public pages cached for anonymous readers (dhdigital/lib/pagecache.py) go stale at once when the
consultation, its documents, or a comment's moderation, wording or withdrawal change. A new comment is
not a reason: it shows to anonymous readers within the cache's timeout."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dhdigital.lib import pagecache

from .models import Consultation, Document, LedgerEntry


def _bump_for(consultation_id: int | None) -> None:
    if consultation_id is None:
        return
    slug = Consultation.objects.filter(pk=consultation_id).values_list("slug", flat=True).first()
    if slug:
        pagecache.bump(slug)


@receiver([post_save, post_delete], sender=Consultation)
def consultation_changed(sender, instance, **kwargs):
    pagecache.bump(instance.slug)


@receiver([post_save, post_delete], sender=Document)
@receiver([post_save, post_delete], sender=LedgerEntry)
def document_changed(sender, instance, **kwargs):
    _bump_for(instance.consultation_id)


def comment_changed(sender, instance, created=False, **kwargs):
    if not created:
        _bump_for(instance.consultation_id)


def connect_comments() -> None:
    from comments.models import Comment

    post_save.connect(comment_changed, sender=Comment, dispatch_uid="pagecache-comment-saved")
    post_delete.connect(comment_changed, sender=Comment, dispatch_uid="pagecache-comment-deleted")
