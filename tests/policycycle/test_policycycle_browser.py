"""A policymaker uses the toolkit chooser in real Chromium, starts a commentable draft from its
recommendation, and sees the project's evaluation figures once responses arrive. axe-core on each page."""

from __future__ import annotations

import pytest

from comments.models import Comment
from consultations.models import Consultation, Section
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
    page, live_url, login, seeded, publisher, team, assert_no_axe_violations, screenshot
):
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
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 0  # an empty form is just the questions again
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

    # The consultation runs; responses arrive (entered here through the ORM, as the other apps would).
    Consultation.objects.filter(pk=created.pk).update(state="open")
    document = make_document(consultation=created, clauses=3)
    clause_1 = Section.objects.get(document=document, anchor="clause-1")
    people = [UserFactory() for _ in range(3)]
    for person in people:
        Comment.objects.create(
            consultation=created,
            document=document,
            section=clause_1,
            author=person,
            body="The duty should cover carers as well.",
            status="published",
        )
    Response.objects.create(
        consultation=created, channel="post", status="submitted", respondent_type="individual"
    )
    # A member of the public reads it (the team's own visits are not reach); counted without cookies.
    public = page.context.browser.new_page()
    public.goto(f"{live_url}/consultations/draft-care-and-support-bill/")
    assert public.context.cookies() == []
    public.close()

    page.goto(f"{live_url}/policy/projects/{project.slug}/team/")
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-project-team")
    page.get_by_role("link", name="Evaluation figures").click()
    page.wait_for_load_state()
    figures = page.locator("#project-figures")
    assert figures.locator("[data-figure=respondents]").inner_text() == "4"
    assert figures.locator("[data-figure=comments]").inner_text() == "3"
    assert figures.locator("[data-figure=responses]").inner_text() == "1"
    assert figures.locator("[data-figure=visitors]").inner_text() == "1"
    assert "1.0 (3 on 3 clauses)" in page.locator("main").inner_text()
    assert_no_axe_violations(page)
    screenshot(page, "policycycle-project-evaluation")


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
