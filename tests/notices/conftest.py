"""Helpers for the notices tests: comments written straight to the database (no enrichment), a
consultation with a document, and the emails sent."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.cache import cache

from comments.models import Comment
from consultations.models import Section


@pytest.fixture(autouse=True)
def _clean():
    cache.clear()
    mail.outbox = []
    yield
    cache.clear()


@pytest.fixture
def clause(document):
    section = Section.objects.get(document=document, anchor="clause-2")
    section.document = document
    return section


def comment_on(author, section, *, status=Comment.Status.PUBLISHED, **kwargs) -> Comment:
    c = Comment.objects.create(
        consultation=section.document.consultation,
        document=section.document,
        section=section,
        author=author,
        body=kwargs.pop("body", "The duty in this clause should be clearer."),
        status=status,
        **kwargs,
    )
    Comment.objects.filter(pk=c.pk).update(path=Comment.thread_path(None, c.pk))
    return c


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]
