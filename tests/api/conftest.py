from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from tests.factories import ConsultationFactory, make_document


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as():
    def make(user):
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def draft_consultation(team):
    return ConsultationFactory(team=team, state="draft", published_at=None, slug="draft-one")


@pytest.fixture
def invited_consultation(team):
    return ConsultationFactory(team=team, visibility="invited", slug="invited-one")


@pytest.fixture
def draft_document(consultation):
    doc = make_document(consultation=consultation, clauses=2, slug="next-draft")
    doc.state = "draft"
    doc.save(update_fields=["state"])
    return doc
