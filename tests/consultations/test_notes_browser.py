"""Explanatory notes in Chromium: a publisher writes one, a reader on a phone sees it before the clause
text (clause page) and opens it on the document page; axe-core on every page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import make_document

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_publisher_writes_a_note_and_a_reader_on_a_phone_reads_it(
    page, phone, live_url, login, publisher, consultation, assert_no_axe_violations, screenshot
):
    document = make_document(consultation=consultation, clauses=3)
    login(page, publisher)
    page.goto(f"{live_url}/staff/consultations/{consultation.slug}/")
    page.get_by_role("link", name="Explanatory notes").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Add the explanatory note on Clause 2: Clause heading 2").click()
    page.get_by_label("Explanatory note").fill(
        "This clause says what councils **must** do.\n\n* It applies to every adult.\n* It starts in April."
    )
    page.get_by_role("button", name="Save the note").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Explanatory note for Clause 2")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change the explanatory note on Clause 2: Clause heading 2").click()
    screenshot(page, "notes-edit")
    assert_no_axe_violations(page)

    reader = phone
    clause = document.sections.get(anchor="clause-2")
    reader.goto(live_url + clause.get_absolute_url())
    note = reader.get_by_role("complementary", name="Explanatory note on Clause 2: Clause heading 2")
    expect(note).to_contain_text("This clause says what councils must do.")
    screenshot(reader, "notes-clause-phone")
    assert_no_axe_violations(reader)
    reader.goto(live_url + document.get_absolute_url())
    reader.get_by_text("Explanatory note").click()
    expect(reader.locator("#clause-2-note")).to_contain_text("It starts in April.")
    screenshot(reader, "notes-document-phone")
    assert_no_axe_violations(reader)
