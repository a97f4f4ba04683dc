"""The pages this part of the portal adds, in real Chromium with axe-core (WCAG 2.2 AA): deleting an
account (and its errors), the sign-in lockout page, turning on two-step sign-in, the privacy notice and
the profile's download link."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_the_delete_account_page_and_its_errors_are_accessible(
    page, live_url, citizen, login, assert_no_axe_violations, screenshot
):
    login(page, citizen)
    page.goto(f"{live_url}/accounts/delete/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Delete my account").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert "Confirm that you understand" in page.locator(".govuk-error-summary").inner_text()
    screenshot(page, "ops-delete-account-errors")
    assert_no_axe_violations(page)


def test_the_lockout_page_is_accessible(
    page, live_url, citizen, assert_no_axe_violations, screenshot, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(f"{live_url}/accounts/login/")
        page.get_by_label("Email address").fill(citizen.email)
        page.locator("#id_password").fill("not-the-password-1")
        page.get_by_role("button", name="Sign in").click()
    assert "Too many attempts to sign in" in page.locator("h1").inner_text()
    screenshot(page, "ops-lockout")
    assert_no_axe_violations(page)


def test_turning_on_two_step_sign_in_is_accessible(
    page, live_url, moderator, login, assert_no_axe_violations, screenshot
):
    login(page, moderator)
    page.goto(f"{live_url}/accounts/2fa/")
    assert_no_axe_violations(page)
    page.goto(f"{live_url}/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:  # confirm the password first
        page.locator("#id_password").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        if "activate" not in page.url:
            page.goto(f"{live_url}/accounts/2fa/totp/activate/")
    assert page.locator("img[alt^='QR code']").is_visible()
    screenshot(page, "ops-two-step-activate")
    assert_no_axe_violations(page)


def test_the_privacy_notice_and_the_profiles_data_links_are_accessible(
    page, live_url, citizen, login, assert_no_axe_violations, screenshot
):
    page.goto(f"{live_url}/privacy/")
    assert page.get_by_role("heading", name="Privacy notice", level=1).is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "ops-privacy-notice")
    login(page, citizen)
    page.goto(f"{live_url}/accounts/profile/")
    assert_no_axe_violations(page)
    screenshot(page, "ops-profile")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your data").click()
    assert download.value.suggested_filename.endswith(".zip")
