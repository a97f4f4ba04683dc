"""An official in Chromium records a posted letter against two clauses of a draft bill, then (after an
analysis run) finds it counted on both clauses of the dashboard's heat map and listed on its clause in the
explorer, and an event note among a theme's quotes. axe-core finds no violations on any page."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from insights import services as insight_services
from insights.models import Theme
from responses.models import EngagementEvent, EventNote, LetterPart
from tests.insights.conftest import polis_texts, post_comments


@pytest.fixture
def bill(consultation, document, citizen):
    texts = polis_texts("american-assembly.bowling-green", limit=80)
    post_comments(document, citizen, texts[:60], clauses=2)
    event = EngagementEvent.objects.create(
        consultation=consultation,
        title="Town hall",
        starts_at=timezone.now(),
        organiser="Council",
        attendees=40,
    )
    clause_1 = document.sections.get(anchor="clause-1")
    notes = [EventNote.objects.create(event=event, section=clause_1, text=t) for t in texts[62:70]]
    return {"texts": texts, "notes": notes}


def test_an_official_records_a_letter_on_two_clauses_and_finds_it_counted_and_quoted(
    page, live_url, login, analyst, consultation, document, bill, assert_no_axe_violations, screenshot
):
    letter_1, letter_2 = bill["texts"][60], bill["texts"][61]
    login(page, analyst)
    page.goto(f"{live_url}/responses/staff/{consultation.slug}/responses/new/")
    page.get_by_role("radio", name="Post").check()
    today = timezone.localdate()
    for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
        page.locator(f"[name=received_at_{part}]").fill(str(value))
    page.get_by_label("Respondent's name").fill("Pat Letter")
    page.get_by_label("Postal address (not published)").fill("2 Mill Lane, York")
    page.get_by_role("radio", name="As an individual").check()
    page.get_by_label("Region").select_option(label="Yorkshire and the Humber")
    page.get_by_role("radio", name="Do not publish my response").check()
    first = page.get_by_role("group", name="First clause")
    first.get_by_label("Clause", exact=True).select_option(
        label=document.sections.get(anchor="clause-1").label
    )
    first.get_by_label("What it says about this clause").fill(letter_1)
    second = page.get_by_role("group", name="Second clause (optional)")
    second.get_by_label("Clause", exact=True).select_option(
        label=document.sections.get(anchor="clause-2").label
    )
    second.get_by_label("What it says about this clause").fill(letter_2)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save response").click()
    expect(page.locator("[data-letter-parts]")).to_contain_text(letter_1[:40])
    expect(page.locator("[data-letter-parts]")).to_contain_text(letter_2[:40])
    assert_no_axe_violations(page)
    assert LetterPart.objects.count() == 2

    # The analysis run (in the worker in production).
    run = insight_services.analysis_run_start(consultation=consultation, engine="basic", queue=False)
    assert insight_services.analysis_run_execute(run.pk).state == "done"

    page.goto(f"{live_url}/dashboards/{consultation.slug}/")
    for anchor in ("clause-1", "clause-2"):
        expect(page.locator(f'[data-clause="{anchor}"] [data-comment-count]')).to_contain_text(
            "1 letter on a clause"
        )
    expect(page.locator('[data-clause="clause-1"] [data-comment-count]')).to_contain_text(
        "8 notes from events"
    )
    assert_no_axe_violations(page)
    screenshot(page, "dashboards-heatmap-with-letters")

    clause_2 = document.sections.get(anchor="clause-2")
    page.goto(f"{live_url}/dashboards/{consultation.slug}/explore/?type=letter&clause={clause_2.pk}")
    expect(page.locator("[data-result-count]")).to_have_text("1 letter on a clause")
    expect(page.locator("[data-unit]")).to_contain_text(letter_2[:40])
    expect(page.locator("[data-unit]")).to_contain_text(f"Post on {clause_2.label}")
    assert_no_axe_violations(page)
    screenshot(page, "dashboards-explorer-letters")

    quoted = next(
        t
        for t in Theme.objects.filter(consultation=consultation)
        if any(q["unit"] == "note" for q in t.quotes)
    )
    note_text = next(q["text"] for q in quoted.quotes if q["unit"] == "note")
    page.goto(f"{live_url}/analysis/{consultation.slug}/themes/")
    expect(page.locator(".dhd-theme-quote").filter(has_text=note_text[:40]).first).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "insights-themes-event-note-quoted")
