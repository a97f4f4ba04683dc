"""What the closed-question results cost in queries, so that a change cannot silently make the dashboard,
the explorer filtered by an option or the exports slower at 100k responses (make bench measures the time;
these tests count the queries, whatever the number of responses): the dashboard scans the responses by
respondent once for its breakdowns and the closed questions together, and on PostgreSQL the planner has
the statistics that let it hash the grouped answers instead of sorting them on disk."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards import closed
from tests.dashboards.conftest import add_closed_answers, build

pytestmark = pytest.mark.django_db

# Today's counts for a formal consultation with three closed questions, a campaign and themes; each is a
# ceiling (the page may do better, never worse), the same at 90 responses as at 100k. The dashboard and
# the closed results' export read the consultation's results version once (selectors.Tallies) before
# counting; with nothing changed since, the counts come from the cache (DASHBOARD_CACHED_QUERIES).
DASHBOARD_QUERIES = 45
DASHBOARD_CACHED_QUERIES = 39
EXPLORER_BY_OPTION_QUERIES = 20
EXPORT_QUERIES = 14


@pytest.fixture
def formal(consultation, document, citizen):
    from insights.models import Campaign, CampaignMember

    consultation.kind = "formal"
    consultation.save(update_fields=["kind"])
    data = build(consultation, document, citizen, comments=4, answers=30)
    questions = add_closed_answers(consultation, data["responses"])
    campaign = Campaign.objects.create(consultation=consultation, canonical_text="same", size=3)
    CampaignMember.objects.bulk_create(
        [
            CampaignMember(campaign=campaign, answer=a, is_canonical=i == 0)
            for i, a in enumerate(data["answers"][:3])
        ]
    )
    return {**data, "questions": questions}


def _more(consultation, document, citizen):
    """Three times as many responses, answering the same closed questions."""
    data = build(consultation, document, citizen, comments=8, answers=90)
    from responses.models import Answer, Question

    questions = list(Question.objects.filter(consultation=consultation, kind__in=closed.CLOSED_KINDS))
    Answer.objects.bulk_create(
        [
            Answer(response=r, question=q, choices=[q.options[i % len(q.options)]])
            for i, r in enumerate(data["responses"])
            for q in questions
        ]
    )


def _get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return ctx.captured_queries


def _respondent_scans(queries) -> int:
    """Queries that group the responses themselves by the four respondent fields."""
    fields = ("channel", "respondent_type", "organisation_type", "region")
    return sum(
        1
        for q in queries
        if re.match(r'SELECT "responses_response"\."channel"', q["sql"])
        and all(f'"responses_response"."{f}"' in q["sql"] for f in fields)
        and "GROUP BY" in q["sql"]
    )


def test_the_dashboard_scans_the_responses_by_respondent_once(client, analyst, consultation, formal):
    client.force_login(analyst)
    queries = _get(client, reverse("dashboards:dashboard", args=[consultation.slug]))
    assert _respondent_scans(queries) == 1
    assert len(queries) <= DASHBOARD_QUERIES


def _grouped_scans(queries) -> int:
    """Queries that group the responses or their answers."""
    return sum(
        1
        for q in queries
        if "GROUP BY" in q["sql"]
        and re.search(r'FROM "responses_(response|answer)"', q["sql"])
        and "consultations_section" not in q["sql"]
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the results version is PostgreSQL's")
def test_a_second_look_at_the_dashboard_counts_nothing_again_until_a_response_changes(
    client, analyst, consultation, formal
):
    from django.core.cache import cache

    from responses.models import Response

    cache.clear()
    client.force_login(analyst)
    url = reverse("dashboards:dashboard", args=[consultation.slug])
    first = _get(client, url)
    assert _grouped_scans(first) >= 4  # the cube, the responses by day, the answers by respondent and day
    again = _get(client, url)
    assert _grouped_scans(again) == 0
    assert len(again) <= DASHBOARD_CACHED_QUERIES < len(first)
    Response.objects.filter(pk=formal["responses"][0].pk).update(region="wales")
    assert _grouped_scans(_get(client, url)) == _grouped_scans(first)


def test_dashboard_queries_with_closed_questions_do_not_grow_with_the_responses(
    client, analyst, consultation, document, citizen, formal, django_assert_max_num_queries
):
    client.force_login(analyst)
    url = reverse("dashboards:dashboard", args=[consultation.slug])
    small = len(_get(client, url))
    _more(consultation, document, citizen)
    with django_assert_max_num_queries(small):
        assert client.get(url).status_code == 200


def test_the_explorer_filtered_by_an_option_costs_a_fixed_number_of_queries(
    client, analyst, consultation, document, citizen, formal, django_assert_max_num_queries
):
    client.force_login(analyst)
    first = formal["questions"][0]
    url = reverse("dashboards:explorer", args=[consultation.slug]) + f"?type=answer&option={first.pk}:2"
    small = len(_get(client, url))
    assert small <= EXPLORER_BY_OPTION_QUERIES
    _more(consultation, document, citizen)
    with django_assert_max_num_queries(small):
        assert client.get(url + "&per_page=100").status_code == 200


@pytest.mark.parametrize("dataset", ["responses", "closed"])
def test_an_export_with_closed_answers_costs_queries_per_chunk_not_per_row(
    client, analyst, consultation, formal, dataset, django_assert_max_num_queries
):
    client.force_login(analyst)
    url = reverse("dashboards:export-download", args=[consultation.slug, dataset, "csv"])
    with django_assert_max_num_queries(EXPORT_QUERIES):
        response = client.get(url)
        body = b"".join(response.streaming_content)
    assert body.count(b"\n") > 30


@pytest.mark.skipif(connection.vendor != "postgresql", reason="extended statistics are PostgreSQL's")
def test_the_planner_has_statistics_on_the_grouped_columns():
    with connection.cursor() as cursor:
        cursor.execute("SELECT stxname, stxkind FROM pg_statistic_ext WHERE stxname LIKE 'dhd_%%'")
        found = {name: set(kinds) for name, kinds in cursor.fetchall()}
    assert found["dhd_answer_question_choices_stats"] >= {"d", "m"}
    assert found["dhd_response_respondent_stats"] >= {"d"}
