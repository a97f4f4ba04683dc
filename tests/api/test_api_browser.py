"""The API's HTML pages in Chromium: the usage policy is accessible; the interactive docs run under the
site's CSP (no inline scripts) and list the operations."""

from __future__ import annotations


def test_the_usage_policy_page_has_no_accessibility_violations(
    page, live_url, assert_no_axe_violations, screenshot
):
    page.goto(f"{live_url}/api/")
    assert page.locator("h1").inner_text() == "Open data and API"
    assert_no_axe_violations(page)
    screenshot(page, "api-usage-policy")


def test_the_interactive_docs_render_every_operation_under_the_csp(page, live_url, screenshot):
    blocked: list[str] = []
    page.on(
        "console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto(f"{live_url}/api/docs/")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".opblock").count() >= 30
    assert not [b for b in blocked if "script" in b.lower()], blocked
    screenshot(page, "api-docs")
