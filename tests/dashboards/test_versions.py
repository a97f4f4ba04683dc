"""After a revised version is published, the dashboard and the explorer follow each clause through its
lineage key: comments on the old wording count for (and are found from) the clause that carries it on."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Document
from consultations.services import document_publish_version
from dashboards.explorer import clause_choices
from insights.models import Enrichment
from tests.consultations.test_versions_and_outcome import revised

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_versions(consultation, shared_data, citizen, publisher):
    data = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    v1 = document_import(consultation=consultation, parsed=parse(data), slug="bill").document
    v1.state = Document.State.PUBLISHED
    v1.save()
    clause3 = v1.sections.get(kind="clause", number="3")
    sub = clause3.children.first()
    made = [
        Comment.objects.create(
            consultation=consultation,
            document=v1,
            section=section,
            author=citizen,
            body=body,
            status="published",
            published_at=timezone.now(),
        )
        for section, body in (
            (clause3, "The register should be required, not optional."),
            (sub, "Regulations here should be a duty, not a power."),
        )
    ]
    Enrichment.objects.create(consultation=consultation, comment=made[0], stance="disagree", text_hash="a")
    v2_tree, _ = revised(parse(data))
    v2 = document_import(consultation=consultation, parsed=v2_tree, previous_version=v1).document
    document_publish_version(document=v2, by=publisher)
    return {"v1": v1, "v2": v2.__class__.objects.get(pk=v2.pk), "comments": made}


def test_dashboard_heatmap_counts_comments_on_the_old_wording_for_the_renumbered_clause(
    client, analyst, consultation, two_versions
):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:dashboard", args=[consultation.slug])).content.decode()
    heatmap = html.split("data-heatmap")[1].split("</ol>")[0]
    clause4 = heatmap.split('data-clause="clause-4"')[1].split("</li>")[0]
    assert "Registration and publication of contracts" in clause4  # was clause 3
    assert "2 comments" in clause4 and "Disagree 1" in clause4
    assert "must make regulations" in clause4  # shown with the new wording
    assert "Clause 19: Short title" not in heatmap  # removed in version 2


def test_explorer_finds_the_old_comments_from_the_new_clause(client, analyst, consultation, two_versions):
    v2 = two_versions["v2"]
    clause4 = v2.sections.get(kind="clause", number="4")
    client.force_login(analyst)
    html = client.get(
        reverse("dashboards:explorer", args=[consultation.slug]) + f"?type=comment&clause={clause4.pk}"
    ).content.decode()
    assert "data-result-count>2 comments<" in html
    choices = dict(clause_choices(consultation))
    labels = list(choices.values())
    assert labels.count("Clause 4: Registration and publication of contracts") == 1  # one per clause
    assert "Clause 19: Short title (version 1, since removed)" in labels
    assert "Clause 3: Registration and publication of contracts" not in labels  # the old number is gone
