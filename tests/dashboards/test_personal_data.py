"""Personal data (respondents' names, emails and addresses; commenters' emails) appears only on the
officials' respondent page and in their exports with personal data: never on public pages, never on the
dashboard, explorer or reports, and never for a moderator or an official of another team."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dashboards import services
from tests.dashboards.conftest import PRIVATE_ADDRESS, PRIVATE_EMAIL, PRIVATE_NAME

pytestmark = pytest.mark.django_db


def secrets(citizen) -> tuple[str, ...]:
    return (PRIVATE_EMAIL, PRIVATE_ADDRESS, PRIVATE_NAME, citizen.email, "@example.net")


def test_public_pages_show_no_personal_data(client, citizen, consultation, document, data):
    pages = [
        consultation.get_absolute_url(),
        reverse("consultations:document-detail", args=[consultation.slug, document.slug]),
        data["clause5"].get_absolute_url(),
        reverse("comments:comment-detail", args=[data["comments"][0].pk]),
        reverse("search") + "?q=" + data["comments"][0].body.split()[2],
    ]
    for link in pages:
        response = client.get(link)
        assert response.status_code == 200, link
        html = response.content.decode()
        assert all(secret not in html for secret in secrets(citizen)), link


def test_officials_working_pages_show_no_contact_details(client, analyst, citizen, consultation, data):
    report = services.report_create(consultation=consultation, by=analyst, title="Interim")
    client.force_login(analyst)
    pages = [
        reverse("dashboards:dashboard", args=[consultation.slug]),
        reverse("dashboards:explorer", args=[consultation.slug]) + "?type=answer",
        reverse("dashboards:explorer", args=[consultation.slug]) + "?type=comment",
        reverse("dashboards:report-detail", args=[consultation.slug, report.pk]),
        reverse("dashboards:report-html", args=[consultation.slug, report.pk]),
    ]
    for link in pages:
        html = client.get(link).content.decode()
        assert all(secret not in html for secret in secrets(citizen)), link


def test_only_the_respondent_page_shows_them_and_only_to_the_team(
    client, request, citizen, consultation, data
):
    link = reverse("dashboards:respondent", args=[consultation.slug, data["responses"][0].reference])
    client.force_login(request.getfixturevalue("analyst"))
    html = client.get(link).content.decode()
    assert PRIVATE_EMAIL in html and PRIVATE_NAME in html and "personal data" in html
    for persona in ("moderator", "outsider_official", "citizen"):
        client.force_login(request.getfixturevalue(persona))
        response = client.get(link)
        assert response.status_code == 403 and PRIVATE_EMAIL not in response.content.decode(), persona
    client.logout()
    assert client.get(link).status_code == 302
