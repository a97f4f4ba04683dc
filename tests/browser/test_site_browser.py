"""The site shell, statements and account pages in real Chromium: axe-core WCAG 2.2 AA and keyboard use."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, ConsultationFactory

PUBLIC_PAGES = [
    ("/", "home"),
    ("/accessibility/", "accessibility"),
    ("/privacy/", "privacy"),
    ("/cookies/", "cookies"),
    ("/security/", "security"),
    ("/accounts/login/", "sign-in"),
    ("/accounts/signup/", "sign-up"),
    ("/accounts/password/reset/", "password-reset"),
]


@pytest.mark.parametrize(("path", "name"), PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(page, live_url, assert_no_axe_violations, screenshot, path, name):
    ConsultationFactory(title="Draft Care and Support Bill")
    page.goto(live_url + path)
    screenshot(page, name)
    assert_no_axe_violations(page)


def test_govuk_stylesheet_and_fonts_load_from_static(page, live_url):
    page.goto(live_url + "/")
    # The compiled GOV.UK Sass applied: the heading font and the header's black background.
    font = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    assert "GDS Transport" in font
    header_bg = page.evaluate(
        "getComputedStyle(document.querySelector('.govuk-generic-header')).backgroundColor"
    )
    assert header_bg == "rgb(11, 12, 12)"
    # The font files themselves were fetched from /static/govuk/assets/fonts/ (not /assets/).
    loaded = page.evaluate(
        """async () => { await document.fonts.ready;
            return [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family); }"""
    )
    assert any("GDS Transport" in family for family in loaded)
    # GOV.UK Frontend's JavaScript ran (loaded as a module from a static file, no inline script).
    page.wait_for_function("document.body.classList.contains('govuk-frontend-supported')")


def test_page_not_found_uses_the_govuk_template_and_has_no_axe_violations(
    page, live_url, assert_no_axe_violations, screenshot
):
    response = page.goto(live_url + "/consultations/no-such-consultation-here/")
    assert response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    assert page.title() == "Page not found - dhdigital"
    screenshot(page, "404")
    assert_no_axe_violations(page)


def test_sign_in_with_a_wrong_password_shows_an_accessible_error(
    page, live_url, citizen, assert_no_axe_violations, screenshot
):
    page.goto(live_url + "/accounts/login/")
    page.get_by_label("Email address").fill(citizen.email)
    page.get_by_label("Password", exact=True).fill("not-the-right-password")
    page.locator("main").get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "not correct" in summary.inner_text()
    assert page.title().startswith("Error: Sign in")
    # GOV.UK Frontend moves focus to the error summary so screen readers announce it.
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    screenshot(page, "sign-in-error")
    assert_no_axe_violations(page)


def test_sign_up_with_missing_answers_shows_errors_linked_to_fields(
    page, live_url, assert_no_axe_violations, screenshot
):
    page.goto(live_url + "/accounts/signup/")
    page.locator("main").get_by_role("button", name="Create account").click()
    links = page.locator(".govuk-error-summary__list a")
    expect(links.first).to_be_visible()  # the answer page has arrived (count() does not wait)
    assert links.count() >= 2
    links.first.click()
    assert page.evaluate("document.activeElement.id") == "id_email"
    screenshot(page, "sign-up-error")
    assert_no_axe_violations(page)


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page, live_url):
    page.goto(live_url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.className, document.activeElement.textContent.trim()]")
    assert focused == ["govuk-skip-link", "Skip to main content"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content"


def _tab_to(page, element_id: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            return
    raise AssertionError(f"#{element_id} is not reachable with the Tab key")


def test_signing_in_with_the_keyboard_only_reaches_the_profile(page, live_url, citizen, screenshot):
    page.goto(live_url + "/accounts/login/?next=/accounts/profile/")
    _tab_to(page, "id_login")
    page.keyboard.type(citizen.email)
    _tab_to(page, "id_password")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url("**/accounts/profile/")
    assert page.locator("h1").inner_text() == "Your profile"
    assert citizen.email in page.locator(".govuk-summary-list").inner_text()
    screenshot(page, "profile")
    # Sign out is a POST form button in the header.
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in").first).to_be_visible()
    # Only the essential cookies the cookies page lists were ever set.
    names = {cookie["name"] for cookie in page.context.cookies()}
    assert names <= {"sessionid", "csrftoken", "messages"}, names


def test_profile_page_has_no_axe_violations(page, live_url, citizen, login, assert_no_axe_violations):
    login(page, citizen)
    page.goto(live_url + "/accounts/profile/")
    assert_no_axe_violations(page)


def test_on_a_phone_the_navigation_collapses_behind_a_menu_button(
    page, live_url, assert_no_axe_violations, screenshot
):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_url + "/")
    menu = page.get_by_role("button", name="Menu")
    menu.wait_for(state="visible")
    assert not page.locator("#navigation").get_by_role("link", name="Policy toolkit").is_visible()
    menu.click()
    expect(page.locator("#navigation").get_by_role("link", name="Policy toolkit")).to_be_visible()
    screenshot(page, "home-phone-menu-open")
    assert_no_axe_violations(page)


def test_password_can_be_shown_and_hidden_with_the_keyboard(page, live_url):
    page.goto(live_url + "/accounts/login/")
    password = page.get_by_label("Password", exact=True)
    password.fill("secret-words-2026")
    assert password.get_attribute("type") == "password"
    toggle = page.get_by_role("button", name="Show password")
    toggle.focus()
    page.keyboard.press("Enter")
    assert password.get_attribute("type") == "text"
    assert page.get_by_role("button", name="Hide password").is_visible()


def test_forbidden_page_for_a_citizen_in_the_staff_area_has_no_axe_violations(
    page, live_url, citizen, login, assert_no_axe_violations, screenshot
):
    login(page, citizen)
    response = page.goto(live_url + "/staff/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "You do not have permission to see this page"
    screenshot(page, "403")
    assert_no_axe_violations(page)


def test_printing_leaves_out_the_navigation_banner_and_footer(page, live_url):
    page.goto(live_url + "/accessibility/")
    page.emulate_media(media="print")
    for selector in (".govuk-service-navigation", ".govuk-phase-banner", ".govuk-footer", ".govuk-skip-link"):
        assert page.evaluate(f"getComputedStyle(document.querySelector('{selector}')).display") == "none"
    assert page.locator("h1").is_visible()
