"""Fixtures for the policy cycle tests: the seeded toolkit and a project of `team`."""

from __future__ import annotations

import pytest

from policycycle.models import PolicyProject, Stage
from policycycle.services import toolkit_seed


@pytest.fixture
def toolkit(db):
    toolkit_seed()
    return {s.slug: s for s in Stage.objects.all()}


@pytest.fixture
def project(team, toolkit):
    return PolicyProject.objects.create(
        team=team,
        slug="care-and-support-reform",
        title="Care and support reform",
        summary="Reforming adult social care law.",
        team_notes="Minister wants options by spring.",
        stage=toolkit["shaping"],
    )


@pytest.fixture
def private_project(team, toolkit):
    return PolicyProject.objects.create(
        team=team,
        slug="funding-options",
        title="Funding options",
        is_public=False,
        stage=toolkit["shaping"],
        team_notes="Not for publication.",
    )
