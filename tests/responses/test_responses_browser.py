"""The respond journeys in real Chromium, with axe-core (WCAG 2.2 AA) on every page, error states included."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from responses.models import Idea, IdeaCategory, IdeaVote, Question, Response
from tests.factories import ConsultationFactory, make_document

from .test_offline_and_import import make_csv, row


@pytest.fixture
def formal_live(live_url, team):
    c = ConsultationFactory(
        team=team, kind="formal", title="Identifying regulatory reform initiatives", slug="regulatory-reform"
    )
    doc = make_document(consultation=c, clauses=3)
    Question.objects.create(
        consultation=c,
        position=1,
        kind="text",
        required=True,
        text="Which regulations should be repealed, replaced or modified, and why?",
        hint="Name the regulation if you can.",
    )
    Question.objects.create(
        consultation=c,
        position=2,
        kind="single",
        required=True,
        text="Do the current rules achieve their aims?",
        choices=["Yes", "Partly", "No"],
    )
    Question.objects.create(
        consultation=c,
        position=3,
        kind="scale",
        ask_why=True,
        text="Clause 2 is clear.",
        section=doc.sections.get(anchor="clause-2"),
    )
    return c


PHONE = {"width": 375, "height": 812}


def _check(page, assert_no_axe_violations, screenshot, name):
    screenshot(page, f"responses-{name}")
    assert_no_axe_violations(page)


@pytest.fixture(autouse=True)
def _analysis_recorded(enrichment_calls):
    """Record the analysis queue instead of loading the language models inside the live server."""
    return enrichment_calls


def test_an_individual_saves_resumes_checks_and_submits_with_a_receipt_email(
    page,
    live_url,
    login,
    citizen,
    formal_live,
    real_comments,
    assert_no_axe_violations,
    screenshot,
    enrichment_calls,
):
    login(page, citizen)
    page.goto(f"{live_url}/consultations/{formal_live.slug}/")
    page.get_by_role("button", name="Respond online").click()
    _check(page, assert_no_axe_violations, screenshot, "start")
    page.get_by_role("button", name="Start now").click()
    # Error state first: nothing chosen.
    page.get_by_role("button", name="Save and continue").click()
    assert "Select whether you are responding" in page.locator(".govuk-error-summary").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "about-you-error")
    page.get_by_label("As an individual").check()
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == "Where are you based?"
    page.get_by_label("London").check()
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == "Can we publish your response?"
    _check(page, assert_no_axe_violations, screenshot, "about-you-consent")
    page.get_by_label("Publish my response anonymously").check()
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text().startswith("Which regulations")
    # A required question cannot be skipped with "Save and continue"...
    page.get_by_role("button", name="Save and continue").click()
    assert "Enter your answer" in page.locator(".govuk-error-summary").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "question-text-error")
    # ...but can be left for later.
    page.locator("textarea").fill(real_comments[0])
    page.get_by_role("button", name="Save and come back later").click()
    assert "Your answers have been saved" in page.locator("h1").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "saved")
    link = re.search(r"https?://\S+(/responses/resume/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(live_url + link)
    # the emailed link resumes at the next question not yet answered
    assert page.locator("h1").inner_text() == "Do the current rules achieve their aims?"
    page.goto(f"{live_url}/responses/{formal_live.slug}/respond/check/")
    page.get_by_role("button", name="Submit response").click()
    assert "Answer question 2" in page.locator(".govuk-error-summary").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "check-error")
    # an unanswered question says "Answer", not "Change"
    expect(page.get_by_role("link", name=re.compile("Change.*question 2"))).to_have_count(0)
    page.locator(".govuk-summary-list").get_by_role("link", name="Answer question 2").click()
    page.get_by_label("Partly").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("button", name="Submit response").click()
    assert "Response submitted" in page.locator("h1").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "receipt")
    response = Response.objects.get(respondent=citizen)
    assert response.reference in page.locator(".govuk-panel").inner_text()
    receipt = [m for m in mail.outbox if response.reference in m.subject]
    assert len(receipt) == 1 and real_comments[0][:50] in receipt[0].body
    assert ("answer", response.answers.get(question__position=1).pk) in enrichment_calls


def test_an_organisation_responds_answering_the_clause_question(
    page, live_url, login, other_citizen, formal_live, real_comments, assert_no_axe_violations, screenshot
):
    page.set_viewport_size(PHONE)
    login(page, other_citizen)
    page.goto(f"{live_url}/consultations/{formal_live.slug}/draft-bill/clause-2/")
    page.get_by_role("link", name="3. Clause 2 is clear.").click()
    # With no response yet, the question link starts the response, then returns to that question.
    assert page.locator("h1").inner_text() == "Respond to this consultation"
    page.get_by_role("button", name="Start now").click()
    page.get_by_label("On behalf of an organisation").check()
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == "About your organisation"
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the name of your organisation" in summary and "Select the type" in summary
    _check(page, assert_no_axe_violations, screenshot, "about-organisation-error")
    page.get_by_label("Name of the organisation").fill("Greystone Affordable Development")
    page.get_by_label("Business").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("North West").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Publish my response with my name").check()
    page.get_by_role("button", name="Save and continue").click()
    assert page.locator("h1").inner_text() == "Clause 2 is clear."
    page.goto(f"{live_url}/responses/{formal_live.slug}/respond/question-1/")
    page.locator("textarea").fill(real_comments[1])
    page.get_by_role("button", name="Save and come back later").click()
    assert "Your answers have been saved" in page.locator("h1").inner_text()
    # Signed in again later, the consultation page offers to continue where they left off.
    page.context.clear_cookies()  # a new visit: signed out, no session
    login(page, other_citizen)
    page.goto(f"{live_url}/consultations/{formal_live.slug}/")
    page.get_by_role("button", name="Continue your response").click()
    # they resume at the next question not yet answered, then go on to the clause question
    assert page.locator("h1").inner_text() == "Do the current rules achieve their aims?"
    page.get_by_label("No").check()
    _check(page, assert_no_axe_violations, screenshot, "question-single")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Disagree", exact=True).check()
    page.get_by_label("Why? (optional)").fill(real_comments[2])
    _check(page, assert_no_axe_violations, screenshot, "question-scale")
    page.get_by_role("button", name="Save and continue").click()
    _check(page, assert_no_axe_violations, screenshot, "check")
    assert real_comments[1][:40] in page.locator("main").inner_text()
    assert _page_width(page) <= PHONE["width"]
    page.get_by_role("button", name="Submit response").click()
    assert "Response submitted" in page.locator("h1").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "receipt-phone")
    r = Response.objects.get(respondent=other_citizen)
    assert r.organisation_name == "Greystone Affordable Development" and r.status == "submitted"
    receipt = [m for m in mail.outbox if r.reference in m.subject]
    assert len(receipt) == 1
    body = receipt[0].body
    assert "Greystone Affordable Development (Business)" in body and real_comments[2][:50] in body


def _page_width(page) -> int:
    """The width of the whole rendered page, from a full-page screenshot (works without JavaScript)."""
    png = page.screenshot(full_page=True)
    return int.from_bytes(png[16:20], "big")


def test_a_respondent_on_a_phone_without_javascript_responds_and_resumes_from_the_email(
    browser, live_url, login, citizen, formal_live, real_comments
):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    login(page, citizen)
    page.goto(f"{live_url}/consultations/{formal_live.slug}/")
    page.get_by_role("button", name="Respond online").click()
    page.get_by_role("button", name="Start now").click()
    page.get_by_role("button", name="Save and continue").click()
    assert "Select whether you are responding" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("On behalf of an organisation").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Name of the organisation").fill("Greystone Affordable Development")
    page.get_by_label("Charity or voluntary organisation").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Yorkshire and the Humber").check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Do not publish my response").check()
    page.get_by_role("button", name="Save and continue").click()
    page.locator("textarea").fill(real_comments[3])
    page.get_by_role("button", name="Save and come back later").click()
    link = re.search(r"https?://\S+(/responses/resume/\S+/)", mail.outbox[-1].body).group(1)
    context.close()
    # Later, on a phone where they are not signed in, the emailed link brings the response back.
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="en-GB")
    page = context.new_page()
    page.goto(live_url + link)
    # The link resumes at the next question not yet answered (question 1 was answered, 2 is required).
    assert page.url.endswith("/respond/question-2/")
    page.get_by_role("button", name="Save and continue").click()
    assert "Select an option" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Partly").check()
    page.get_by_role("button", name="Save and continue").click()
    assert page.url.endswith("/respond/question-3/")  # optional: left unanswered
    page.get_by_role("button", name="Save and continue").click()
    assert "Check your answers" in page.locator("h1").inner_text()
    assert real_comments[3][:40] in page.locator("main").inner_text()  # the answer saved before the email
    assert _page_width(page) <= PHONE["width"]
    page.get_by_role("button", name="Submit response").click()
    assert "Response submitted" in page.locator("h1").inner_text()
    assert _page_width(page) <= PHONE["width"]
    response = Response.objects.get(respondent=citizen)
    assert (response.status, response.consent, response.organisation_type) == ("submitted", "none", "charity")
    assert any(response.reference in m.subject for m in mail.outbox)
    context.close()


def test_an_official_enters_a_postal_response_and_imports_a_thousand_from_csv(
    page,
    live_url,
    login,
    analyst,
    formal_live,
    real_comments,
    assert_no_axe_violations,
    screenshot,
    tmp_path,
    enrichment_calls,
):
    login(page, analyst)
    page.goto(f"{live_url}/responses/staff/{formal_live.slug}/responses/new/")
    page.get_by_role("button", name="Save response").click()
    assert "Select how the response arrived" in page.locator(".govuk-error-summary").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "enter-error")
    page.get_by_label("Post", exact=True).check()
    today = timezone.localdate() - timedelta(days=1)
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Respondent's name").fill("Pat Letter")
    page.get_by_label("Postal address (not published)").fill("2 Mill Lane, York")
    page.get_by_label("As an individual").check()
    page.get_by_label("Region").select_option("yorkshire")
    page.get_by_label("Do not publish my response").check()
    page.get_by_label("1. Which regulations").fill(real_comments[3])
    page.get_by_role("button", name="Save response").click()
    assert "recorded" in page.locator(".govuk-notification-banner").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "staff-response-detail")
    assert Response.objects.get(channel="post").respondent_name == "Pat Letter"

    # A bad file first: row errors, nothing saved.
    bad = [row(t, n) for n, t in enumerate(real_comments[:3])]
    bad[1]["q2"] = "Perhaps"
    (tmp_path / "bad.csv").write_bytes(make_csv(formal_live, bad))
    page.goto(f"{live_url}/responses/staff/{formal_live.slug}/responses/import/")
    _check(page, assert_no_axe_violations, screenshot, "import-upload")
    page.get_by_label("Upload a CSV file").set_input_files(str(tmp_path / "bad.csv"))
    page.get_by_role("button", name="Upload and preview").click()
    assert "Row 3" in page.locator(".govuk-error-summary").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "import-errors")

    rows = [row(real_comments[n % len(real_comments)], n, q2="Yes") for n in range(1000)]
    for r in rows:
        r.pop("q3"), r.pop("q4"), r.pop("q4_why")
    (tmp_path / "good.csv").write_bytes(make_csv(formal_live, rows, bom=True))
    page.goto(f"{live_url}/responses/staff/{formal_live.slug}/responses/import/")
    page.get_by_label("Upload a CSV file").set_input_files(str(tmp_path / "good.csv"))
    page.get_by_role("button", name="Upload and preview").click()
    assert "1000 responses" in page.locator("h1").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "import-preview")
    page.get_by_role("button", name="Import 1000 responses").click()
    assert "1,000 responses imported" in page.locator(".govuk-notification-banner").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "staff-response-list")
    assert Response.objects.filter(consultation=formal_live, imported=True).count() == 1000
    assert len(enrichment_calls) == 1001  # the postal response's answer and every imported one


def test_an_ideas_exercise_collects_ideas_and_votes(
    page, live_url, login, citizen, other_citizen, team, assert_no_axe_violations, screenshot
):
    c = ConsultationFactory(
        team=team,
        kind="ideas",
        slug="youth-policing",
        title="Engaging young people in local scrutiny of policing",
    )
    IdeaCategory.objects.create(consultation=c, name="Recruitment and vetting", slug="recruitment")
    IdeaCategory.objects.create(consultation=c, name="Youth voice", slug="youth-voice")
    login(page, citizen)
    page.goto(f"{live_url}/consultations/{c.slug}/")
    page.get_by_role("button", name="Share an idea").click()
    page.get_by_role("button", name="Publish idea").click()
    assert "Enter a title for your idea" in page.locator(".govuk-error-summary").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "idea-form-error")
    page.get_by_label("Title of your idea").fill("Wider background checks for recruits")
    page.get_by_label("Describe your idea").fill(
        "Eliminate bias - wider background check to see the type of people they are hiring"
    )
    page.get_by_label("Category").select_option(label="Recruitment and vetting")
    page.get_by_role("button", name="Publish idea").click()
    assert page.locator("h1").inner_text() == "Wider background checks for recruits"
    _check(page, assert_no_axe_violations, screenshot, "idea-detail")
    page.get_by_role("button", name="Sign out").click()
    login(page, other_citizen)
    page.goto(f"{live_url}/responses/{c.slug}/ideas/")
    page.get_by_role("button", name=re.compile("^Vote for")).first.click()
    expect(page.get_by_role("button", name=re.compile("^Withdraw your vote"))).to_have_count(1)
    page.get_by_label("Category").select_option("recruitment")
    page.get_by_role("button", name="Show ideas").click()
    _check(page, assert_no_axe_violations, screenshot, "idea-list")
    idea = Idea.objects.get(consultation=c)
    assert (idea.up_votes, IdeaVote.objects.filter(idea=idea).count()) == (1, 1)
    assert "1 for, 0 against" in page.locator(".dhd-idea").inner_text()
    # Others discuss the idea with the comments form (its moderation and house rules apply).
    page.get_by_role("link", name="Wider background checks for recruits").click()
    page.get_by_role("button", name="Post comment").click()
    assert "Enter your comment" in page.locator("main").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "idea-comment-error")
    reply = "Why are so many policemen also domestic abusers? Why are we allowing them to police us?"
    page.get_by_label("Your comment").fill(reply)
    page.get_by_role("button", name="Post comment").click()
    page.goto(f"{live_url}/responses/{c.slug}/ideas/{idea.pk}/")
    assert reply in page.locator("#idea-comments-section").inner_text()
    assert "Comments on this idea (1)" in page.locator("main").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "idea-detail-discussion")


def test_a_publisher_publishes_consented_responses_after_close(
    page,
    live_url,
    login,
    analyst,
    publisher,
    formal_live,
    real_comments,
    assert_no_axe_violations,
    screenshot,
):
    from responses import services
    from responses.validation import CleanAnswer

    q1 = formal_live.questions.get(position=1)
    for n, consent in enumerate(["named", "anonymous", "none"]):
        services.response_enter_offline(
            consultation=formal_live,
            by=analyst,
            channel="email",
            received_at=timezone.localdate(),
            respondent_type="individual",
            region="london",
            consent=consent,
            respondent_name=f"Person {consent}",
            email=f"{consent}@example.org",
            answers={q1.pk: CleanAnswer(choices=[], text=real_comments[n])},
        )
    formal_live.closes_at = timezone.now() - timedelta(minutes=1)
    formal_live.opens_at = timezone.now() - timedelta(days=20)
    formal_live.save()
    login(page, publisher)
    page.goto(f"{live_url}/responses/staff/{formal_live.slug}/publication/")
    _check(page, assert_no_axe_violations, screenshot, "staff-publication")
    page.get_by_role("button", name="Withhold responses").click()
    assert "withheld" in page.locator(".govuk-notification-banner").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "staff-publication-withheld")
    page.get_by_role("button", name="Publish 2 responses").click()
    assert "Responses published" in page.locator(".govuk-notification-banner").inner_text()
    page.get_by_role("link", name="View the published responses").click()
    text = page.locator("main").inner_text()
    assert "Person named" in text and "Person anonymous" not in text and "Person none" not in text
    assert "@example.org" not in page.content()
    _check(page, assert_no_axe_violations, screenshot, "published")


def test_staff_question_event_and_idea_pages_have_no_axe_violations(
    page, live_url, login, publisher, formal_live, team, citizen, assert_no_axe_violations, screenshot
):
    from responses import ideas

    login(page, publisher)
    page.goto(f"{live_url}/responses/staff/{formal_live.slug}/questions/")
    _check(page, assert_no_axe_violations, screenshot, "staff-questions")
    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question", exact=True).fill("Is the guidance clear?")
    page.get_by_label("Single choice").check()
    page.get_by_role("button", name="Save question").click()
    assert "Give at least two options" in page.locator(".govuk-error-summary").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "staff-question-error")
    page.get_by_label("Options").fill("Yes\nNo")
    page.get_by_role("button", name="Save question").click()
    assert "Is the guidance clear?" in page.locator("table").inner_text()

    page.goto(f"{live_url}/responses/staff/{formal_live.slug}/events/")
    page.get_by_role("button", name="Add event").click()
    _check(page, assert_no_axe_violations, screenshot, "staff-event-error")
    page.get_by_label("Event name").fill("Leeds community workshop")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Place or online platform").fill("Leeds Central Library")
    page.get_by_label("Organiser").fill("Regulatory reform team")
    page.get_by_role("button", name="Add event").click()
    page.get_by_label("Clause (optional)").select_option(label="Clause 2: Clause heading 2")
    page.get_by_label("Note or feedback").fill("Farmers asked for a single inspection regime.")
    page.get_by_role("button", name="Record note").click()
    _check(page, assert_no_axe_violations, screenshot, "staff-event-detail")
    page.goto(f"{live_url}/responses/{formal_live.slug}/events/")
    assert "Farmers asked for a single inspection regime." in page.locator("main").inner_text()
    _check(page, assert_no_axe_violations, screenshot, "events")

    c = ConsultationFactory(team=team, kind="ideas", slug="ideas-staff")
    keep = ideas.idea_create(consultation=c, author=citizen, title="Youth panels", description="a")
    ideas.idea_create(consultation=c, author=citizen, title="Youth panel please", description="b")
    page.goto(f"{live_url}/responses/staff/{c.slug}/ideas/")
    _check(page, assert_no_axe_violations, screenshot, "staff-ideas")
    page.get_by_role("link", name="Youth panel please").click()
    page.get_by_label("Merge into").select_option(label="Youth panels")
    page.get_by_role("button", name="Merge into the chosen idea").click()
    assert page.locator("h1").inner_text() == "Youth panels"
    _check(page, assert_no_axe_violations, screenshot, "staff-idea-detail")
    assert Idea.objects.get(title="Youth panel please").merged_into_id == keep.pk
