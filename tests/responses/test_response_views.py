"""Pages, through the test client: the respond journey, who may see what, staff pages by role."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from responses import importing, services
from responses.models import Answer, Question, Response

from .test_offline_and_import import make_csv, row

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"responses:{name}", args=args)


def about_you(client, slug, *, region="london", consent="anonymous", organisation=None):
    """Answer the "about you" pages one by one (organisation: (name, type) to respond for one)."""
    kind = "organisation" if organisation else "individual"
    r = client.post(url("response-about", slug), {"respondent_type": kind})
    if organisation:
        assert r["Location"] == url("response-organisation", slug)
        name, org_type = organisation
        r = client.post(
            url("response-organisation", slug), {"organisation_name": name, "organisation_type": org_type}
        )
    assert r["Location"] == url("response-region", slug)
    r = client.post(url("response-region", slug), {"region": region})
    assert r["Location"] == url("response-consent", slug)
    return client.post(url("response-consent", slug), {"consent": consent})


def test_an_individual_responds_page_by_page_and_gets_a_receipt(
    client, formal, questions, citizen, real_comments, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    slug = formal.slug
    assert client.post(url("response-start", slug))["Location"] == url("response-about", slug)
    r = about_you(client, slug)
    assert r["Location"] == url("response-question", slug, 1)
    # A required question must be answered to continue (GOV.UK: the error is shown on its own page).
    r = client.post(url("response-question", slug, 1), {"text": "  "})
    assert r.status_code == 400 and "Enter your answer" in r.content.decode()
    r = client.post(url("response-question", slug, 1), {"text": real_comments[0]})
    assert r["Location"] == url("response-question", slug, 2)
    r = client.post(url("response-question", slug, 2), {"choice": "Maybe"})
    assert r.status_code == 400 and "Select a valid choice" in r.content.decode()
    r = client.post(url("response-question", slug, 2), {})
    assert r.status_code == 400 and "Select an option" in r.content.decode()
    client.post(url("response-question", slug, 2), {"choice": "No"})
    client.post(url("response-question", slug, 3), {"choices": ["Workers", "Families"]})
    r = client.post(url("response-question", slug, 4), {"choice": "Disagree", "why": real_comments[1]})
    assert r["Location"] == url("response-check", slug)
    check = client.get(url("response-check", slug)).content.decode()
    assert "Workers, Families" in check and real_comments[1][:40] in check
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url("response-check", slug))
    assert r["Location"] == url("response-receipt", slug)
    response = Response.objects.get(respondent=citizen)
    receipt = client.get(url("response-receipt", slug)).content.decode()
    assert response.reference in receipt and response.status == "submitted"
    assert len(mail.outbox) == 1 and response.reference in mail.outbox[0].body
    # Submitting the same receipt again sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url("response-check", slug))
    assert r["Location"] == url("response-receipt", slug) and len(mail.outbox) == 1


def test_each_about_you_page_asks_one_thing_and_refuses_an_empty_or_invalid_answer(
    client, formal, questions, citizen
):
    client.force_login(citizen)
    slug = formal.slug
    client.post(url("response-start", slug))
    for name, data, message in [
        ("response-about", {}, "Select whether you are responding as an individual"),
        ("response-about", {"respondent_type": "robot"}, "Select a valid choice"),
        ("response-region", {"region": "atlantis"}, "Select a valid choice"),
        ("response-consent", {}, "Select whether we can publish your response"),
    ]:
        r = client.post(url(name, slug), data)
        page = r.content.decode()
        assert r.status_code == 400 and message in page and "govuk-error-summary" in page, name
        assert page.count('class="govuk-fieldset__heading"') == 1  # the question is the page's h1
    response = Response.objects.get(respondent=citizen)
    assert (response.respondent_type, response.region, response.consent) == ("", "", "")
    # Individuals never see the organisation page.
    client.post(url("response-about", slug), {"respondent_type": "individual"})
    assert client.get(url("response-organisation", slug))["Location"] == url("response-about", slug)


def test_an_organisation_must_name_itself_and_say_what_type_it_is(client, formal, questions, citizen):
    client.force_login(citizen)
    client.post(url("response-start", formal.slug))
    r = client.post(url("response-about", formal.slug), {"respondent_type": "organisation"})
    assert r["Location"] == url("response-organisation", formal.slug)
    r = client.post(url("response-organisation", formal.slug), {"organisation_name": " "})
    page = r.content.decode()
    assert r.status_code == 400
    assert "Enter the name of your organisation" in page and "Select the type of organisation" in page
    response = Response.objects.get(respondent=citizen)
    assert response.respondent_type == "organisation" and response.organisation_name == ""
    # Submitting without the name is refused, linking to the organisation page.
    client.post(url("response-region", formal.slug), {"region": "wales"})
    client.post(url("response-consent", formal.slug), {"consent": "named"})
    r = client.post(url("response-check", formal.slug))
    assert f'href="{url("response-organisation", formal.slug)}?check=1"' in r.content.decode()
    about_you(client, formal.slug, organisation=("Greystone Affordable Development", "business"))
    response.refresh_from_db()
    assert (response.organisation_name, response.organisation_type) == (
        "Greystone Affordable Development",
        "business",
    )
    # Switching to "individual" clears the organisation's details.
    r = client.post(url("response-about", formal.slug) + "?check=1", {"respondent_type": "individual"})
    assert r["Location"] == url("response-check", formal.slug)
    response.refresh_from_db()
    assert (response.organisation_name, response.organisation_type) == ("", "")


def test_changing_to_an_organisation_from_check_answers_asks_for_its_details_first(
    client, formal, questions, citizen
):
    client.force_login(citizen)
    client.post(url("response-start", formal.slug))
    about_you(client, formal.slug)
    r = client.post(url("response-about", formal.slug) + "?check=1", {"respondent_type": "organisation"})
    assert r["Location"] == url("response-organisation", formal.slug) + "?check=1"
    r = client.post(
        url("response-organisation", formal.slug) + "?check=1",
        {"organisation_name": "Greystone", "organisation_type": "charity"},
    )
    assert r["Location"] == url("response-check", formal.slug)


def test_save_and_come_back_later_may_leave_a_page_unanswered(
    client, formal, questions, citizen, django_capture_on_commit_callbacks
):
    client.force_login(citizen)
    client.post(url("response-start", formal.slug))
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(url("response-about", formal.slug), {"save_later": "1"})
        assert r["Location"] == url("response-saved", formal.slug)
        r = client.post(url("response-question", formal.slug, 1), {"text": "", "save_later": "1"})
        assert r["Location"] == url("response-saved", formal.slug)
    assert len(mail.outbox) == 2 and "/responses/resume/" in mail.outbox[0].body
    # A choice that is not an option is still refused, even when saving for later.
    r = client.post(url("response-question", formal.slug, 2), {"choice": "Maybe", "save_later": "1"})
    assert r.status_code == 400
    assert not Answer.objects.filter(question=questions[1]).exists()


def test_check_page_lists_unanswered_required_questions_on_submit(client, formal, questions, citizen):
    client.force_login(citizen)
    client.post(url("response-start", formal.slug))
    about_you(client, formal.slug, consent="none")
    r = client.post(url("response-check", formal.slug))
    page = r.content.decode()
    assert r.status_code == 400 and "Answer question 1" in page and "Answer question 2" in page
    assert (
        f'href="{url("response-question", formal.slug, 2)}?check=1"' in page
    )  # the summary links to the fix
    assert Response.objects.get(respondent=citizen).status == "draft"


def test_a_respondent_never_sees_another_respondents_response(
    client, formal, questions, citizen, other_citizen, real_comments
):
    theirs = services.response_start(consultation=formal, user=other_citizen)
    services.answer_save(response=theirs, question=questions[0], text=real_comments[4])
    client.force_login(citizen)
    page = client.get(url("response-check", formal.slug))
    assert page.status_code == 302  # no response of their own: sent to the start page
    client.post(url("response-start", formal.slug))
    assert real_comments[4][:40] not in client.get(url("response-check", formal.slug)).content.decode()


def test_the_emailed_link_resumes_only_its_own_response(
    client, formal, questions, citizen, real_comments, django_capture_on_commit_callbacks
):
    response = services.response_start(consultation=formal, user=citizen)
    services.answer_save(response=response, question=questions[0], text=real_comments[2])
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        r = client.post(
            url("response-question", formal.slug, 1), {"text": real_comments[2], "save_later": "1"}
        )
    assert r["Location"] == url("response-saved", formal.slug)
    link = re.search(r"/responses/resume/\S+/", mail.outbox[0].body).group(0)
    client.logout()
    anon = client.get(link)
    assert anon["Location"] == url("response-about", formal.slug)  # the first page still to answer
    assert real_comments[2][:40] in client.get(url("response-check", formal.slug)).content.decode()
    assert client.get("/responses/resume/not-a-token/").status_code == 404


def test_someone_signing_in_after_a_resume_link_was_used_does_not_inherit_the_response(
    client, formal, questions, citizen, other_citizen, real_comments
):
    response = services.response_start(consultation=formal, user=citizen)
    services.answer_save(response=response, question=questions[0], text=real_comments[5])
    client.get(reverse("responses:response-resume", args=[services.resume_token(response)]))
    assert real_comments[5][:40] in client.get(url("response-check", formal.slug)).content.decode()
    client.force_login(other_citizen)  # the same browser, another person
    r = client.get(url("response-check", formal.slug))
    assert r.status_code == 302 and r["Location"] == url("response-start", formal.slug)


def test_the_request_log_never_holds_a_working_resume_link(client, formal, citizen, caplog):
    response = services.response_start(consultation=formal, user=citizen)
    token = services.resume_token(response)
    with caplog.at_level("INFO", logger="dhdigital.request"):
        client.get(reverse("responses:response-resume", args=[token]))
    lines = [r for r in caplog.records if r.name == "dhdigital.request"]
    assert lines and all(token not in r.getMessage() and token not in r.path for r in lines)
    assert any("/responses/resume/[secret]/" in r.getMessage() for r in lines)


def test_the_respond_pages_refuse_changes_after_close(client, formal, questions, citizen, close):
    services.response_start(consultation=formal, user=citizen)
    close()
    client.force_login(citizen)
    r = client.post(url("response-question", formal.slug, 1), {"text": "late"})
    assert r.status_code == 403 and "not accepting responses" in r.content.decode()
    assert client.post(url("response-check", formal.slug)).status_code == 403
    assert not Answer.objects.exists()


def test_anonymous_visitors_are_asked_to_sign_in_to_respond(client, formal, questions):
    r = client.post(url("response-start", formal.slug))
    assert "/accounts/login/" in r["Location"] and not Response.objects.exists()


# --- staff pages: role x page ---------------------------------------------------------------------------

STAFF_PAGES = [
    ("staff-question-list", "publisher"),
    ("staff-question-create", "publisher"),
    ("staff-response-list", "analyst"),  # responses carry personal data: analysts and publishers
    ("staff-response-enter", "analyst"),
    ("staff-import-upload", "analyst"),
    ("staff-import-template", "analyst"),
    ("staff-event-manage", "any"),
]


@pytest.mark.parametrize("name,needs", STAFF_PAGES)
@pytest.mark.parametrize("persona", ["citizen", "outsider_official", "moderator", "analyst", "publisher"])
def test_staff_pages_are_for_the_team_in_the_right_role(
    client, request, formal, questions, name, needs, persona
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    status = client.get(url(name, formal.slug)).status_code
    allowed = (
        persona == "publisher"
        or (needs == "analyst" and persona == "analyst")
        or (needs == "any" and persona in ("moderator", "analyst"))
    )
    assert status == (200 if allowed else 403)


def test_staff_pages_send_anonymous_visitors_to_sign_in(client, formal):
    assert "/accounts/login/" in client.get(url("staff-response-list", formal.slug))["Location"]


def test_a_publisher_adds_and_reorders_questions(client, formal, publisher, document):
    client.force_login(publisher)
    clause = document.sections.get(anchor="clause-3")
    r = client.post(
        url("staff-question-create", formal.slug),
        {"text": "Is clause 3 workable?", "kind": "single", "choices_text": "Yes\nNo", "section": clause.pk},
    )
    assert r.status_code == 302
    r = client.post(
        url("staff-question-create", formal.slug),
        {"text": "Pick one", "kind": "single", "choices_text": "Only"},
    )
    assert r.status_code == 200 and "at least two options" in r.content.decode()
    client.post(url("staff-question-create", formal.slug), {"text": "Anything else?", "kind": "text"})
    second = Question.objects.get(text="Anything else?")
    client.post(url("staff-question-action", formal.slug, second.pk, "up"))
    assert list(Question.objects.filter(consultation=formal).values_list("text", flat=True)) == [
        "Anything else?",
        "Is clause 3 workable?",
    ]


def test_an_official_enters_a_postal_response(client, formal, questions, analyst, real_comments):
    client.force_login(analyst)
    d = formal.opens_at
    r = client.post(
        url("staff-response-enter", formal.slug),
        {
            "channel": "post",
            "received_at_day": d.day,
            "received_at_month": d.month,
            "received_at_year": d.year,
            "respondent_name": "Pat Letter",
            "address": "2 Mill Lane, York",
            "respondent_type": "individual",
            "region": "yorkshire",
            "consent": "named",
            f"q_{questions[0].pk}": real_comments[7],
            f"q_{questions[1].pk}": "Yes",
        },
    )
    response = Response.objects.get(channel="post")
    assert r["Location"] == url("staff-response-detail", formal.slug, response.reference)
    assert response.entered_by == analyst and response.address == "2 Mill Lane, York"
    detail = client.get(r["Location"]).content.decode()
    assert "Pat Letter" in detail and real_comments[7][:40] in detail


def test_the_csv_import_previews_then_commits_and_only_its_uploader_can_use_it(
    client, formal, questions, analyst, publisher, real_comments
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(analyst)
    data = make_csv(formal, [row(t, n) for n, t in enumerate(real_comments[:12])])
    r = client.post(url("staff-import-upload", formal.slug), {"file": SimpleUploadedFile("r.csv", data)})
    key = r["Location"].rstrip("/").rsplit("/", 1)[-1]
    preview = client.get(r["Location"]).content.decode()
    assert "12 responses" in preview and "Row" in preview and not Response.objects.exists()
    client.force_login(publisher)
    assert client.post(url("staff-import-preview", formal.slug, key)).status_code == 404
    client.force_login(analyst)
    done = client.post(url("staff-import-preview", formal.slug, key))
    assert done["Location"] == url("staff-response-list", formal.slug)
    assert Response.objects.filter(imported=True).count() == 12
    assert importing.pending_load(user=analyst, consultation=formal, key=key) is None


def test_a_bad_csv_shows_row_errors_and_saves_nothing(client, formal, questions, analyst, real_comments):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(analyst)
    rows = [row(t, n) for n, t in enumerate(real_comments[:3])]
    rows[2]["region"] = "Atlantis"
    r = client.post(
        url("staff-import-upload", formal.slug), {"file": SimpleUploadedFile("r.csv", make_csv(formal, rows))}
    )
    page = client.get(r["Location"])
    assert page.status_code == 400 and "Row 4: region “Atlantis” is not recognised." in page.content.decode()
    assert client.post(r["Location"]).status_code == 400 and not Response.objects.exists()


def test_the_template_csv_lists_the_documented_columns(client, formal, questions, analyst):
    client.force_login(analyst)
    body = client.get(url("staff-import-template", formal.slug)).content.decode()
    assert body.strip() == ",".join(importing.template_columns(formal))
    assert body.startswith("respondent_type,name,email") and "q4_why" in body


def test_engagement_events_and_clause_feedback_are_recorded_and_listed(client, formal, analyst, document):
    client.force_login(analyst)
    r = client.post(
        url("staff-event-manage", formal.slug),
        {
            "title": "Leeds community workshop",
            "starts_on_day": "3",
            "starts_on_month": "3",
            "starts_on_year": "2026",
            "location": "Leeds Central Library",
            "organiser": "Care Bill Team",
            "attendees": "42",
        },
    )
    event = formal.engagement_events.get()
    clause = document.sections.get(anchor="clause-2")
    client.post(r["Location"], {"section": clause.pk, "text": "Carers asked who assesses needs at night."})
    assert event.notes.get().section == clause
    public = client.get(url("event-list", formal.slug)).content.decode()
    assert "Leeds community workshop" in public and "Carers asked who assesses" in public and "42" in public


def test_an_event_needs_a_name_organiser_date_and_place_unless_online(client, formal, analyst, document):
    client.force_login(analyst)
    r = client.post(url("staff-event-manage", formal.slug), {"starts_on_day": "31", "starts_on_month": "2"})
    page = r.content.decode()
    assert r.status_code == 400 and "govuk-error-summary" in page
    for message in ("Enter the name of the event", "Enter who organised the event", "Enter a real date"):
        assert message in page
    assert "Enter where the event takes place" in page
    assert not formal.engagement_events.exists()
    r = client.post(
        url("staff-event-manage", formal.slug),
        {
            "title": "Online question time",
            "starts_on_day": "3",
            "starts_on_month": "3",
            "starts_on_year": "2026",
            "online": "on",
            "organiser": "Regulatory reform team",
        },
    )
    event = formal.engagement_events.get()
    assert r["Location"] == url("staff-event-detail", formal.slug, event.pk) and event.online
    # A note must have text; a clause from another consultation is not offered or accepted.
    r = client.post(r["Location"], {"text": "  "})
    assert r.status_code == 400 and "Enter the note or feedback" in r.content.decode()
    from tests.factories import ConsultationFactory, make_document

    foreign = make_document(consultation=ConsultationFactory(team=formal.team), clauses=2)
    r = client.post(
        url("staff-event-detail", formal.slug, event.pk),
        {"section": foreign.sections.get(anchor="clause-1").pk, "text": "Feedback"},
    )
    assert r.status_code == 400 and not event.notes.exists()


def test_respond_panel_and_section_questions_tags_render(
    rf: RequestFactory, formal, questions, citizen, document
):
    request = rf.get("/")
    request.user = citizen
    request.session = {}
    html = Template("{% load responses_tags %}{% respond_panel c %}").render(
        Context({"c": formal, "request": request})
    )
    assert "Respond online" in html and url("response-start", formal.slug) in html
    services.response_start(consultation=formal, user=citizen)
    html = Template("{% load responses_tags %}{% respond_panel c %}").render(
        Context({"c": formal, "request": request})
    )
    assert "Continue your response" in html
    clause = document.sections.get(anchor="clause-2")
    clause.document.consultation = formal
    html = Template("{% load responses_tags %}{% section_questions s %}").render(
        Context({"s": clause, "request": request})
    )
    assert "Clause 2 is clear." in html and "What do you think" not in html


def test_the_staff_consultation_page_links_to_the_responses_pages(client, formal, analyst):
    client.force_login(analyst)
    page = client.get(reverse("staff:consultation-manage", args=[formal.slug])).content.decode()
    assert (
        url("staff-import-upload", formal.slug) in page and url("staff-response-enter", formal.slug) in page
    )


# --- ideas pages ------------------------------------------------------------------------------------------


@pytest.fixture
def ideas_c(team):
    from responses.models import IdeaCategory
    from tests.factories import ConsultationFactory

    c = ConsultationFactory(team=team, kind="ideas")
    IdeaCategory.objects.create(consultation=c, name="Youth voice", slug="youth-voice")
    return c


def test_a_citizen_submits_an_idea_and_others_vote_once(client, ideas_c, citizen, other_citizen):
    from responses.models import Idea

    client.force_login(citizen)
    r = client.post(url("idea-create", ideas_c.slug), {"title": "", "description": ""})
    assert r.status_code == 400 and "Enter a title for your idea" in r.content.decode()
    r = client.post(
        url("idea-create", ideas_c.slug),
        {
            "title": "Youth panels",
            "description": "Allow them to be at the forefront of the decision making",
            "category": ideas_c.idea_categories.get().pk,
        },
    )
    idea = Idea.objects.get()
    assert r["Location"] == idea.get_absolute_url()
    client.force_login(other_citizen)
    for _ in range(3):
        client.post(url("idea-vote", ideas_c.slug, idea.pk), {"value": "1"})
    idea.refresh_from_db()
    assert idea.up_votes == 1 and idea.score > 0
    listing = client.get(url("idea-list", ideas_c.slug) + "?category=youth-voice").content.decode()
    assert "Youth panels" in listing and "1 for, 0 against" in listing


def test_people_discuss_an_idea_on_its_page_through_the_comments_form(
    client, ideas_c, citizen, other_citizen, moderator
):
    from comments.models import Comment
    from responses import ideas

    idea = ideas.idea_create(
        consultation=ideas_c,
        author=citizen,
        title="Youth panels",
        description="Allow them to be at the forefront of the decision making",
    )
    client.force_login(other_citizen)
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Comments on this idea (0)" in page and f'name="idea" value="{idea.pk}"' in page
    create = reverse("comments:comment-create", args=[ideas_c.slug])
    r = client.post(create, {"idea": idea.pk, "body": "", "category": "general"})
    assert r.status_code == 400 and not Comment.objects.exists()  # no text: refused, nothing saved
    body = "It is to actively seek out and engage with young individuals to get their opinion and ideas"
    r = client.post(create, {"idea": idea.pk, "body": body, "category": "general"})
    comment = Comment.objects.get()
    # The person stays in the idea's discussion, at their comment.
    assert comment.idea == idea and r["Location"] == f"{idea.get_absolute_url()}#comment-{comment.pk}"
    client.logout()
    page = client.get(idea.get_absolute_url()).content.decode()
    assert "Comments on this idea (1)" in page and body in page
    listing = client.get(url("idea-list", ideas_c.slug)).content.decode()
    assert "1 comment" in listing
    assert body not in client.get(ideas_c.get_absolute_url()).content.decode()
    # Hiding the idea hides its discussion from the public, not from the team's moderators.
    ideas.idea_set_status(idea=idea, by=moderator, status="hidden")
    assert client.get(comment.get_absolute_url()).status_code == 404
    client.force_login(moderator)
    assert client.get(comment.get_absolute_url()).status_code == 200


def test_idea_pages_404_for_other_kinds_of_consultation(client, formal):
    assert client.get(url("idea-list", formal.slug)).status_code == 404


@pytest.mark.parametrize(
    "persona,status",
    [("citizen", 403), ("outsider_official", 403), ("moderator", 200), ("analyst", 200), ("publisher", 200)],
)
def test_only_the_team_manages_ideas(client, request, ideas_c, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("staff-idea-list", ideas_c.slug)).status_code == status


def test_an_official_sets_a_status_with_a_public_note_and_merges_a_duplicate(
    client, ideas_c, citizen, analyst
):
    from responses import ideas
    from responses.models import Idea

    keep = ideas.idea_create(consultation=ideas_c, author=citizen, title="Youth panels", description="a")
    dup = ideas.idea_create(consultation=ideas_c, author=citizen, title="Youth panel please", description="b")
    client.force_login(analyst)
    client.post(
        url("staff-idea-detail", ideas_c.slug, keep.pk),
        {"status-status": "accepted", "status-note": "We will pilot this in two boroughs."},
    )
    r = client.post(url("staff-idea-detail", ideas_c.slug, dup.pk), {"merge": "1", "merge-into": keep.pk})
    assert r["Location"] == url("staff-idea-detail", ideas_c.slug, keep.pk)
    assert Idea.objects.get(pk=dup.pk).merged_into_id == keep.pk
    public = client.get(url("idea-detail", ideas_c.slug, keep.pk)).content.decode()
    assert "We will pilot this in two boroughs." in public and "Accepted" in public
    assert client.get(url("idea-detail", ideas_c.slug, dup.pk))["Location"] == url(
        "idea-detail", ideas_c.slug, keep.pk
    )


def test_an_oversized_or_binary_csv_upload_is_refused_with_a_clear_message(
    client, formal, questions, analyst, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(analyst)
    settings.RESPONSE_IMPORT_MAX_BYTES = 100
    big = SimpleUploadedFile("r.csv", b"a," * 200)
    r = client.post(url("staff-import-upload", formal.slug), {"file": big})
    assert r.status_code == 400 and "too large" in r.content.decode()
    settings.RESPONSE_IMPORT_MAX_BYTES = 10_000
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n\x00\x00"
    r = client.post(url("staff-import-upload", formal.slug), {"file": SimpleUploadedFile("r.csv", pdf)})
    page = client.get(r["Location"])
    assert page.status_code == 400 and "is not UTF-8 encoded" in page.content.decode()
    assert not Response.objects.exists()


def test_the_team_filters_responses_by_channel_and_status(
    client, formal, questions, analyst, citizen, real_comments
):
    from django.utils import timezone

    from responses.validation import CleanAnswer

    services.response_start(consultation=formal, user=citizen)  # an online draft
    posted = services.response_enter_offline(
        consultation=formal,
        by=analyst,
        channel="post",
        received_at=timezone.localdate(),
        respondent_type="individual",
        region="wales",
        consent="none",
        respondent_name="A. Writer",
        answers={questions[0].pk: CleanAnswer(choices=[], text=real_comments[0])},
    )
    client.force_login(analyst)
    page = client.get(url("staff-response-list", formal.slug) + "?channel=post").content.decode()
    assert posted.reference in page and "1 response matches" in page
    page = client.get(url("staff-response-list", formal.slug) + "?status=draft").content.decode()
    assert posted.reference not in page and "1 response matches" in page
    page = client.get(url("staff-response-list", formal.slug) + "?channel=carrier-pigeon").content.decode()
    assert "2 responses" in page  # an unknown filter shows everything rather than failing
