"""Who commented on a draft bill (issue 19, item 5): what commenters give once, optionally, on their
profile breaks the draft bill's dashboard down as a formal consultation's responses are."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.urls import reverse

from comments.models import Comment
from dashboards.selectors import commenter_counts
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commenters(consultation, document):
    clause = document.sections.get(anchor="clause-1")
    people = [
        UserFactory(respondent_type="organisation", organisation_type="charity", region="london"),
        UserFactory(respondent_type="individual", region="london"),
        UserFactory(respondent_type="individual", region="wales"),
        UserFactory(),  # gave nothing
        UserFactory(respondent_type="individual", region="scotland"),  # only a withdrawn comment
    ]
    plan = [(0, "published"), (0, "published"), (1, "published"), (1, "pending"), (2, "published")]
    plan += [(3, "published"), (4, "withdrawn")]
    for i, (who, status) in enumerate(plan):
        Comment.objects.create(
            consultation=consultation,
            document=document,
            section=clause,
            author=people[who],
            body=f"Comment {i} on the clause.",
            status=status,
        )
    return people


def test_each_commenter_counts_once_by_what_their_profile_says(consultation, commenters):
    total, per = commenter_counts(consultation)
    counted = Comment.objects.filter(consultation=consultation).exclude(status="withdrawn")
    assert total == counted.aggregate(n=Count("author", distinct=True))["n"] == 4
    assert per["respondent_type"] == {"organisation": 1, "individual": 2, "": 1}
    assert per["region"] == {"london": 2, "wales": 1, "": 1}
    assert per["organisation_type"] == {"charity": 1}  # organisations only
    assert "scotland" not in per["region"]  # a withdrawn comment does not count


def test_the_draft_bill_dashboard_shows_who_commented(client, analyst, consultation, commenters):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:dashboard", args=[consultation.slug])).content.decode()
    assert "Who commented" in html and "4 people commented" in html
    section = html.split('id="who-commented"')[1].split("<h2")[0]
    assert 'data-chart="commenters-respondent_type"' in section
    assert 'data-chart="commenters-channel"' not in section
    # Named apart from the responses' charts of the same breakdown (one accessible name a chart).
    assert "Commenters by region: bar chart" in section and "Commenters by respondent type" in section
    assert "As an individual" in section and "Not given" in section
    assert "fewer than" in section  # 2 in London, 1 in Wales: small counts are hidden


def test_a_person_says_once_on_their_profile_who_they_comment_as(client, citizen):
    client.force_login(citizen)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Who you comment as (optional)" in page and "Prefer not to say" in page
    r = client.post(
        reverse("accounts:profile"),
        {
            "display_name": "Jo Citizen",
            "respondent_type": "individual",
            "organisation_type": "charity",  # not an organisation: not kept
            "region": "wales",
        },
    )
    assert r.status_code == 302
    citizen.refresh_from_db()
    assert (citizen.respondent_type, citizen.organisation_type, citizen.region) == ("individual", "", "wales")
    r = client.post(reverse("accounts:profile"), {"display_name": "Jo Citizen", "region": "atlantis"})
    assert r.status_code == 200 and "Select a valid choice" in r.content.decode()
    citizen.refresh_from_db()
    assert citizen.region == "wales"
