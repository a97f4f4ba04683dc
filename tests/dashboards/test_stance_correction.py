"""Officials correct a response's stance on the explorer: permission-checked, recorded, kept when the
response is enriched again, and counted everywhere stance is counted."""

from __future__ import annotations

import pytest
from django.urls import reverse

from insights.models import Enrichment
from insights.services import enrichment_compute
from tests.dashboards.test_explorer import unit_ids, url

pytestmark = pytest.mark.django_db


def correct(client, consultation, unit: str, stance: str, query: str = ""):
    return client.post(
        reverse("dashboards:explorer-stance", args=[consultation.slug]),
        {"unit": unit, "stance": stance, "query": query},
    )


def agree_count(client, consultation) -> int:
    return len(
        unit_ids(client.get(url(consultation, type="comment", stance="agree", per_page=100)).content.decode())
    )


def test_an_analyst_corrects_a_stance_which_is_recorded_and_changes_the_counts(
    client, analyst, consultation, data
):
    client.force_login(analyst)
    target = data["comments"][0]  # the fixture gave it "disagree"
    before = agree_count(client, consultation)
    response = correct(client, consultation, f"comment:{target.pk}", "agree", "type=comment&stance=agree")
    assert response.status_code == 302
    assert response["Location"].endswith("/explore/?type=comment&stance=agree")
    row = Enrichment.objects.get(comment=target)
    assert (row.stance, row.stance_source, row.stance_decided_by) == ("agree", "official", analyst)
    assert row.stance_decided_at is not None
    assert agree_count(client, consultation) == before + 1
    html = client.get(url(consultation, type="comment")).content.decode()
    assert "Agree (official)" in html and "data-stance-accuracy" in html


def test_the_explorer_offers_a_stance_form_per_row_that_works_without_javascript(
    client, analyst, consultation, data
):
    client.force_login(analyst)
    html = client.get(url(consultation, type="comment")).content.decode()
    first = data["comments"][0]
    # A form of its own (outside the bulk form), its select and button tied to it with form="...".
    assert f'<form id="stance-comment-{first.pk}" method="post"' in html
    assert f'form="stance-comment-{first.pk}"' in html
    assert f"comment:{first.pk})" not in html  # rows are named by what they say, not by a reference
    assert html.count("data-stance-save") == len(data["comments"])


@pytest.mark.parametrize("who", ["citizen", "outsider_official", "moderator"])
def test_only_the_consultations_analysts_may_correct_a_stance(client, request, who, consultation, data):
    client.force_login(request.getfixturevalue(who))
    target = data["comments"][0]
    response = correct(client, consultation, f"comment:{target.pk}", "agree")
    assert response.status_code in (403, 404)
    row = Enrichment.objects.get(comment=target)
    assert (row.stance, row.stance_source) == ("disagree", "machine")


def test_a_bad_stance_or_a_unit_of_another_consultation_changes_nothing(client, analyst, consultation, data):
    client.force_login(analyst)
    target = data["comments"][0]
    response = correct(client, consultation, f"comment:{target.pk}", "furious")
    assert response.status_code == 302
    assert Enrichment.objects.get(comment=target).stance == "disagree"
    page = client.get(response["Location"]).content.decode()
    assert "Choose agree, disagree, mixed or unclear." in page
    correct(client, consultation, "comment:999999", "agree")
    assert not Enrichment.objects.filter(stance_source="official").exists()


def test_enriching_the_response_again_keeps_the_officials_stance(client, analyst, consultation, data):
    client.force_login(analyst)
    target = data["comments"][1]  # "agree" in the fixture; its text hash is a placeholder, so it is redone
    correct(client, consultation, f"comment:{target.pk}", "mixed")
    row = enrichment_compute(kind="comment", pk=target.pk)
    row.refresh_from_db()
    assert row.stance == "mixed" and row.stance_source == "official"
    assert row.stance_machine in ("agree", "disagree", "mixed", "unclear")
    assert len(row.text_hash) == 64  # it was recomputed
