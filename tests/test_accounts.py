"""Accounts through the real allauth views and our GOV.UK templates: sign up, verify, sign in, reset."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from dhdigital.accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+")


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    # allauth's rate limits count in the cache, which outlives a test's database transaction (and in CI
    # is the Redis that Celery also uses, so it must not be flushed): switch them off here.
    settings.ACCOUNT_RATE_LIMITS = False


def _link_in(message, path_part: str) -> str:
    links = [url for url in LINK.findall(message.body) if path_part in url]
    assert links, f"no {path_part} link in: {message.body}"
    return re.sub(r"^https?://[^/]+", "", links[0])


def _sign_up(client, email="new.person@example.org", display_name="New Person", password=PASSWORD):
    return client.post(
        "/accounts/signup/",
        {"email": email, "display_name": display_name, "password1": password, "password2": password},
    )


# ---------------------------------------------------------------- sign up and verification


def test_sign_up_creates_an_unverified_account_and_sends_a_verification_email(client):
    response = _sign_up(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="new.person@example.org")
    assert user.display_name == "New Person"
    assert not user.email_verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body
    page = client.get(response.headers["Location"]).content.decode()
    assert "Check your email" in page


def test_an_unverified_account_cannot_take_part(client):
    _sign_up(client)
    user = User.objects.get(email="new.person@example.org")
    assert user.may_participate is False


def test_signing_in_before_verifying_sends_the_link_again_instead_of_signing_in(client, unverified_citizen):
    response = client.post("/accounts/login/", {"login": unverified_citizen.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [unverified_citizen.email]


def test_the_verification_link_confirms_the_email_and_lets_the_person_take_part(client):
    _sign_up(client)
    confirm_path = _link_in(mail.outbox[0], "/accounts/confirm-email/")
    page = client.get(confirm_path)
    assert page.status_code == 200
    assert "Confirm email address" in page.content.decode()
    response = client.post(confirm_path)
    assert response.status_code == 302
    user = User.objects.get(email="new.person@example.org")
    assert user.email_verified is True
    assert user.may_participate is True


def test_a_broken_verification_link_says_so_and_confirms_nothing(client):
    _sign_up(client)
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert "This confirmation link has expired or is not valid." in response.content.decode()
    assert not EmailAddress.objects.filter(email="new.person@example.org", verified=True).exists()


def test_sign_up_with_mismatched_passwords_shows_errors_and_saves_nothing(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new.person@example.org", "password1": PASSWORD, "password2": "something-else-2026"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Create an account - dhdigital</title>" in html
    assert "govuk-error-summary" in html and "You must type the same password each time." in html
    assert not User.objects.filter(email="new.person@example.org").exists()
    assert mail.outbox == []


def test_sign_up_with_nothing_filled_in_says_what_to_enter(client):
    html = client.post("/accounts/signup/", {}).content.decode()
    assert '<a href="#id_email">Enter your email address</a>' in html
    assert '<a href="#id_password1">Create a password</a>' in html
    assert User.objects.count() == 0


def test_sign_up_with_an_address_already_registered_does_not_create_a_second_account(client, citizen):
    _sign_up(client, email=citizen.email.upper())
    assert User.objects.filter(email__iexact=citizen.email).count() == 1


# ---------------------------------------------------------------- sign in and out


def test_sign_in_by_email_address(client, citizen):
    response = client.post("/accounts/login/", {"login": "Citizen@Example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == citizen.pk


def test_sign_in_with_a_wrong_password_shows_an_error_and_does_not_sign_in(client, citizen):
    response = client.post("/accounts/login/", {"login": citizen.email, "password": "wrong-password-1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: Sign in - dhdigital</title>" in html
    assert '<a href="#id_login">The email address and/or password you specified are not correct.</a>' in html
    assert "_auth_user_id" not in client.session


def test_sign_in_with_nothing_filled_in_says_what_to_enter(client):
    html = client.post("/accounts/login/", {}).content.decode()
    assert "Enter email" in html and "Enter password" in html


def test_sign_out_needs_a_post(client, citizen):
    client.force_login(citizen)
    page = client.get("/accounts/logout/")
    assert "Are you sure you want to sign out?" in page.content.decode()
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


# ---------------------------------------------------------------- password reset


def test_password_reset_emails_a_link_that_sets_a_new_password(client, citizen):
    response = client.post("/accounts/password/reset/", {"email": citizen.email})
    assert response.headers["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [citizen.email]
    reset_path = _link_in(mail.outbox[0], "/accounts/password/reset/key/")

    form_page = client.get(reset_path, follow=True)
    assert "Choose a new password" in form_page.content.decode()
    new_password = "a-brand-new-pass-2026"
    done = client.post(form_page.request["PATH_INFO"], {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    citizen.refresh_from_db()
    assert citizen.check_password(new_password)


def test_password_reset_for_an_unknown_address_does_not_reveal_whether_it_exists(client, citizen):
    known = client.post("/accounts/password/reset/", {"email": citizen.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert known.headers["Location"] == unknown.headers["Location"] == "/accounts/password/reset/done/"


def test_a_used_or_bad_reset_link_says_so(client, citizen):
    response = client.get("/accounts/password/reset/key/1-not-a-key/", follow=True)
    assert "Password reset link not valid" in response.content.decode()


# ---------------------------------------------------------------- profile and what the public sees


def test_profile_needs_sign_in(client):
    response = client.get("/accounts/profile/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_profile_shows_the_email_only_to_its_owner_and_edits_the_display_name(client, citizen):
    client.force_login(citizen)
    page = client.get("/accounts/profile/").content.decode()
    assert citizen.email in page and "Jo Citizen" in page
    response = client.post(
        "/accounts/profile/", {"display_name": "Jo from Leeds", "organisation": "Carers Leeds"}
    )
    assert response.headers["Location"] == "/accounts/profile/"
    citizen.refresh_from_db()
    assert citizen.display_name == "Jo from Leeds" and citizen.organisation == "Carers Leeds"


def test_profile_edit_with_a_too_long_name_is_refused_and_saves_nothing(client, citizen):
    client.force_login(citizen)
    response = client.post("/accounts/profile/", {"display_name": "x" * 81, "organisation": "Changed"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in html and 'href="#id_display_name"' in html
    citizen.refresh_from_db()
    assert citizen.display_name == "Jo Citizen" and citizen.organisation == ""


def test_public_name_is_the_display_name_or_anonymous_never_the_email(db):
    named = UserFactory(email="jo.bloggs@example.org", display_name="Jo B")
    unnamed = UserFactory(email="secret.person@example.org", display_name="")
    assert named.public_name == "Jo B" and str(named) == "Jo B"
    assert unnamed.public_name == "Anonymous participant"
    assert "secret.person" not in str(unnamed)


def test_the_signed_in_message_uses_the_display_name_not_the_email(client, citizen):
    response = client.post("/accounts/login/", {"login": citizen.email, "password": PASSWORD}, follow=True)
    html = response.content.decode()
    assert "Jo Citizen" in html
    assert citizen.email not in html


def test_other_people_never_see_a_participants_email_on_the_home_page(client, citizen, other_citizen):
    client.force_login(other_citizen)
    assert citizen.email not in client.get("/").content.decode()


def test_account_emails_are_plain_english_and_name_the_service_not_example_dot_com(client, citizen):
    _sign_up(client, display_name="")
    client.post("/accounts/password/reset/", {"email": citizen.email})
    confirm, reset = mail.outbox
    assert confirm.subject == "[dhdigital] Confirm your email address"
    assert reset.subject == "[dhdigital] Reset your password"
    for message in (confirm, reset):
        assert "example.com" not in message.body
        assert "The dhdigital team" in message.body
    assert "Anonymous participant" not in confirm.body


def test_confirming_the_email_says_so_in_a_success_banner(client):
    _sign_up(client)
    confirm_path = _link_in(mail.outbox[0], "/accounts/confirm-email/")
    html = client.post(confirm_path, follow=True).content.decode()
    assert "You have confirmed your email address." in html
