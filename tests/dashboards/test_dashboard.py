"""The consultation dashboard: who may see it, what it counts, small-number suppression, query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import F as models_F
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
    # stance is shown with its measured accuracy
    assert html.count("data-stance-accuracy") >= 1 and "machine estimate" in html


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
    # London's 7 is at the threshold but would give Wales away (8 responses in all): hidden too
    assert 'London</th><td class="govuk-table__cell govuk-table__cell--numeric">fewer than 5' in region
    assert ">7<" not in region and ">1<" not in region
    # channel breakdown is not identifying: small numbers shown as they are
    channel = html.split('data-chart="channel"')[1].split("data-chart=")[0]
    assert ">3<" in channel


def test_one_hidden_count_hides_the_next_smallest_so_it_cannot_be_worked_out(
    client, analyst, consultation, data, settings
):
    """London 7, Wales 1, Scotland 6: Wales is under the threshold; the total minus London and Scotland
    would reveal it, so Scotland (the next smallest) is hidden as well and London stays."""
    settings.SMALL_NUMBER_THRESHOLD = 5
    Response.objects.filter(pk__in=[r.pk for r in data["responses"][:6]]).update(region="scotland")
    Response.objects.bulk_create(
        [
            Response(
                consultation=consultation,
                status=Response.Status.SUBMITTED,
                region="london",
                email=f"extra{i}@example.net",
            )
            for i in range(6)
        ]
    )
    client.force_login(analyst)
    region = client.get(url(consultation)).content.decode().split('data-chart="region"')[1]
    region = region.split("data-chart=")[0]
    cell = '</th><td class="govuk-table__cell govuk-table__cell--numeric">'
    assert f"Wales{cell}fewer than 5" in region
    assert f"Scotland{cell}fewer than 5" in region
    assert f"London{cell}7<" in region


def test_two_small_counts_need_no_further_hiding():
    from dashboards.selectors import bars

    shown = {b.label: b.display for b in bars([("A", 30), ("B", 9), ("C", 2), ("D", 1)], suppress=True)}
    assert shown == {"A": "30", "B": "9", "C": "fewer than 5", "D": "fewer than 5"}
    assert [b.display for b in bars([("A", 30), ("B", 2)], suppress=False)] == ["30", "2"]


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
    assert counts[date(2026, 7, 1)] == 1 and counts[date(2026, 7, 2)] == 1 and counts[date(2026, 12, 1)] == 1
    assert sum(counts.values()) == 3


def test_days_with_nothing_received_are_shown_as_zero(consultation):
    from datetime import UTC, date, datetime

    from dashboards.selectors import over_time

    Response.objects.bulk_create(
        [
            Response(
                consultation=consultation,
                status=Response.Status.SUBMITTED,
                submitted_at=datetime(2026, 3, d, 12, tzinfo=UTC),
                email=f"d{d}@example.net",
            )
            for d in (2, 5)
        ]
    )
    rows = over_time(consultation)
    assert [(r["day"], r["responses"]) for r in rows] == [
        (date(2026, 3, 2), 1),
        (date(2026, 3, 3), 0),
        (date(2026, 3, 4), 0),
        (date(2026, 3, 5), 1),
    ]
    assert [r["x1"] for r in rows] == [1, 13, 25, 37]  # one column slot a day


def test_heatmap_reads_as_the_document_with_heat_in_words(client, analyst, consultation, document, data):
    from consultations.models import Section

    first = Section.objects.get(document=document, anchor="clause-1")
    sections = Section.objects.filter(document=document)
    sections.update(position=models_F("position") + 1000)  # two steps: positions are unique
    sections.update(position=models_F("position") - 999, last_descendant=models_F("last_descendant") + 1)
    Section.objects.create(
        document=document,
        kind="part",
        number="1",
        heading="Care and support",
        position=0,
        last_descendant=Section.objects.filter(document=document).order_by("-position")[0].position,
        depth=0,
        anchor="part-1",
        lineage_key="part_1",
    )
    client.force_login(analyst)
    html = client.get(url(consultation)).content.decode()
    heatmap = html.split("data-heatmap")[1].split("</ol>")[0]
    assert heatmap.index("Part 1: Care and support") < heatmap.index(first.label)
    clause5 = heatmap.split('data-clause="clause-5"')[1].split("</li>")[0]
    assert clause5.startswith(' data-heat="highest"') and "heat: highest" in clause5  # 6 of 12, the most
    clause1 = heatmap.split('data-clause="clause-1"')[1].split("</li>")[0]
    assert 'data-heat="none"' in clause1 and "0 comments" in clause1
    assert "A local authority must meet the adult" in clause1  # the clause's own words
    clause2 = heatmap.split('data-clause="clause-2"')[1].split("</li>")[0]
    assert 'data-heat="high"' in clause2 and "3 comments" in clause2  # half of clause 5's 6


def test_engagement_events_show_attendees_and_the_feedback_recorded(client, analyst, consultation, data):
    from django.utils import timezone

    from responses.models import EngagementEvent, EventNote

    event = EngagementEvent.objects.create(
        consultation=consultation,
        title="Roundtable with care providers",
        starts_at=timezone.now(),
        location="Leeds",
        organiser="Care Bill Team",
        attendees=18,
    )
    EventNote.objects.bulk_create(
        [
            EventNote(event=event, text=t, section=data["clause5"])
            for t in data["comments"][0].body.split(".")[:1] * 2
        ]
    )
    client.force_login(analyst)
    events = client.get(url(consultation)).content.decode().split("data-events")[1].split("</table>")[0]
    assert "Roundtable with care providers" in events and "Leeds" in events and ">18<" in events
    assert "data-note-count>2<" in events
    assert reverse("responses:staff-event-detail", args=[consultation.slug, event.pk]) in events
