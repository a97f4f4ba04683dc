"""A policymaker uses the toolkit chooser in real Chromium, starts a commentable draft from its
recommendation, and sees the project's evaluation figures once responses arrive through the portal's own
pages (citizens commenting on clauses, an official entering a letter). axe-core on each page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from comments.demo import relevant_polis_comments
from comments.models import Comment
from consultations.importers import parse
from consultations.importers.save import document_import
from consultations.models import Consultation, Document, Section
from policycycle.services import project_create, toolkit_seed
from responses.models import Response
from tests.factories import UserFactory, make_document


@pytest.fixture
def seeded(live_url, team, publisher):
    toolkit_seed()
    project = project_create(
        team=team,
        slug="care-and-support-reform",
        title="Care and support reform",
        summary="Reforming adult social care law.",
        by=publisher,
    )
    assert project.stage.slug == "shaping"
    return project


def _answer_chooser(page, project):
    page.get_by_label("Which project is this for?").select_option(project.slug)
    page.get_by_label("Engaging stakeholders").check()
    page.get_by_label("Asking questions").check()
    page.get_by_label("The general public").check()
    page.get_by_label("Medium: a few weeks and a modest budget").check()
    page.locator("input[name=formal][value=no]").check()
    page.get_by_role("button", name="Show recommended techniques").click()
    page.wait_for_load_state()


def test_policymaker_chooses_techniques_starts_a_draft_and_sees_the_evaluation(
    page,
    live_url,
    login,
    seeded,
    publisher,
    analyst,
    team,
    shared_data,
    monkeypatch,
    assert_no_axe_violations,
    screenshot,
):
    # Enrichment (tested in insights) would load a language model in the live server's process; the
    # evaluation does not use it, so record what would be enriched instead.
    import insights.services

    queued: list[tuple[str, int]] = []
    monkeypatch.setattr(insights.services, "enrichment_compute", lambda kind, pk: queued.append((kind, pk)))
    project = seeded
    login(page, publisher)
    page.goto(f"{live_url}/policy/")
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-toolkit")
    page.get_by_role("button", name="Choose techniques for your policy").click()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-chooser")

    # Submitting nothing: the GOV.UK error summary, accessible too.
    page.get_by_role("button", name="Show recommended techniques").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select the stage of the policy cycle")
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)
    page.goto(f"{live_url}/policy/choose/?stage=engaging")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-chooser-errors")

    page.goto(f"{live_url}/policy/choose/")
    _answer_chooser(page, project)
    first = page.locator(".dhd-recommendation").first
    assert "Commentable documents" in first.inner_text()
    assert "Used when engaging stakeholders." in first.inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-recommendations")

    start = first.get_by_role("link", name="Start a commentable draft")
    assert start.get_attribute("href") == f"/staff/consultations/new/?kind=draft_bill&project={project.slug}"
    start.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/staff/consultations/new/?kind=draft_bill&project={project.slug}")
    assert page.locator("input[name=kind][value=draft_bill]").is_checked()
    assert page.locator("select[name=project]").input_value() == str(project.pk)
    page.get_by_label("Title").fill("Draft Care and Support Bill")
    page.get_by_label("Web address").fill("draft-care-and-support-bill")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    created = Consultation.objects.get(slug="draft-care-and-support-bill")
    assert created.kind == "draft_bill" and created.project_id == project.pk and created.state == "draft"

    # The team imports the real bill and the consultation opens (the import and opening pages have their
    # own tests); then responses arrive through the portal's pages.
    bill = document_import(
        consultation=created,
        parsed=parse((shared_data / "bills/akn/sustainable-aviation-fuel-bill.xml").read_bytes()),
    ).document
    Document.objects.filter(pk=bill.pk).update(state=Document.State.PUBLISHED)
    now = timezone.now()
    Consultation.objects.filter(pk=created.pk).update(
        state="open", opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=30)
    )
    texts = [
        c["body"] for c in relevant_polis_comments() if 60 < len(c["body"]) < 400 and "http" not in c["body"]
    ]
    clause_1, clause_3 = (bill.sections.get(kind="clause", number=n) for n in ("1", "3"))
    for person, clause, text in [(UserFactory(), clause_3, texts[0]), (UserFactory(), clause_1, texts[1])]:
        reader = page.context.browser.new_context()
        their_page = reader.new_page()
        login(their_page, person)
        their_page.goto(live_url + clause.get_absolute_url())
        their_page.get_by_label("How it would work in practice").check()
        their_page.get_by_label("Your comment").fill(text)
        their_page.get_by_role("button", name="Post comment").click()
        their_page.wait_for_load_state()
        assert reader.cookies()  # signed in: the session cookie, which the visitor count does not use
        reader.close()
    posted = Comment.objects.filter(consultation=created, status="published")
    assert posted.count() == 2
    assert sorted(pk for kind, pk in queued if kind == "comment") == sorted(c.pk for c in posted)

    # A letter arrives; an analyst enters it against the consultation.
    official = page.context.browser.new_context()
    staff_page = official.new_page()
    login(staff_page, analyst)
    staff_page.goto(f"{live_url}/responses/staff/{created.slug}/responses/new/")
    staff_page.get_by_label("Post", exact=True).check()
    today = timezone.localdate()
    staff_page.get_by_label("Day").fill(str(today.day))
    staff_page.get_by_label("Month").fill(str(today.month))
    staff_page.get_by_label("Year").fill(str(today.year))
    staff_page.get_by_label("Respondent's name").fill("Pat Letter")
    staff_page.get_by_label("On behalf of an organisation").check()
    staff_page.get_by_label("Organisation name").fill("Northern Fuels Co-operative")
    staff_page.get_by_label("Region").select_option("north_west")
    staff_page.get_by_label("Do not publish my response").check()
    staff_page.get_by_role("button", name="Save response").click()
    staff_page.wait_for_load_state()
    assert "recorded" in staff_page.locator(".govuk-notification-banner").inner_text()
    official.close()

    # A member of the public reads it: counted once a day, without cookies.
    public = page.context.browser.new_context()
    reader_page = public.new_page()
    reader_page.goto(f"{live_url}/consultations/draft-care-and-support-bill/")
    assert public.cookies() == []
    public.close()

    page.goto(f"{live_url}/policy/projects/{project.slug}/team/")
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-project-team")
    page.get_by_role("link", name="Evaluation figures").click()
    page.wait_for_load_state()
    figures = page.locator("#project-figures")
    assert figures.locator("[data-figure=respondents]").inner_text() == "3"  # two citizens and the letter
    assert figures.locator("[data-figure=comments]").inner_text() == "2"
    assert figures.locator("[data-figure=responses]").inner_text() == "1"
    # Same address and browser all day (this test's readers all share 127.0.0.1 and one user agent):
    # one visitor-day, the team's own visits not counted.
    assert figures.locator("[data-figure=visitors]").inner_text() == "1"
    clauses = bill.sections.filter(kind__in=Section.COMMENTABLE).count()
    assert f"0.1 (2 on {clauses} clauses)" in page.locator("main").inner_text()
    assert "No decisions recorded yet (2 commented clauses)" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-project-evaluation")

    page.get_by_role("link", name="All figures for Draft Care and Support Bill").click()
    page.wait_for_load_state()
    per_clause = page.get_by_role("table", name="Comments per clause")
    assert per_clause.get_by_role(
        "row", name="Clause 3: Registration and publication of contracts 1"
    ).is_visible()
    by_type = page.get_by_role("table", name="Responses by respondent type")
    assert by_type.get_by_role("row", name="On behalf of an organisation 1 100%").is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-consultation-evaluation-after-responses")


def test_public_toolkit_case_study_and_project_pages_have_no_axe_violations(
    page, live_url, seeded, assert_no_axe_violations, screenshot
):
    for path, name in [
        ("/policy/techniques/commentable-documents/", "policycycle-technique"),
        ("/policy/stages/engaging/", "policycycle-stage"),
        ("/policy/case-studies/?q=clause", "policycycle-case-studies"),
        ("/policy/case-studies/draft-care-and-support-bill/", "policycycle-case-study"),
        ("/policy/projects/", "policycycle-projects"),
        (f"/policy/projects/{seeded.slug}/", "policycycle-project-public"),
    ]:
        page.goto(live_url + path)
        assert page.locator("h1").count() == 1, path
        screenshot(page, name)
        assert_no_axe_violations(page)


def test_capability_self_assessment_form_and_timeline_have_no_axe_violations(
    page, live_url, login, seeded, analyst, team, assert_no_axe_violations, screenshot
):
    login(page, analyst)
    page.goto(f"{live_url}/policy/capability/{team.slug}/new/")
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-capability-errors")
    page.locator("#id_assessed_on_day").fill("12")
    page.locator("#id_assessed_on_month").fill("5")
    page.locator("#id_assessed_on_year").fill("2026")
    for radio in page.locator("input[type=radio][value='3']").all():
        radio.check()
    page.get_by_role("button", name="Save the assessment").click()
    page.wait_for_load_state()
    assert "Assessment of 12 May 2026" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-capability")


def test_publisher_edits_a_technique_and_reads_what_changed(
    page, live_url, login, seeded, publisher, team, assert_no_axe_violations, screenshot
):
    login(page, publisher)
    page.goto(f"{live_url}/policy/techniques/influencer-mapping/")
    page.get_by_role("link", name="Edit this technique").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-technique-edit")
    page.get_by_label("Name").fill("")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").is_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Name").fill("Mapping influencers")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Mapping influencers"
    page.get_by_role("link", name="What changed").click()
    page.wait_for_load_state()
    history = page.locator("main").inner_text()
    assert "Influencer mapping" in history and "Mapping influencers" in history and "by Publisher" in history
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-technique-history")


def test_consultation_evaluation_and_project_comparison_pages_have_no_axe_violations(
    page, live_url, login, seeded, analyst, team, assert_no_axe_violations, screenshot
):
    from tests.factories import ConsultationFactory

    consultation = ConsultationFactory(team=team, project=seeded, slug="care-bill")
    document = make_document(consultation=consultation, clauses=2)
    person = UserFactory()
    Comment.objects.create(
        consultation=consultation,
        document=document,
        section=Section.objects.get(document=document, anchor="clause-2"),
        author=person,
        body="Please define 'wellbeing'.",
        status="published",
    )
    Response.objects.create(
        consultation=consultation,
        respondent=person,
        channel="online",
        status="submitted",
        respondent_type="individual",
    )
    Response.objects.create(
        consultation=consultation, channel="email", status="submitted", respondent_type="organisation"
    )
    login(page, analyst)
    page.goto(f"{live_url}/policy/consultations/care-bill/evaluation/")
    assert page.locator("[data-figure=respondents]").inner_text() == "2"
    assert page.get_by_role("table", name="Responses by channel").is_visible()
    page.get_by_text("How these figures are counted").click()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-consultation-evaluation")
    page.goto(f"{live_url}/policy/evaluation/")
    assert "Care and support reform" in page.locator("#comparison").inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-evaluation-compare")


def test_staff_forms_for_testimonials_activities_and_events_have_no_axe_violations_in_error_states(
    page, live_url, login, seeded, publisher, assert_no_axe_violations, screenshot
):
    login(page, publisher)
    page.goto(f"{live_url}/policy/case-studies/draft-care-and-support-bill/")
    page.get_by_role("link", name="Add a testimonial").click()
    page.get_by_label("Source web address").fill("not a web address")
    page.get_by_role("button", name="Add the testimonial").click()
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the quotation" in summary and "in the correct format" in summary
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-testimonial-errors")

    page.goto(f"{live_url}/policy/stages/shaping/")
    page.get_by_role("link", name="Change gathering evidence").click()
    page.get_by_label("Activity").fill("")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert "Enter the name of the activity" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-activity-errors")

    page.goto(f"{live_url}/policy/projects/{seeded.slug}/team/")
    page.get_by_role("link", name="Add an engagement event").click()
    page.get_by_role("button", name="Add the event").click()
    page.wait_for_load_state()
    assert "Enter the date of the event" in page.locator(".govuk-error-summary").inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-event-errors")
