"""An analyst in Chromium: reads the dashboard, filters the explorer to "clause 5, disagree, evidence-rich",
reads the comments, retags three of them, exports CSV and XLSX, creates a report and downloads its PDF.
axe-core finds no violations on any page, charts included."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from insights.models import ThemeAssignment
from tests.dashboards.conftest import build, polis_texts


@pytest.fixture
def bill(consultation, document, citizen):
    data = build(consultation, document, citizen, comments=40, answers=12)
    # A real comment with a long link, quoted by a theme: quotes must wrap on a phone, not widen the page.
    linked = next(t for t in polis_texts(2000, "scoop-hivemind.taxes") if "wikipedia.org" in t)
    data["costs"].quotes = [{"unit": "comment", "id": data["comments"][0].pk, "text": linked}]
    data["costs"].save(update_fields=["quotes"])
    return data


def test_analyst_filters_retags_exports_and_downloads_the_pdf_report(
    page,
    live_url,
    login,
    analyst,
    consultation,
    bill,
    assert_no_axe_violations,
    assert_fits_a_phone,
    screenshot,
    tmp_path,
):
    login(page, analyst)
    page.goto(f"{live_url}/dashboards/{consultation.slug}/")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.locator('[data-clause="clause-5"] [data-comment-count]')).to_have_text("20 comments")
    expect(page.get_by_role("img", name=re.compile("^By region: bar chart"))).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "dashboards-dashboard")
    assert_fits_a_phone(page)

    page.get_by_role("link", name="Explore responses").first.click()
    page.get_by_label("Clause", exact=True).select_option(label="Clause 5: Clause heading 5")
    page.get_by_label("Stance", exact=True).select_option("disagree")
    page.get_by_label("Evidence-rich").select_option("yes")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("[data-result-count]")).to_have_text("4 comments")
    units = page.locator("[data-unit]")
    expect(units).to_have_count(4)
    expect(units.first.locator("[data-stance]")).to_have_text("Disagree (machine estimate)")
    expect(page.locator("[data-stance-accuracy]")).to_contain_text("right for")
    assert_no_axe_violations(page)
    screenshot(page, "dashboards-explorer-filtered")
    assert_fits_a_phone(page)

    # An official corrects one response's stance with the row's own form; the filtered list follows.
    corrected = units.first.get_attribute("data-unit")
    units.first.get_by_label(re.compile("^Stance toward the proposal")).select_option("agree")
    units.first.get_by_role("button", name=re.compile("^Set stance")).click()
    expect(page.get_by_text("Stance set to “agree”")).to_be_visible()
    expect(page.locator("[data-result-count]")).to_have_text("3 comments")
    expect(page.locator(f'[data-unit="{corrected}"]')).to_have_count(0)
    assert_no_axe_violations(page)

    for i in range(2):
        units.nth(i).get_by_role("checkbox").check()
    page.get_by_label("Theme", exact=True).last.select_option(label="Fairness for workers")
    page.get_by_role("button", name="Tag with theme").click()
    expect(page.get_by_text("2 responses updated")).to_be_visible()
    expect(page.locator("[data-result-count]")).to_have_text("3 comments")  # the filters survive the action
    expect(page.locator('[data-tag="Fairness for workers"]')).to_have_count(2)
    assert ThemeAssignment.objects.filter(theme=bill["fairness"], source="human").count() == 2
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Exports").first.click()
    assert_no_axe_violations(page)
    assert_fits_a_phone(page)
    for fmt in ("CSV", "XLSX"):
        with page.expect_download() as info:
            page.get_by_role("link", name=f"{fmt} of comments on the document without personal data").click()
        path = tmp_path / info.value.suggested_filename
        info.value.save_as(path)
        assert path.stat().st_size > 500 and path.name.endswith(fmt.lower())
    page.reload()
    expect(page.locator("[data-export-log] tbody tr")).to_have_count(2)
    screenshot(page, "dashboards-exports")

    page.get_by_role("link", name="Reports").first.click()
    page.get_by_label("Title").fill("Clause 5 objections")
    page.get_by_role("button", name="Create report").click()
    expect(page.get_by_role("heading", name="Clause 5 objections", level=1)).to_be_visible()
    expect(page.locator("[data-report-theme]").filter(has_text="Fairness for workers")).to_be_visible()
    assert_no_axe_violations(page)
    screenshot(page, "dashboards-report")
    assert_fits_a_phone(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as PDF").click()
    pdf = tmp_path / "report.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as an HTML file").click()
    html = tmp_path / "report.html"
    info.value.save_as(html)
    offline = page.context.new_page()  # the file as a colleague opens it: no site, no stylesheet
    offline.goto(html.as_uri())
    expect(offline.get_by_role("heading", name="Clause 5 objections", level=1)).to_be_visible()
    expect(offline.get_by_role("table").first).to_be_visible()
    assert_fits_a_phone(offline)
    offline.close()


def test_publisher_publishes_a_report_and_a_reader_reads_it_without_quotes(
    page,
    live_url,
    login,
    publisher,
    analyst,
    consultation,
    bill,
    assert_no_axe_violations,
    assert_fits_a_phone,
    screenshot,
):
    from dashboards.services import report_create

    report = report_create(consultation=consultation, by=analyst, title="Interim analysis of responses")
    quote = bill["comments"][0].body
    login(page, publisher)
    page.goto(f"{live_url}/dashboards/{consultation.slug}/reports/{report.pk}/")
    expect(page.get_by_text("Not published")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Publish the report").click()
    expect(page.get_by_text("The report is published")).to_be_visible()
    assert_no_axe_violations(page)

    reader = page.context.browser.new_page(viewport={"width": 375, "height": 800})
    reader.goto(f"{live_url}/consultations/{consultation.slug}/")
    reader.get_by_role("link", name="Interim analysis of responses").click()
    expect(reader.get_by_role("heading", name="Interim analysis of responses", level=1)).to_be_visible()
    expect(reader.locator("[data-report-theme]").filter(has_text="Fairness for workers")).to_be_visible()
    expect(reader.locator("[data-withheld]")).to_contain_text("left out of the open data")
    assert quote[:50] not in reader.content()
    assert_no_axe_violations(reader)
    assert_fits_a_phone(reader)
    screenshot(reader, "public-report-phone")
    with reader.expect_download() as info:
        reader.get_by_role("link", name="Download this report as a PDF").click()
    assert info.value.suggested_filename == "interim-analysis-of-responses.pdf"
    reader.close()

    page.get_by_role("link", name="Withdraw the report from the public pages").click()
    page.get_by_role("button", name="Withdraw the report").click()
    expect(page.get_by_role("link", name="Give the reason for withdrawing the report.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Why are you withdrawing it?").fill("The campaign counts were wrong")
    page.get_by_role("button", name="Withdraw the report").click()
    expect(page.get_by_text("Not published")).to_be_visible()
