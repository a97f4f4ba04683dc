"""Reports: frozen snapshots rendered as a page, an accessible HTML file and a PDF; edits after creation do
not change them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards import services
from insights.curation import theme_update
from insights.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(consultation, analyst, data):
    return services.report_create(consultation=consultation, by=analyst, title="Clause 5 analysis")


def test_report_snapshot_holds_themes_counts_quotes_and_caveats(report, data):
    s = report.snapshot
    assert s["figures"]["responses"] == 8 and s["figures"]["units"] == 20
    themes = {t["label"]: t for block in s["themes"] for t in block["themes"]}
    assert themes["Cost to small businesses"]["count"] == 4
    assert themes["Cost to small businesses"]["quotes"] == [data["comments"][0].body]
    assert any("self-selected" in c for c in s["caveats"])
    assert report.history.first().history_change_reason == "report frozen"


def test_renaming_a_theme_after_the_report_leaves_the_report_unchanged(
    client, analyst, consultation, report, data
):
    theme_update(theme=data["costs"], by=analyst, label="Renamed later")
    client.force_login(analyst)
    html = client.get(
        reverse("dashboards:report-detail", args=[consultation.slug, report.pk])
    ).content.decode()
    assert "Cost to small businesses" in html and "Renamed later" not in html
    file = client.get(reverse("dashboards:report-html", args=[consultation.slug, report.pk])).content.decode()
    assert "Cost to small businesses" in file and "Renamed later" not in file


def test_pdf_download_is_a_pdf_of_the_snapshot(client, analyst, consultation, report):
    client.force_login(analyst)
    response = client.get(reverse("dashboards:report-pdf", args=[consultation.slug, report.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 2000
    assert 'filename="clause-5-analysis.pdf"' in response["Content-Disposition"]


def test_html_file_is_a_standalone_accessible_page(client, analyst, consultation, report):
    client.force_login(analyst)
    html = client.get(reverse("dashboards:report-html", args=[consultation.slug, report.pk])).content.decode()
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in html
    assert "<main>" in html and "<caption" in html and "<script" not in html


def test_report_list_creates_a_report_and_refuses_an_unknown_run(client, analyst, consultation, data):
    client.force_login(analyst)
    link = reverse("dashboards:report-list", args=[consultation.slug])
    response = client.post(link, {"run": "99999", "title": "x"}, follow=True)
    assert "Choose a finished analysis run" in response.content.decode()
    assert not Report.objects.exists()
    response = client.post(link, {"title": "Interim"})
    report = Report.objects.get()
    assert response["Location"].endswith(f"/reports/{report.pk}/") and report.created_by == analyst


def test_reports_and_their_downloads_are_refused_to_a_moderator(client, moderator, consultation, report):
    client.force_login(moderator)
    for name in ("report-detail", "report-html", "report-pdf"):
        assert (
            client.get(reverse(f"dashboards:{name}", args=[consultation.slug, report.pk])).status_code == 403
        )


def test_a_report_of_another_consultation_is_not_found(client, analyst, consultation, report):
    from tests.factories import ConsultationFactory

    other = ConsultationFactory(team=consultation.team)
    client.force_login(analyst)
    assert client.get(reverse("dashboards:report-detail", args=[other.slug, report.pk])).status_code == 404
