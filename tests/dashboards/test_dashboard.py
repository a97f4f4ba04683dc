"""The consultation dashboard: who may see it, what it counts, small-number suppression, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from responses.models import Response
from tests.dashboards.conftest import build

pytestmark = pytest.mark.django_db


def url(consultation):
    return reverse("dashboards:dashboard", args=[consultation.slug])


@pytest.mark.parametrize(
    "persona, status",
    [
        ("analyst", 200),
        ("publisher", 200),
        ("moderator", 403),
        ("outsider_official", 403),
        ("citizen", 403),
    ],
)
def test_only_analysts_and_publishers_of_the_team_see_the_dashboard(
    client, request, consultation, persona, status
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url(consultation)).status_code == status


def test_anonymous_visitor_is_sent_to_sign_in(client, consultation):
    response = client.get(url(consultation))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_counts_responses_comments_and_clause_five_in_the_heatmap(
    client, analyst, consultation, data
):
    client.force_login(analyst)
    html = client.get(url(consultation)).content.decode()
    assert 'data-count="responses">8<' in html
    assert 'data-count="comments">12<' in html
    # 6 of the 12 comments are on clause 5 (every other one)
    clause5 = html.split('data-clause="clause-5"')[1].split("</li>")[0]
    assert "6 comments" in clause5
    assert "Cost to small businesses" in clause5
    assert "Disagree" in clause5 and "striped" in clause5  # stance as text and pattern, not colour alone


def test_every_chart_has_a_table_of_the_same_figures(client, analyst, consultation, data):
    client.force_login(analyst)
    html = client.get(url(consultation)).content.decode()
    for key in ("over-time", "channel", "respondent_type", "region", "organisation_type"):
        block = html.split(f'data-chart="{key}"')[1].split("data-chart=")[0]
        assert "<table" in block, key
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">8</td>' in html  # 8 individuals


def test_small_region_counts_are_shown_as_fewer_than_the_threshold(
    client, analyst, consultation, data, settings
):
    settings.SMALL_NUMBER_THRESHOLD = 5
    client.force_login(analyst)
    html = client.get(url(consultation)).content.decode()
    region = html.split('data-chart="region"')[1].split("data-chart=")[0]
    assert 'Wales</th><td class="govuk-table__cell govuk-table__cell--numeric">fewer than 5' in region
    assert ">7<" in region  # London: 7, at or above the threshold, shown
    # channel breakdown is not identifying: small numbers shown as they are
    channel = html.split('data-chart="channel"')[1].split("data-chart=")[0]
    assert ">3<" in channel


def test_moderation_figures_count_pending_rejected_and_median_time(client, analyst, consultation, data):
    Comment.objects.filter(pk=data["comments"][0].pk).update(status="pending")
    second = data["comments"][1]
    Comment.objects.filter(pk=second.pk).update(
        status="rejected", moderated_at=second.created_at + timedelta(hours=3)
    )
    client.force_login(analyst)
    html = client.get(url(consultation)).content.decode()
    assert 'data-count="pending">1<' in html
    assert 'data-count="rejected">1<' in html
    assert "3 h 0 min" in html


def test_campaign_copies_are_shown_apart_from_unique_responses(client, analyst, consultation, data):
    from insights.models import Campaign, CampaignMember

    camp = Campaign.objects.create(consultation=consultation, canonical_text="x", size=3)
    CampaignMember.objects.bulk_create(
        [CampaignMember(campaign=camp, comment=c) for c in data["comments"][:3]]
    )
    client.force_login(analyst)
    html = client.get(url(consultation)).content.decode()
    # 12 comments + 8 answers = 20 units; 3 copies collapse to 1 campaign: 18 unique
    assert 'data-count="unique">18 (each of 1 campaign counted once; 3 campaign copies)' in html


def _queries(client, consultation) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(consultation)).status_code == 200
    return len(ctx)


def test_dashboard_queries_do_not_grow_with_the_number_of_responses(
    client, analyst, consultation, document, citizen
):
    client.force_login(analyst)
    build(consultation, document, citizen, comments=8, answers=4)
    small = _queries(client, consultation)
    build(consultation, document, citizen, comments=80, answers=40)
    assert Response.objects.filter(consultation=consultation).count() == 44
    assert _queries(client, consultation) == small


def test_responses_over_time_count_on_the_local_day_across_midnight(consultation):
    """23:30 UTC on 1 July is 00:30 on 2 July in London (summer time); 23:30 UTC on 1 December is still
    1 December. Counted the same on SQLite (grouped by UTC hour) and PostgreSQL (by local date)."""
    from datetime import UTC, date, datetime

    from dashboards.selectors import over_time

    moments = [
        datetime(2026, 7, 1, 23, 30, tzinfo=UTC),
        datetime(2026, 7, 1, 22, 59, tzinfo=UTC),
        datetime(2026, 12, 1, 23, 30, tzinfo=UTC),
    ]
    Response.objects.bulk_create(
        [
            Response(
                consultation=consultation,
                status=Response.Status.SUBMITTED,
                submitted_at=m,
                email=f"t{i}@example.net",
            )
            for i, m in enumerate(moments)
        ]
    )
    counts = {row["day"]: row["responses"] for row in over_time(consultation)}
    assert counts == {date(2026, 7, 1): 1, date(2026, 7, 2): 1, date(2026, 12, 1): 1}
