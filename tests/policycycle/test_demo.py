"""The demo loader that `manage.py load_demo` calls."""

from __future__ import annotations

import pytest

from consultations.models import Consultation
from dhdigital.accounts.models import Team
from policycycle.demo import DEMO_PROJECT, load_demo_toolkit
from policycycle.models import CapabilityAssessment, PolicyProject, ProjectDecision, Technique
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


def test_demo_loader_seeds_the_toolkit_and_gives_the_demo_team_a_project_once():
    team = Team.objects.create(slug="aviation-fuels", name="Sustainable Aviation Fuel Bill team")
    bill = ConsultationFactory(team=team)
    load_demo_toolkit()
    load_demo_toolkit()
    project = PolicyProject.objects.get(slug=DEMO_PROJECT)
    assert Consultation.objects.get(pk=bill.pk).project == project
    assert ProjectDecision.objects.filter(project=project).count() == 2
    assert ProjectDecision.objects.filter(project=project, is_public=False).count() == 1
    assert CapabilityAssessment.objects.filter(team=team).count() == 2
    assert Technique.objects.exists()


def test_demo_loader_without_the_demo_team_only_seeds_the_toolkit():
    load_demo_toolkit()
    assert Technique.objects.exists() and not PolicyProject.objects.exists()
