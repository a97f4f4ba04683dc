"""An analyst in Chromium reads a formal consultation's closed-question results on the dashboard (chart
and table), follows an option into the explorer and narrows it by a theme too, exports the closed results,
and a reader finds the same chart and table in the published report. axe-core on each page."""

from __future__ import annotations

import csv
import re

import pytest
from playwright.sync_api import expect

from insights.models import ThemeAssignment
from responses.models import Answer
from tests.dashboards.conftest import add_closed_answers, build


@pytest.fixture
def formal(consultation, document, citizen):
    consultation.kind = "formal"
    consultation.save(update_fields=["kind"])
    data = build(consultation, document, citizen, comments=12, answers=40)
    data["closed"] = add_closed_answers(consultation, data["responses"])
    # Tag a few text answers of people who chose "No" with a theme, and one of someone who did not.
    single = data["closed"][0]
    chose_no = set(
        Answer.objects.filter(question=single, choices=["No"]).values_list("response_id", flat=True)
    )
    tagged = {a.pk for a in data["answers"][:2]}  # build() tagged these already
    mine = [a for a in data["answers"] if a.response_id in chose_no and a.pk not in tagged][:3]
    other = next(a for a in data["answers"] if a.response_id not in chose_no and a.pk not in tagged)
    ThemeAssignment.objects.bulk_create(
        ThemeAssignment(theme=data["fairness"], answer=a, confidence=0.9) for a in [*mine, other]
    )
    data["no_count"] = len(chose_no)
    data["no_answers"] = Answer.objects.filter(response_id__in=chose_no).count()
    data["tagged_no"] = ThemeAssignment.objects.filter(
        theme=data["fairness"], answer__response_id__in=chose_no, rejected=False
    ).count()
    return data


def test_analyst_reads_closed_results_filters_by_option_and_theme_exports_and_publishes(
    page,
    live_url,
    login,
    analyst,
    publisher,
    consultation,
    formal,
    assert_no_axe_violations,
    screenshot,
    tmp_path,
):
    single = formal["closed"][0]
    login(page, analyst)
    page.goto(f"{live_url}/dashboards/{consultation.slug}/")
    block = page.locator(f'[data-closed-question="{single.pk}"]')
    expect(
        block.get_by_role("img", name=re.compile(f"^Answers to question {single.position}: bar chart"))
    ).to_be_visible()
    expect(block.locator('[data-option="No"]').first).to_contain_text(str(formal["no_count"]))
    assert_no_axe_violations(page)
    screenshot(page, "dashboards-closed-questions")

    block.locator('[data-option="No"] a').first.click()
    expect(page.locator("[data-result-count]")).to_have_text(f"{formal['no_answers']} answers")
    page.get_by_label("Theme", exact=True).first.select_option(label="Fairness for workers")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("[data-result-count]")).to_have_text(
        f"{formal['tagged_no']} answer{'s' if formal['tagged_no'] != 1 else ''}"
    )
    expect(page.get_by_label("Answer to a closed question")).to_have_value(f"{single.pk}:2")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Exports").first.click()
    with page.expect_download() as info:
        page.get_by_role(
            "link", name=re.compile("^CSV of closed-question results .* without personal data")
        ).click()
    path = tmp_path / "closed.csv"
    info.value.save_as(path)
    rows = list(csv.DictReader(path.open(encoding="utf-8-sig")))
    overall_no = [r for r in rows if r.get("option") == "No" and r.get("breakdown") in ("", "overall", "all")]
    assert overall_no and int(overall_no[0]["count"]) == formal["no_count"], rows[:3]
    assert_no_axe_violations(page)

    from dashboards.services import report_create, report_publish

    report = report_create(consultation=consultation, by=analyst, title="Closed questions so far")
    report_publish(report=report, by=publisher)
    reader = page.context.browser.new_page()
    reader.goto(f"{live_url}/consultations/{consultation.slug}/")
    reader.get_by_role("link", name="Closed questions so far").click()
    results = reader.locator("[data-report-closed]")
    expect(
        results.get_by_role("img", name=re.compile(f"^Answers to question {single.position}: bar chart"))
    ).to_be_visible()
    expect(results.locator('[data-option="No"]').first).to_contain_text(str(formal["no_count"]))
    assert_no_axe_violations(reader)
    screenshot(reader, "public-report-closed-questions")
    reader.close()
