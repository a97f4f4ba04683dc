"""Issue 20 "Done when", in Chromium on a phone (390 x 844, touch): a team invites someone to an
invitation-only consultation, the invited person follows the emailed link, signs in and responds; someone
who was not invited cannot see it. axe-core on every page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from consultations.models import Invitation
from responses.models import Question, Response
from tests.factories import PASSWORD, ConsultationFactory, UserFactory, make_document

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _no_language_models(monkeypatch):
    """Submitting queues the answer's analysis; record it instead of loading the models in the server."""
    monkeypatch.setattr("insights.services.queue_enrichment", lambda kind, pk: None)


@pytest.fixture
def private(team):
    c = ConsultationFactory(
        team=team, kind="formal", slug="care-workforce", title="Care workforce plan", visibility="invited"
    )
    make_document(consultation=c, clauses=2)
    Question.objects.create(
        consultation=c, position=1, kind="text", required=True, text="What would help care workers most?"
    )
    return c


def test_an_invited_person_responds_on_a_phone_and_an_uninvited_one_cannot_see(
    page, phone, live_url, login, publisher, other_citizen, private, assert_no_axe_violations, screenshot
):
    invitee = UserFactory(email="carer@example.org", display_name="Cam Carer")
    # the team invites them
    login(page, publisher)
    page.goto(f"{live_url}/staff/consultations/{private.slug}/")
    page.get_by_role("link", name="Invitations").click()
    page.get_by_label("Email address", exact=True).fill("not an address")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter an email address in the correct format"
    )
    assert_no_axe_violations(page)
    page.get_by_label("Email address", exact=True).fill("carer@example.org")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("1 invitation will be emailed")
    expect(page.get_by_role("table")).to_contain_text("carer@example.org")
    screenshot(page, "invitations-staff")
    assert_no_axe_violations(page)
    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None
    link = re.search(r"https?://\S+(/consultations/invitations/\S+/)", mail.outbox[-1].body).group(1)

    # someone not invited: the consultation does not exist for them
    login(phone, other_citizen)
    phone.wait_for_url(re.compile(r"^(?!.*/accounts/login/)"))
    response = phone.goto(f"{live_url}{private.get_absolute_url()}")
    assert response.status == 404
    assert_no_axe_violations(phone)
    assert "Care workforce plan" not in phone.goto(f"{live_url}/consultations/").text()
    phone.context.clear_cookies()

    # the invited person, signed out, follows the link from the email on their phone
    phone.goto(live_url + link)
    expect(phone.locator("h1")).to_have_text("Care workforce plan")
    expect(phone.locator("main")).to_contain_text("c…@example.org")
    screenshot(phone, "invitations-link-phone")
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="Sign in").tap()
    phone.get_by_label("Email address").fill(invitee.email)
    phone.get_by_label("Password", exact=True).fill(PASSWORD)
    phone.locator("main").get_by_role("button", name="Sign in").tap()
    phone.wait_for_url(f"{live_url}{private.get_absolute_url()}")
    expect(phone.locator("main")).to_contain_text("You have accepted the invitation")
    screenshot(phone, "invitations-accepted-phone")
    assert_no_axe_violations(phone)
    # and responds
    phone.get_by_role("button", name="Respond online").tap()
    phone.get_by_role("button", name="Start now").tap()
    phone.get_by_label("As an individual").check()
    phone.get_by_role("button", name="Save and continue").tap()
    phone.get_by_label("London").check()
    phone.get_by_role("button", name="Save and continue").tap()
    phone.get_by_label("Publish my response anonymously").check()
    phone.get_by_role("button", name="Save and continue").tap()
    phone.locator("textarea").fill("Paid travel time between visits, and training in work hours.")
    phone.get_by_role("button", name="Save and continue").tap()
    expect(phone.locator("h1")).to_contain_text("Check your answers")
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="Submit response").tap()
    expect(phone.locator("h1")).to_contain_text("Response submitted", timeout=60_000)
    screenshot(phone, "invitations-responded-phone")
    assert_no_axe_violations(phone)
    response = Response.objects.get(respondent=invitee)
    assert response.status == "submitted" and response.consultation == private
