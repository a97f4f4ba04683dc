"""The only way analysis pages load objects: analysts and publishers of the consultation's team."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from consultations.access import consultation_for_team
from dhdigital.accounts.models import Role

from .models import AnalysisRun, Theme, ThemeAssignment


def consultation_for_analyst(user, slug: str):
    return consultation_for_team(user, slug, Role.ANALYST)


def _check(user, obj):
    obj.consultation = consultation_for_analyst(user, obj.consultation.slug)
    return obj


def run_for_analyst(user, pk: int) -> AnalysisRun:
    return _check(user, get_object_or_404(AnalysisRun.objects.select_related("consultation"), pk=pk))


def theme_for_analyst(user, pk: int) -> Theme:
    return _check(user, get_object_or_404(Theme.objects.select_related("consultation"), pk=pk))


def tag_for_analyst(user, pk: int) -> ThemeAssignment:
    tag = get_object_or_404(ThemeAssignment.objects.select_related("theme__consultation"), pk=pk)
    tag.theme.consultation = consultation_for_analyst(user, tag.theme.consultation.slug)
    return tag
