"""In Chromium: a publisher fills the ledger, publishes version 2 and the government response; a member of
the public sees the per-clause diff and "you said, we did". axe-core on every page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment
from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Document

from .test_versions_and_outcome import revised

pytestmark = pytest.mark.django_db(transaction=True)


def test_publisher_concludes_and_public_reads_you_said_we_did(
    page,
    browser,
    live_url,
    login,
    publisher,
    citizen,
    consultation,
    shared_data,
    assert_no_axe_violations,
    assert_fits_a_phone,
    screenshot,
):
    data = (shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()
    v1 = document_import(consultation=consultation, parsed=parse(data), slug="bill").document
    v1.state = Document.State.PUBLISHED
    v1.save()
    clause_3 = v1.sections.get(kind="clause", number="3")
    register_comment = Comment.objects.create(
        consultation=consultation,
        document=v1,
        section=clause_3,
        author=citizen,
        status="published",
        body="The register should be required, not optional.",
        body_html="<p>The register should be required, not optional.</p>",
        published_at=timezone.now(),
    )
    consultation.closes_at = timezone.now() - timedelta(minutes=5)
    consultation.save()
    v2_tree, _ = revised(parse(data))
    document_import(consultation=consultation, parsed=v2_tree, previous_version=v1)

    login(page, publisher)
    page.goto(f"{live_url}/staff/consultations/{consultation.slug}/")
    page.get_by_role("link", name="Response ledger: what you did with each clause's comments").click()
    assert_no_axe_violations(page)
    assert_fits_a_phone(page)
    page.get_by_role(
        "link", name="Record what you did with Clause 3: Registration and publication of contracts"
    ).click()
    page.get_by_label("Changed: we changed the clause in another way").check()
    page.get_by_label("You said").fill("The register of contracts should be a duty, not a power.")
    page.get_by_label("We did").fill("Clause 4 (was 3) now requires the register.")
    page.get_by_label(f"Comment {register_comment.pk}: {register_comment.body}").check()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save").click()
    screenshot(page, "outcome-ledger")

    page.goto(f"{live_url}/staff/consultations/{consultation.slug}/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Publish version 2 of Sustainable Aviation Fuel Bill").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Publish the government response").click()
    assert_no_axe_violations(page)
    page.get_by_label("Summary of the government response").fill(
        "We have made the register of contracts a duty."
    )
    page.get_by_role("button", name="Publish the response").click()
    assert page.url.endswith("#outcome")

    public = browser.new_page()
    public.goto(f"{live_url}/consultations/{consultation.slug}/")
    assert "You said, we did" in public.content()
    assert_no_axe_violations(public)
    assert_fits_a_phone(public)
    screenshot(public, "outcome-public")
    public.get_by_role("link", name="what changed").click()
    expect(public.locator("body")).to_contain_text("What changed in version 2")
    assert_no_axe_violations(public)
    assert_fits_a_phone(public)
    screenshot(public, "outcome-changes")
    public.get_by_role("link", name="Clause 4: Registration and publication of contracts").click()
    expect(public.locator("body")).to_contain_text("What changed since version 1")
    expect(public.locator("[data-ledger-links]")).to_contain_text(f"Based on comment {register_comment.pk}.")
    assert_fits_a_phone(public)
    assert "The register should be required, not optional." in public.content()
    assert_no_axe_violations(public)
    screenshot(public, "outcome-clause")
    public.close()
