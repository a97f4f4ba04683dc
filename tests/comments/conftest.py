"""Helpers for the comments tests: the clause under discussion and a third reader."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from comments import services

# Real comment text (Polis, The Computational Democracy Project, CC BY 4.0), read from the shared data.
from comments.demo import relevant_polis_comments
from comments.models import Comment
from consultations.models import Section
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clause(document):
    section = Section.objects.get(document=document, anchor="clause-3")
    section.document = document
    return section


@pytest.fixture
def subsection(clause):
    return Section.objects.get(document=clause.document, anchor="clause-3-1")


@pytest.fixture
def third_citizen(db):
    return UserFactory(email="third.citizen@example.org", display_name="Alex Reader")


@pytest.fixture(scope="session")
def real_texts():
    return [c["body"] for c in relevant_polis_comments() if len(c["body"]) > 60]


def post(author, clause, text, **kwargs) -> Comment:
    kwargs.setdefault("category", Comment.Category.DRAFTING)
    return services.comment_create(
        author=author,
        consultation=clause.document.consultation,
        document=clause.document,
        section=clause,
        body=text,
        **kwargs,
    )


def reply(author, parent, text, **kwargs) -> Comment:
    return services.comment_create(
        author=author,
        consultation=parent.consultation,
        document=parent.document,
        section=parent.section,
        parent=parent,
        body=text,
        category=parent.category,
        **kwargs,
    )
