"""A publisher creates a consultation, imports a real bill, fails then meets the standard, schedules it."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation, Document, Section
from tests.factories import PASSWORD, datetime_boxes

pytestmark = pytest.mark.django_db


@pytest.fixture
def pub_client(client, publisher):
    client.login(email=publisher.email, password=PASSWORD)
    return client


def _form(team, **overrides):
    now = timezone.localtime()
    data = {
        "title": "Draft Sustainable Aviation Fuel Bill",
        "slug": "saf-bill",
        "team": team.pk,
        "kind": "draft_bill",
        "summary": "",
        "body": "",
        **datetime_boxes("opens_at", now + timedelta(days=1)),
        **datetime_boxes("closes_at", now + timedelta(weeks=6)),
        "short_period_reason": "",
        "moderation_mode": "post",
        "visibility": "public",
        "respond_online": "on",
        "contact_email": "saf@example.gov.uk",
        "postal_address": "",
        "accessible_formats_email": "",
        "privacy_notice": "",
        "how_responses_used": "",
    }
    data.update(overrides)
    return data


def test_create_form_prefills_kind_from_the_toolkit_link(pub_client):
    html = pub_client.get("/staff/consultations/new/?kind=ideas").content.decode()
    assert 'value="ideas" checked' in html


def test_citizen_cannot_open_the_create_form(client, citizen):
    client.login(email=citizen.email, password=PASSWORD)
    assert client.get("/staff/consultations/new/").status_code == 403


def test_create_rejects_closing_before_opening_and_saves_nothing(pub_client, team):
    now = timezone.localtime()
    data = _form(team, **datetime_boxes("closes_at", now - timedelta(days=1)))
    response = pub_client.post("/staff/consultations/new/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "The closing date must be after the opening date." in html
    assert not Consultation.objects.exists()


def test_publisher_cannot_create_for_another_team(pub_client, team, other_team):
    response = pub_client.post("/staff/consultations/new/", _form(other_team))
    assert response.status_code == 200 and not Consultation.objects.exists()


def test_full_publishing_flow_with_a_real_bill(pub_client, team, shared_data):
    response = pub_client.post("/staff/consultations/new/", _form(team))
    assert response.status_code == 302
    c = Consultation.objects.get(slug="saf-bill")
    assert c.state == "draft" and c.team == team

    xml = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    upload = SimpleUploadedFile("saf.xml", xml, content_type="application/xml")
    response = pub_client.post(f"/staff/consultations/{c.slug}/import/", {"file": upload, "format": ""})
    assert response.status_code == 302
    doc = Document.objects.get(consultation=c)
    assert doc.sections.filter(kind="clause").count() == 19

    check = pub_client.get(f"/staff/consultations/{c.slug}/check/").content.decode()
    for failure in [
        "No summary",
        "Shorter than 12 weeks without a reason",
        "No privacy notice",
        "No accessible format on request",
        "No statement of how responses will be used",
    ]:
        assert failure in check
    refused = pub_client.post(f"/staff/consultations/{c.slug}/schedule/")
    assert refused.status_code == 200 and "minimum digital standard is not met" in refused.content.decode()
    c.refresh_from_db()
    assert c.state == "draft"

    fixed = _form(
        team,
        summary="Tell us what you think of the draft bill.",
        short_period_reason="Bill timetable.",
        privacy_notice="Public task.",
        how_responses_used="We read every response.",
        accessible_formats_email="formats@example.gov.uk",
        postal_address="DfT, London",
    )
    assert pub_client.post(f"/staff/consultations/{c.slug}/edit/", fixed).status_code == 302
    assert "Standard met" in pub_client.get(f"/staff/consultations/{c.slug}/check/").content.decode()
    assert pub_client.post(f"/staff/consultations/{c.slug}/schedule/").status_code == 302
    c.refresh_from_db()
    doc.refresh_from_db()
    assert c.state == "scheduled" and doc.state == "published"
    assert c.phase() == "upcoming"
    reasons = [h.history_change_reason for h in c.history.all()]
    assert "scheduled" in reasons


def test_bad_upload_names_the_problem_and_saves_nothing(pub_client, team):
    pub_client.post("/staff/consultations/new/", _form(team))
    bad = SimpleUploadedFile("bill.xml", b"<akomaNtoso><act><body><section>", content_type="application/xml")
    response = pub_client.post(
        "/staff/consultations/saf-bill/import/", {"file": bad, "format": "akn"}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "The XML is not well formed" in html and "(line 1, column" in html
    assert "Nothing was imported." in html
    assert not Document.objects.exists() and not Section.objects.exists()


def test_extend_needs_a_later_date(pub_client, consultation):
    earlier = datetime_boxes("closes_at", consultation.closes_at - timedelta(days=3))
    response = pub_client.post(
        f"/staff/consultations/{consultation.slug}/extend/", {**earlier, "reason": "More time"}
    )
    assert "must be later than the current one" in response.content.decode()
    later = datetime_boxes("closes_at", consultation.closes_at + timedelta(days=14))
    assert (
        pub_client.post(
            f"/staff/consultations/{consultation.slug}/extend/", {**later, "reason": "More time"}
        ).status_code
        == 302
    )


def test_preview_shows_a_draft_to_the_team_with_a_banner(pub_client, team):
    pub_client.post("/staff/consultations/new/", _form(team, summary="Preview me"))
    html = pub_client.get("/staff/consultations/saf-bill/preview/").content.decode()
    assert "This is how the public will see this consultation" in html and "Preview me" in html


def test_unknown_transition_is_404(pub_client, consultation):
    assert pub_client.post(f"/staff/consultations/{consultation.slug}/explode/").status_code == 404


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        (
            "moderator",
            ["Moderation queue"],
            ["Import responses from a CSV file", "Analysis runs", "Exports", "Questions"],
        ),
        (
            "analyst",
            ["Import responses from a CSV file", "Analysis runs", "Exports"],
            ["Moderation queue", "Questions"],
        ),
        ("publisher", ["Moderation queue", "Import responses from a CSV file", "Exports", "Questions"], []),
    ],
)
def test_manage_page_offers_each_role_only_the_pages_it_opens(
    client, request, consultation, persona, shown, hidden
):
    client.force_login(request.getfixturevalue(persona))
    html = client.get(reverse("staff:consultation-manage", args=[consultation.slug])).content.decode()
    assert "Engagement events and their feedback" in html  # any team role records events
    for text in shown:
        assert text in html, text
    for text in hidden:
        assert text not in html, text


def test_a_document_imported_after_scheduling_is_published_from_the_manage_page(
    pub_client, team, moderator, shared_data
):
    from django.test import Client

    other = Client()
    now = timezone.now()
    c = Consultation.objects.create(
        slug="saf-bill",
        title="Draft Sustainable Aviation Fuel Bill",
        team=team,
        state=Consultation.State.SCHEDULED,
        opens_at=now + timedelta(days=2),
        closes_at=now + timedelta(weeks=13),
        published_at=now,
    )
    xml = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    response = pub_client.post(
        f"/staff/consultations/{c.slug}/import/", {"file": SimpleUploadedFile("saf.xml", xml), "format": ""}
    )
    doc = Document.objects.get(consultation=c)
    assert doc.state == "draft"
    manage = pub_client.get(response["Location"], follow=True).content.decode()
    assert "It is not public yet" in manage
    publish_url = f"/staff/consultations/{c.slug}/documents/{doc.slug}/publish/"
    assert f'action="{publish_url}"' in manage

    other.force_login(moderator)
    assert other.post(publish_url).status_code == 403
    other.logout()
    assert other.get(doc.get_absolute_url()).status_code == 404

    assert pub_client.post(publish_url).status_code == 302
    doc.refresh_from_db()
    assert doc.state == "published"
    assert other.get(doc.get_absolute_url()).status_code == 200


def test_the_manage_page_counts_what_people_comment_on_by_its_kind(client, publisher, consultation):
    """A bill lists its clauses and schedules, an amendment paper its amendments (it read '4 clauses and
    schedules' for four amendments)."""
    from tests.factories import make_document

    bill = make_document(consultation=consultation, clauses=3)
    Section.objects.create(
        document=bill,
        kind="schedule",
        number="1",
        position=99,
        last_descendant=99,
        anchor="schedule-1",
        lineage_key="sched_1",
    )
    paper = make_document(consultation=consultation, clauses=0, slug="amendments")
    for n in range(1, 5):
        Section.objects.create(
            document=paper,
            kind="amendment",
            number=str(n),
            position=n,
            last_descendant=n,
            anchor=f"a-{n}",
            lineage_key=f"amd_{n}",
        )
    empty = make_document(consultation=consultation, clauses=0, slug="empty")
    client.force_login(publisher)
    html = client.get(reverse("staff:consultation-manage", args=[consultation.slug])).content.decode()
    assert "3 clauses and 1 schedule," in html
    assert "4 amendments," in html and "clauses and schedules" not in html
    assert html.count("nothing to comment on yet") == 1 and empty.title in html
