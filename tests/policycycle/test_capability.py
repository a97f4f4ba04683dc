"""The digital capability self-assessment: levels 1 to 5 per area, tracked over time, team only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from policycycle.models import CapabilityArea, CapabilityAssessment, CapabilityScore
from policycycle.selectors import capability_timeline
from policycycle.services import capability_assess

pytestmark = pytest.mark.django_db


def _levels(default=2, **overrides):
    return {**dict.fromkeys(CapabilityArea.values, default), **overrides}


def test_timeline_shows_each_assessment_newest_first_with_the_change_since_the_one_before(team):
    capability_assess(team=team, assessed_on=dt.date(2026, 1, 10), levels=_levels(2))
    capability_assess(team=team, assessed_on=dt.date(2026, 6, 10), levels=_levels(2, engagement=4, tools=1))
    latest, first = capability_timeline(team)
    assert latest["assessment"].assessed_on == dt.date(2026, 6, 10)
    changes = {a["area"]: a["change"] for a in latest["areas"]}
    assert changes["engagement"] == 2 and changes["tools"] == -1 and changes["skills"] == 0
    assert latest["average"] == round((2 * 6 + 4 + 1) / 8, 1)
    assert all(a["change"] is None for a in first["areas"])


def test_an_assessment_missing_an_area_or_out_of_range_saves_nothing(team):
    with pytest.raises(ValidationError):
        capability_assess(team=team, assessed_on=dt.date(2026, 1, 1), levels={"leadership": 3})
    with pytest.raises(ValidationError):
        capability_assess(team=team, assessed_on=dt.date(2026, 1, 1), levels=_levels(6))
    assert not CapabilityAssessment.objects.exists() and not CapabilityScore.objects.exists()


def _post_data(day=12, **levels):
    data = {"assessed_on_day": day, "assessed_on_month": 5, "assessed_on_year": 2026, "notes": "First go."}
    data.update({f"area_{a}": str(levels.get(a, 3)) for a in CapabilityArea.values})
    return data


def test_a_team_member_records_an_assessment_through_the_form(client, moderator, team):
    client.force_login(moderator)
    response = client.post(
        reverse("policycycle:capability-create", args=[team.slug]), _post_data(evaluation=5)
    )
    assert response.status_code == 302
    assessment = CapabilityAssessment.objects.get()
    assert assessment.created_by == moderator and assessment.assessed_on == dt.date(2026, 5, 12)
    assert dict(assessment.scores.values_list("area", "level"))["evaluation"] == 5
    html = client.get(reverse("policycycle:capability-team", args=[team.slug])).content.decode()
    assert "12 May 2026" in html and "First go." in html


def test_a_form_with_an_unanswered_area_shows_which_and_saves_nothing(client, analyst, team):
    client.force_login(analyst)
    data = _post_data()
    del data["area_inclusion"]
    response = client.post(reverse("policycycle:capability-create", args=[team.slug]), data)
    assert "Select a level for accessibility and assisted digital" in response.content.decode()
    assert not CapabilityAssessment.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("citizen", 404),
        ("outsider_official", 404),
        ("moderator", 200),
        ("publisher", 200),
        ("superuser", 200),
    ],
)
def test_only_the_team_sees_its_self_assessment(client, request, team, persona, status):
    capability_assess(team=team, assessed_on=dt.date(2026, 1, 10), levels=_levels(2))
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("policycycle:capability-team", args=[team.slug])).status_code == status
    assert client.get(reverse("policycycle:capability-create", args=[team.slug])).status_code == status


def test_capability_index_takes_a_member_of_one_team_straight_to_it(client, analyst, team):
    client.force_login(analyst)
    response = client.get(reverse("policycycle:capability-index"))
    assert response.status_code == 302 and response.url == reverse(
        "policycycle:capability-team", args=[team.slug]
    )
