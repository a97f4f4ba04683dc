"""Issue 21 end to end in real Chromium: a publisher uploads a real engrossed amendment (the Senate's
amendment to H.R. 1865) to a consultation that holds the bill it amends, reads it amendment by amendment,
and a citizen comments on the amendment. Every page has zero axe-core violations."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Consultation, Document, Section
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_publisher_uploads_an_engrossed_amendment_and_a_citizen_comments_on_it(
    page,
    browser,
    live_url,
    login,
    publisher,
    citizen,
    team,
    assert_no_axe_violations,
    screenshot,
    shared_data,
):
    c = ConsultationFactory(team=team, slug="hr-1865", state=Consultation.State.DRAFT, published_at=None)
    # The bill it amends is already on the portal: a real bill standing in for H.R. 1865.
    bill_xml = (shared_data / "bills/uslm/S1000_IS.XML").read_bytes()
    document_import(
        consultation=c, parsed=parse(bill_xml.replace(b"/us/bill/116/s/1000", b"/us/bill/116/hr/1865"))
    )

    login(page, publisher)
    page.goto(f"{live_url}/staff/consultations/hr-1865/import/")
    assert_no_axe_violations(page)
    page.get_by_label("Upload the draft").set_input_files(
        str(shared_data / "bills/uslm/BILLS-116hr1865eas.xml")
    )
    page.get_by_role("button", name="Import").click()
    banner = page.locator(".govuk-notification-banner").inner_text()
    assert "Imported “Senate amendment to H. R. 1865”" in banner and "1 amendment" in banner
    assert_no_axe_violations(page)
    screenshot(page, "amendment-imported")

    # Published and open (the lifecycle itself is tested elsewhere).
    Document.objects.filter(consultation=c).update(state="published", published_at=timezone.now())
    Consultation.objects.filter(pk=c.pk).update(
        state="open", published_at=timezone.now(), opens_at=timezone.now() - timedelta(days=1)
    )
    amendments = Document.objects.get(consultation=c, source_name__endswith="eas.xml")

    # The publisher reads it amendment by amendment, from the table of contents.
    page.goto(f"{live_url}{amendments.get_absolute_url()}")
    assert_no_axe_violations(page)
    screenshot(page, "amendment-document")
    contents = page.locator("nav[aria-labelledby=contents-heading]")
    contents.get_by_role("link", name="Amendment 1").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Amendment 1")
    expect(page.locator(".dhd-amends")).to_contain_text("Adds to the end of Disaster Opportunity Zones Act")
    assert_no_axe_violations(page)
    screenshot(page, "amendment-1")
    # the section it inserts is a unit of its own, inside the amendment in the contents
    page.goto(f"{live_url}{amendments.get_absolute_url()}")
    contents.get_by_role("link", name="Clause 9").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Clause 9: FINANCIAL ASSURANCES")
    assert_no_axe_violations(page)

    # A citizen comments on amendment 1.
    reader = browser.new_page()
    login(reader, citizen)
    amendment = Section.objects.get(document=amendments, kind="amendment")
    reader.goto(f"{live_url}{amendment.get_absolute_url()}")
    reader.get_by_label("General comment").check()
    reader.get_by_label("Your comment").fill(
        "Adding the cost rule at the end keeps the coin programme from costing taxpayers anything."
    )
    reader.get_by_role("button", name="Post comment").click()
    comment = Comment.objects.get(author=citizen)
    assert comment.section_id == amendment.pk
    expect(reader.locator("body")).to_contain_text("keeps the coin programme")
    assert_no_axe_violations(reader)
    screenshot(reader, "amendment-1-comment")
    reader.close()


def test_publisher_confirms_a_partly_understood_bill(
    page, live_url, login, publisher, team, assert_no_axe_violations, screenshot, shared_data, tmp_path
):
    ConsultationFactory(team=team, slug="s-1325", state=Consultation.State.DRAFT, published_at=None)
    body = (shared_data / "bills/uslm/BILLS-118s1325rs.xml").read_bytes()
    added = b'<component origin="#SSFR00" changed="added">'
    start = body.index(added)
    close = body.index(b"</component>", start)
    partly = tmp_path / "s1325.xml"
    partly.write_bytes(
        body[:start] + b"<annex>" + body[start + len(added) : close] + b"</annex>" + body[close + 12 :]
    )

    login(page, publisher)
    page.goto(f"{live_url}/staff/consultations/s-1325/import/")
    page.get_by_label("Upload the draft").set_input_files(str(partly))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what could not be read")
    expect(page.locator("main")).to_contain_text("1 <annex> element, read as plain text")
    assert not Document.objects.filter(consultation__slug="s-1325").exists()
    assert_no_axe_violations(page)
    screenshot(page, "import-confirm")
    page.get_by_role("button", name="Import it as the list says").click()
    assert "7 clauses" in page.locator(".govuk-notification-banner").inner_text()
    assert_no_axe_violations(page)
