"""Publishing a frozen report: only a team publisher, only for a public consultation; the public page, its
PDF and the API carry figures, themes and stances but never respondents' own words."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards import services
from insights.models import Campaign, Summary

from .test_reports import _pdf_objects

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(consultation, analyst, data):
    Summary.objects.create(
        consultation=consultation,
        scope="clause:sec_5",
        sentences=[{"text": data["comments"][2].body, "citations": [data["comments"][2].pk]}],
    )
    Summary.objects.create(
        consultation=consultation,
        scope="consultation",
        sentences=[{"text": data["answers"][0].text, "citations": [f"answer:{data['answers'][0].pk}"]}],
    )
    Campaign.objects.create(consultation=consultation, canonical_text=data["answers"][1].text, size=40)
    return services.report_create(consultation=consultation, by=analyst, title="Interim analysis")


def _words(data) -> list[str]:
    """Respondents' words the team's copy holds: a quote, a clause and an overall summary, a campaign."""
    return [
        data["comments"][0].body,
        data["comments"][2].body,
        data["answers"][0].text,
        data["answers"][1].text,
    ]


def _snippet(text: str) -> str:
    return text[:60]


def test_a_publisher_publishes_and_the_public_reads_figures_without_respondents_words(
    client, publisher, consultation, report, data
):
    team_copy = str(report.snapshot)
    for words in _words(data):
        assert _snippet(words) in team_copy  # the team's own copy keeps them

    client.force_login(publisher)
    detail = reverse("dashboards:report-detail", args=[consultation.slug, report.pk])
    assert "Publish the report" in client.get(detail).content.decode()
    response = client.post(reverse("dashboards:report-publish", args=[consultation.slug, report.pk]))
    assert response.status_code == 302 and response["Location"] == detail
    report.refresh_from_db()
    assert report.is_published and report.published_at
    assert report.history.first().history_change_reason == f"report published by {publisher.pk}"
    assert "the public version" in client.get(detail).content.decode()

    client.logout()
    listing = client.get(consultation.get_absolute_url()).content.decode()
    public_url = reverse("consultations:report", args=[consultation.slug, report.pk])
    assert f'href="{public_url}"' in listing and "Interim analysis" in listing
    page = client.get(public_url).content.decode()
    assert "Cost to small businesses" in page  # themes and their counts are public
    assert "40 responses</strong> sent the same text" in page and "not published" in page
    assert "Summary</strong>" not in page
    pdf = client.get(reverse("consultations:report-pdf", args=[consultation.slug, report.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    objects = _pdf_objects(pdf.content)
    assert b"Interim analysis" in objects
    api = client.get(f"/api/v1/consultations/{consultation.slug}/reports/").content.decode()
    assert "Cost to small businesses" in api
    for words in _words(data):
        assert _snippet(words) not in page
        assert _snippet(words) not in api
        assert _snippet(words).encode() not in objects


def test_unpublished_reports_are_not_found_by_the_public(client, citizen, consultation, report):
    client.force_login(citizen)
    for name in ("consultations:report", "consultations:report-pdf"):
        assert client.get(reverse(name, args=[consultation.slug, report.pk])).status_code == 404
    assert "Interim analysis" not in client.get(consultation.get_absolute_url()).content.decode()


def test_only_the_teams_publisher_publishes_or_withdraws(
    client, analyst, moderator, outsider_official, consultation, report
):
    publish = reverse("dashboards:report-publish", args=[consultation.slug, report.pk])
    for user in (analyst, moderator):
        client.force_login(user)
        assert client.post(publish).status_code == 403
    client.force_login(analyst)
    detail = client.get(reverse("dashboards:report-detail", args=[consultation.slug, report.pk]))
    assert "Publish the report" not in detail.content.decode()
    client.force_login(outsider_official)
    assert client.post(publish).status_code == 403  # public consultation, other team
    client.logout()
    assert client.post(publish).status_code == 302  # to sign in
    report.refresh_from_db()
    assert not report.is_published


def test_publishing_needs_a_public_consultation_and_happens_once(client, publisher, consultation, report):
    from consultations.models import Consultation

    Consultation.objects.filter(pk=consultation.pk).update(visibility=Consultation.Visibility.INVITED)
    with pytest.raises(services.ReportPublishError, match="Publish the consultation first"):
        services.report_publish(report=report, by=publisher)
    report.refresh_from_db()
    assert not report.is_published
    Consultation.objects.filter(pk=consultation.pk).update(visibility=Consultation.Visibility.PUBLIC)
    services.report_publish(report=report, by=publisher)
    with pytest.raises(services.ReportPublishError, match="already published"):
        services.report_publish(report=report, by=publisher)


def test_a_withdrawal_needs_a_reason_and_takes_the_report_off_the_public_pages(
    client, publisher, consultation, report
):
    services.report_publish(report=report, by=publisher)
    client.force_login(publisher)
    withdraw = reverse("dashboards:report-withdraw", args=[consultation.slug, report.pk])
    assert "Why are you withdrawing it?" in client.get(withdraw).content.decode()
    refused = client.post(withdraw, {"reason": "   "})
    assert refused.status_code == 400
    assert "Give the reason for withdrawing the report." in refused.content.decode()
    report.refresh_from_db()
    assert report.is_published
    done = client.post(withdraw, {"reason": "The figures double-counted a campaign"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert not report.is_published and report.published_at is None
    assert report.history.first().history_change_reason.endswith("The figures double-counted a campaign")
    client.logout()
    assert client.get(reverse("consultations:report", args=[consultation.slug, report.pk])).status_code == 404
    api = client.get(f"/api/v1/consultations/{consultation.slug}/reports/").json()
    assert api["results"] == []


def test_publishing_refreshes_the_cached_consultation_page(
    client, publisher, consultation, report, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    settings.PUBLIC_PAGE_CACHE_SECONDS = 30
    url = consultation.get_absolute_url()
    assert "Interim analysis" not in client.get(url).content.decode()
    assert client.get(url)["X-Page-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        services.report_publish(report=report, by=publisher)
    assert "Interim analysis" in client.get(url).content.decode()


def test_a_document_cannot_take_the_reports_slug(consultation):
    from consultations.importers.markdown import parse_md
    from consultations.importers.save import document_import
    from consultations.importers.tree import ImporterError

    parsed = parse_md(b"# A bill\n\n## 1 First clause\n\nText of the first clause.\n")
    with pytest.raises(ImporterError, match="kept for the consultation"):
        document_import(consultation=consultation, parsed=parsed, slug="reports")
