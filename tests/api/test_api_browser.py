"""The API's HTML pages in Chromium: the usage policy is accessible; the interactive docs run under the
site's CSP (no inline scripts) and list the operations."""

from __future__ import annotations

from playwright.sync_api import expect


def test_the_usage_policy_page_has_no_accessibility_violations(
    page, live_url, assert_no_axe_violations, screenshot
):
    page.goto(f"{live_url}/api/")
    assert page.locator("h1").inner_text() == "Open data and API"
    assert_no_axe_violations(page)
    screenshot(page, "api-usage-policy")


def test_the_interactive_docs_render_every_operation_under_the_csp(
    page, live_url, assert_no_axe_violations, screenshot
):
    blocked: list[str] = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto(f"{live_url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() >= 40
    assert not [b for b in blocked if "script" in b.lower()], blocked
    assert_no_axe_violations(page)
    screenshot(page, "api-docs")


def test_the_interactive_docs_stay_accessible_while_used(page, live_url, assert_no_axe_violations):
    """Swagger UI is third-party: its colours are overridden and its unlabelled controls labelled
    (static/css/api-docs.css, static/js/api-docs-a11y.js). Open operations, try one, authorise."""
    page.goto(f"{live_url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=15000)
    listing = "#operations-consultations-consultations_list"
    for op in (listing, "#operations-comments-comments_create"):
        page.locator(f"{op} .opblock-summary-control").click()
    page.locator(f"{listing} .try-out__btn").click()
    page.locator(f"{listing} .execute").click()
    page.wait_for_selector(f"{listing} .live-responses-table", timeout=10000)
    assert page.locator(f"{listing} .live-responses-table").inner_text().count("200") >= 1
    page.locator(".models .model-container").first.click()
    assert_no_axe_violations(page)
    page.locator(".btn.authorize").first.click()
    page.wait_for_selector(".modal-ux", timeout=5000)
    assert_no_axe_violations(page)


def test_a_citizen_creates_and_revokes_a_token_with_the_keyboard_and_no_errors_for_axe(
    page, live_url, login, citizen, assert_no_axe_violations, screenshot
):
    login(page, citizen)
    page.goto(f"{live_url}/api/tokens/")
    assert page.locator("h1").inner_text() == "Your API tokens"
    page.get_by_role("button", name="Create token").click()  # empty: the error summary
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "api-tokens-error")
    page.get_by_label("What is the token for?").fill("Comments app")
    page.keyboard.press("Enter")
    assert page.locator(".govuk-panel__title").inner_text() == "Token created"
    key = page.locator("#token-key").input_value()
    assert len(key) > 30
    assert_no_axe_violations(page)
    screenshot(page, "api-token-created")
    page.get_by_role("link", name="Back to your API tokens").click()
    expect(page.get_by_role("cell", name="Comments app", exact=True)).to_be_visible()
    assert key not in page.content()
    assert_no_axe_violations(page)
    screenshot(page, "api-tokens-list")
    page.get_by_role("button", name="Revoke the token for Comments app").click()
    assert "Token ‘Comments app’ revoked" in page.locator("main").inner_text()
    assert "You have no tokens." in page.locator("main").inner_text()
