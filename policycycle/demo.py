"""Demo content for `manage.py load_demo`: every app's demo, and here the toolkit and one project owning
the demo consultations."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from comments.demo import load_demo_comments
from consultations.demo import load_demo_consultations
from consultations.models import Consultation
from dhdigital.accounts.models import Team
from responses.demo import load_demo_ideas, load_demo_responses

from .models import CapabilityArea, PolicyProject, Stage
from .services import capability_assess, decision_record, project_create, toolkit_seed

DEMO_PROJECT = "sustainable-aviation-fuel"


@transaction.atomic
def load_demo(*, stdout=None) -> dict[str, object]:
    """The demo consultations (consultations.demo) with their comments, responses and ideas, and the
    toolkit; idempotent. This app sits above the others, so it is the one that loads them all."""
    loaded = load_demo_consultations(stdout=stdout)
    load_demo_comments(loaded["document"])
    load_demo_responses(loaded["formal"])
    load_demo_ideas(loaded["ideas"])
    load_demo_toolkit()
    return loaded


@transaction.atomic
def load_demo_toolkit() -> dict[str, int]:
    """Seed the toolkit; create a demo project for the demo team's consultations. Idempotent."""
    created = toolkit_seed()
    team = Team.objects.filter(slug="aviation-fuels").first()
    if team is None or PolicyProject.objects.filter(slug=DEMO_PROJECT).exists():
        return created
    analysis = Stage.objects.get(slug="analysis")
    project = project_create(
        team=team,
        slug=DEMO_PROJECT,
        title="Sustainable aviation fuel revenue certainty",
        summary="Designing a revenue certainty mechanism for sustainable aviation fuel producers, "
        "in the open.",
        description="The team is publishing the draft bill for clause-by-clause comment, asking which rules "
        "stand in the way, and collecting ideas.",
        stage=analysis,
    )
    Consultation.objects.filter(team=team, project__isnull=True).update(project=project)
    today = timezone.localdate()
    decision_record(
        project=project,
        stage=Stage.objects.get(slug="shaping"),
        decided_on=today - dt.timedelta(days=30),
        title="Publish the draft bill for clause-by-clause comment",
        body="The detail of the drafting matters to producers, so comments should land on the exact clause.",
    )
    decision_record(
        project=project,
        stage=analysis,
        decided_on=today - dt.timedelta(days=7),
        is_public=False,
        title="Hold a workshop with producers before the consultation closes",
    )
    capability_assess(
        team=team, assessed_on=today - dt.timedelta(days=180), levels=dict.fromkeys(_areas(), 2)
    )
    capability_assess(
        team=team, assessed_on=today, levels={**dict.fromkeys(_areas(), 2), "engagement": 3, "tools": 3}
    )
    return created


def _areas() -> list[str]:
    return list(CapabilityArea.values)
