"""Real-browser tests: Debian's Chromium driven by Playwright, with axe-core for accessibility.

Every test in tests/browser/ is marked `browser` and is skipped (with the reason) when
/usr/bin/chromium is missing. Fixtures for test modules here:

    live_url                      base URL of Django's live server (static files served by finders,
                                  so `make frontend` must have built static/govuk)
    login(page, user)             signs in through the real sign-in form with tests.factories.PASSWORD
    axe(page) -> list[dict]       axe-core violations for WCAG 2.0/2.1/2.2 A and AA
    assert_no_axe_violations(page)  fails with a readable list of rules, impacts and elements
    screenshot(page, name)        full-page PNG in screenshots/<name>.png (git-ignored)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to run next to it.
# Set for the whole test process (tests only: this module is imported by tests/conftest.py), because the
# session-wide Playwright loop stays up for the tests that run after the first browser test.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUILT_CSS = ROOT / "static" / "govuk" / "govuk-frontend.min.css"
SCREENSHOTS = ROOT / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Without these, Chromium tries the network (updates, sync, QUIC) and can hang in a sandbox.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_DIR = Path(__file__).resolve().parent


def _skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)"
    if not AXE_JS.exists():
        return "node_modules/axe-core is missing: run `make frontend` (npm ci)"
    if not BUILT_CSS.exists():
        return "static/govuk is not built: run `make frontend`"
    return None


def is_browser_test(item) -> bool:
    """In tests/browser/, in a *_browser.py module anywhere under tests/, or driving a Playwright page."""
    path = Path(str(item.fspath)).resolve()
    return (
        BROWSER_DIR in path.parents
        or path.name.endswith("_browser.py")
        or "page" in getattr(item, "fixturenames", ())
    )


def pytest_collection_modifyitems(config, items):
    # tests/conftest.py re-exports this module, so this hook may run twice: mark each item once.
    reason = _skip_reason()
    for item in items:
        if not is_browser_test(item) or getattr(item, "_dhd_browser_marked", False):
            continue
        item._dhd_browser_marked = True
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 900}, "locale": "en-GB"}


@pytest.fixture
def live_url(live_server, transactional_db) -> str:
    return live_server.url


@pytest.fixture
def login(live_url) -> Callable:
    def _login(page, user, password: str = PASSWORD) -> None:
        page.goto(f"{live_url}/accounts/login/")
        page.get_by_label("Email address").fill(user.email)
        page.get_by_label("Password", exact=True).fill(password)
        page.locator("main").get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if "/accounts/login/" in page.url:
            raise AssertionError(f"sign-in as {user.email} failed: still on {page.url}")

    return _login


def run_axe(page) -> list[dict]:
    # The site's CSP (script-src 'self') blocks an injected <script> tag (add_script_tag), and the
    # browser context keeps the CSP on so the tests notice inline scripts. Evaluating axe's source
    # through the DevTools protocol is not subject to the page's CSP.
    page.wait_for_load_state("load")  # after a click, the next page may still be arriving
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    # Only the violations come back: axe's passes and inapplicable rules list every element it checked,
    # which Playwright would carry and check message by message for nothing. `resultTypes` spares axe
    # describing each element that passed (all rules still run on every element, and each violation
    # keeps all its elements).
    return page.evaluate(
        """async (tags) => (await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
        })).violations""",
        WCAG_TAGS,
    )


@pytest.fixture
def axe() -> Callable[..., list[dict]]:
    return run_axe


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:5]:
            target = ", ".join(str(t) for t in node.get("target", []))
            lines.append(f"    at {target}: {node.get('failureSummary', '').splitlines()[-1:]}")
            lines.append(f"      {node.get('html', '')[:200]}")
    return "\n".join(lines)


@pytest.fixture
def assert_no_axe_violations() -> Callable:
    def _assert(page) -> None:
        violations = run_axe(page)
        assert not violations, (
            f"{len(violations)} axe-core WCAG 2.2 AA violation(s) on {page.url}:\n"
            + format_violations(violations)
        )

    return _assert


@pytest.fixture
def screenshot() -> Callable:
    def _shot(page, name: str) -> Path:
        SCREENSHOTS.mkdir(exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def assert_fits_a_phone(assert_no_axe_violations) -> Callable:
    """At 375 px wide nothing is wider than the screen (no sideways scrolling) and axe still passes;
    the viewport is put back afterwards."""

    def _assert(page) -> None:
        before = page.viewport_size
        page.set_viewport_size({"width": 375, "height": 800})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{page.url} is {width} px wide on a 375 px screen"
        assert_no_axe_violations(page)
        if before:
            page.set_viewport_size(before)

    return _assert


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "locale": "en-GB"}


@pytest.fixture
def phone(browser):
    """A page in a phone's context: a 390 x 844 touch screen (Playwright's is_mobile, has_touch). Open
    another with `phone.context.browser.new_context(**PHONE)`."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    yield page
    context.close()
