"""Issue 2 end to end in real Chromium: a publisher imports a real bill, fails the standard check, fixes it,
schedules and opens it; a member of the public finds it and reads clause 3 from the table of contents."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Consultation
from tests.factories import ConsultationFactory, datetime_boxes, make_document

pytestmark = pytest.mark.django_db(transaction=True)


def fill_datetime(page, name: str, delta: timedelta) -> None:
    """Type a date and time into the GOV.UK date input's boxes, as a person would."""
    for box, value in datetime_boxes(name, timezone.now() + delta).items():
        page.locator(f"#id_{box}").fill(value)


def test_publisher_imports_checks_fixes_schedules_and_public_reads_clause_3(
    page, browser, live_url, login, publisher, assert_no_axe_violations, screenshot, shared_data
):
    login(page, publisher)
    page.goto(f"{live_url}/staff/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Create a consultation").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Create draft").click()  # nothing filled in: the error state
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Title").first.fill("Draft Sustainable Aviation Fuel Bill")
    page.get_by_label("Web address").fill("saf-bill")
    page.get_by_label("Draft bill for comment").check()
    fill_datetime(page, "opens_at", timedelta(days=1))
    fill_datetime(page, "closes_at", timedelta(weeks=8))
    page.get_by_label("Contact email").fill("saf.bill@example.gov.uk")
    page.get_by_role("button", name="Create draft").click()
    assert page.url.endswith("/staff/consultations/saf-bill/")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Import a document").click()
    assert_no_axe_violations(page)
    page.get_by_label("Upload the draft").set_input_files(
        {"name": "bill.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%binary\n"}
    )
    page.get_by_role("button", name="Import").click()
    assert "This is a PDF file" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Upload the draft").set_input_files(
        str(shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml")
    )
    page.get_by_role("button", name="Import").click()
    assert "19 clauses" in page.locator(".govuk-notification-banner").inner_text()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Check the minimum standard").click()
    summary = page.locator(".govuk-error-summary")
    for failure in [
        "No summary",
        "Shorter than 12 weeks without a reason",
        "No privacy notice",
        "No accessible format on request",
    ]:
        assert failure in summary.inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "publish-standard-failures")

    page.get_by_role("link", name="No summary").click()
    assert "/edit/" in page.url
    assert_no_axe_violations(page)
    page.get_by_label("Summary").fill("Comment clause by clause on the draft Sustainable Aviation Fuel Bill.")
    page.get_by_label("Short period reason").fill("The bill's parliamentary timetable.")
    page.get_by_label("Postal address").fill("Department for Transport\nGreat Minster House\nLondon SW1P 4DR")
    page.get_by_label("Email for accessible format requests").fill("formats@example.gov.uk")
    page.get_by_label("Privacy notice").fill(
        "We use your comments to improve the bill, under the public task basis."
    )
    page.get_by_label("How responses used").fill(
        "We read every comment and publish a response within 12 weeks."
    )
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("link", name="Check the minimum standard").click()
    expect(page.locator("body")).to_contain_text("Standard met")
    assert_no_axe_violations(page)

    page.goto(f"{live_url}/staff/consultations/saf-bill/")
    page.get_by_role("link", name="Schedule").first.click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Schedule and publish").click()
    assert Consultation.objects.get(slug="saf-bill").state == "scheduled"
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Open now").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Open now").click()
    assert Consultation.objects.get(slug="saf-bill").is_open()
    assert_no_axe_violations(page)
    screenshot(page, "publish-manage-open")

    public = browser.new_page()
    public.goto(f"{live_url}/consultations/")
    assert_no_axe_violations(public)
    public.get_by_label("Search consultations").fill("aviation fuel")
    public.get_by_role("button", name="Apply").click()
    assert_no_axe_violations(public)
    public.get_by_role("link", name="Draft Sustainable Aviation Fuel Bill").click()
    assert_no_axe_violations(public)
    screenshot(public, "public-consultation")
    public.get_by_role("link", name="Sustainable Aviation Fuel Bill", exact=True).click()
    assert_no_axe_violations(public)
    screenshot(public, "public-document")
    public.locator("nav[aria-labelledby=contents-heading]").get_by_role("link", name="Clause 3:").click()
    doc = Consultation.objects.get(slug="saf-bill").documents.get()
    assert public.url.endswith(f"/consultations/saf-bill/{doc.slug}/clause-3/")
    assert public.get_by_role("heading", level=1).inner_text().startswith("Clause 3")
    assert_no_axe_violations(public)
    screenshot(public, "public-clause-3")
    public.close()


def test_draft_is_not_found_by_the_public_in_the_browser(page, live_url, assert_no_axe_violations, team):
    ConsultationFactory(team=team, slug="secret-draft", state="draft")
    response = page.goto(f"{live_url}/consultations/secret-draft/")
    assert response.status == 404
    assert "Page not found" in page.content()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["", "draft-bill/", "draft-bill/clause-3/"])
def test_public_pages_read_on_a_phone(browser, live_url, assert_no_axe_violations, screenshot, team, path):
    c = ConsultationFactory(team=team, slug="care-bill")
    make_document(consultation=c, clauses=5)
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    phone.goto(f"{live_url}/consultations/care-bill/{path}")
    # nothing is wider than the screen: no sideways scrolling
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.get_by_role("heading", level=1).is_visible()
    assert_no_axe_violations(phone)
    screenshot(phone, f"phone-{path.strip('/').replace('/', '-') or 'consultation'}")
    phone.close()
