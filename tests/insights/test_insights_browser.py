"""An analyst follows a run's progress bar in Chromium, then reads the themes with their quotes (axe-core)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from insights import services
from insights.models import AnalysisRun, Enrichment
from insights.units import UnitKey


@pytest.fixture
def queued_run(consultation, analyst, real_comments):
    return services.analysis_run_start(consultation=consultation, by=analyst, engine="basic", queue=False)


def test_analyst_watches_the_progress_bar_then_reads_themes_with_quotes(
    page,
    live_url,
    login,
    analyst,
    consultation,
    queued_run,
    assert_no_axe_violations,
    screenshot,
    assert_fits_a_phone,
):
    login(page, analyst)
    page.goto(f"{live_url}/analysis/{consultation.slug}/")
    bar = page.get_by_role("progressbar", name=f"Run {queued_run.pk} progress")
    expect(bar).to_have_attribute("value", "0")
    assert_no_axe_violations(page)

    # The worker reports progress; the page's script picks it up without a reload.
    AnalysisRun.objects.filter(pk=queued_run.pk).update(state="running", progress=42, step="vectorising")
    expect(page.locator("[data-progress-figure]")).to_have_text("42%", timeout=10_000)
    expect(bar).to_have_attribute("value", "42")
    expect(page.locator("[data-progress-step]")).to_have_text("vectorising")
    expect(page.get_by_role("link", name=re.compile("^Refresh"))).to_be_hidden()
    screenshot(page, "insights-run-progress")

    page.goto("about:blank")  # keep the browser quiet while the run executes on the test's connection
    AnalysisRun.objects.filter(pk=queued_run.pk).update(state="queued", progress=0)
    run = services.analysis_run_execute(queued_run.pk)
    assert run.state == "done", run.error

    page.goto(f"{live_url}/analysis/{consultation.slug}/")  # the runs table scrolls in its own region
    expect(page.locator("table caption", has_text="Runs")).to_be_visible()
    assert_fits_a_phone(page)

    page.goto(f"{live_url}/analysis/runs/{run.pk}/")
    expect(bar).to_have_attribute("value", "100")
    expect(page.locator("[data-progress-state]")).to_have_text("Done")
    assert_no_axe_violations(page)
    screenshot(page, "insights-run-done")
    page.get_by_role("link", name="See the themes").click()

    expect(page.get_by_role("heading", name="Themes", level=1)).to_be_visible()
    first_card = page.locator(".govuk-summary-card").first
    expect(first_card.locator("blockquote").first).to_be_visible()
    expect(first_card.get_by_text("Machine", exact=True)).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "insights-themes")

    first_card.locator("h3 a").click()
    expect(page.get_by_role("heading", name="Responses on this theme")).to_be_visible()
    # The page offers the least sure tags first, with the live agreement figure.
    expect(page.locator("[data-agreement]")).to_contain_text("no response checked yet")
    offered = page.locator("[data-check-next] li").first
    unit = offered.get_attribute("data-unit")
    # the response's stance is set in the same step (the tagger learns the theme's side from it); it is
    # kept with the response's analysis, which enrichment makes as a response arrives
    key = UnitKey.parse(unit)
    services.enrichment_compute(kind=key.kind, pk=key.pk)
    offered.get_by_role("group", name=re.compile("^Its stance toward the proposal")).get_by_label(
        "Disagree"
    ).check()
    offered.get_by_role("button", name=re.compile("^Confirm")).click()
    expect(page.get_by_text("Tag updated")).to_be_visible()
    row = Enrichment.objects.get(**key.ref())
    assert (row.stance, row.stance_source) == ("disagree", "official")
    expect(page.locator("[data-agreement]")).to_contain_text("on 1 checked response")
    expect(page.locator(f'[data-check-next] li[data-unit="{unit}"]')).to_have_count(0)
    assert_no_axe_violations(page)
    screenshot(page, "insights-theme-detail")
    assert_fits_a_phone(page)

    page.get_by_label("Name", exact=True).fill("")
    page.get_by_role("button", name="Save name and description").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"{live_url}/analysis/{consultation.slug}/themes/")
    expect(page.locator("[data-agreement]")).to_contain_text("on 1 response checked")


def test_a_run_that_ends_while_watched_shows_its_final_page(
    page, live_url, login, analyst, consultation, queued_run, assert_no_axe_violations
):
    login(page, analyst)
    AnalysisRun.objects.filter(pk=queued_run.pk).update(state="running", progress=30, step="vectorising")
    page.goto(f"{live_url}/analysis/runs/{queued_run.pk}/")
    expect(page.get_by_role("button", name=f"Cancel run {queued_run.pk}")).to_be_visible()
    AnalysisRun.objects.filter(pk=queued_run.pk).update(
        state="failed", step="failed", error="The worker ran out of memory"
    )
    # The script sees the run end and loads the page again: the buttons and details are the final ones.
    expect(page.get_by_role("button", name="Run again with the same settings")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name=f"Cancel run {queued_run.pk}")).to_have_count(0)
    expect(page.get_by_text("The run failed: The worker ran out of memory")).to_be_visible()
    assert_no_axe_violations(page)
