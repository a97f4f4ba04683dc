"""Issue 20, item 6 in Chromium on a phone and a desktop: a publisher's edit that breaks the minimum digital
standard of an open consultation is refused, the error summary names the failure and links to the field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consultations.models import Consultation
from tests.factories import ConsultationFactory, make_document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_an_edit_that_removes_the_privacy_notice_is_refused_with_the_named_failure(
    request, screen, live_url, login, publisher, team, assert_no_axe_violations, screenshot
):
    page = request.getfixturevalue("phone" if screen == "phone" else "page")
    c = ConsultationFactory(team=team, slug="open-bill")
    make_document(consultation=c, clauses=1)
    login(page, publisher)
    page.goto(f"{live_url}/staff/consultations/{c.slug}/edit/")
    assert_no_axe_violations(page)
    page.get_by_label("Privacy notice").fill("")
    page.get_by_role("button", name="Save changes").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Minimum digital standard: No privacy notice.")
    assert page.title().startswith("Error:")
    screenshot(page, f"standard-refused-{screen}")
    assert_no_axe_violations(page)
    summary.get_by_role("link", name="Minimum digital standard: No privacy notice.", exact=False).click()
    expect(page.get_by_label("Privacy notice")).to_be_focused()
    assert Consultation.objects.get(pk=c.pk).privacy_notice  # nothing saved
