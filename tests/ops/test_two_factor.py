"""Optional two-step sign-in (allauth.mfa, TOTP): an official turns it on, then signing in needs the code."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.cache import cache
from django.urls import reverse

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


def turn_on(client, user) -> str:
    client.force_login(user)
    # turning it on needs the password again (allauth's reauthentication)
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(reverse("account_reauthenticate"))
    assert client.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert "data:image/svg+xml" in page.content.decode()  # the QR code, allowed by the CSP's img-src data:
    response = client.post(reverse("mfa_activate_totp"), {"code": current_code(secret)})
    assert response.status_code == 302, response.content[:500]
    client.logout()
    return secret


def sign_in_with_password(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_an_official_can_turn_on_two_step_sign_in(client, moderator):
    turn_on(client, moderator)
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=moderator, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_with_it_on_the_password_alone_does_not_sign_in(client, moderator):
    turn_on(client, moderator)
    response = sign_in_with_password(client, moderator)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("staff:index")).status_code in (302, 403)


def test_the_right_code_completes_sign_in_and_a_wrong_one_does_not(client, moderator):
    secret = turn_on(client, moderator)
    sign_in_with_password(client, moderator)
    wrong = client.post(
        reverse("mfa_authenticate"), {"code": "000000" if current_code(secret) != "000000" else "111111"}
    )
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert "govuk-error-message" in wrong.content.decode()
    right = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(moderator.pk)


def test_without_it_signing_in_is_unchanged(client, citizen):
    response = sign_in_with_password(client, citizen)
    assert response.status_code == 302 and response["Location"] != reverse("mfa_authenticate")
    assert client.session["_auth_user_id"] == str(citizen.pk)


def test_the_profile_offers_it(client, moderator):
    client.force_login(moderator)
    page = client.get(reverse("accounts:profile")).content.decode()
    assert reverse("mfa_index") in page
    assert "Recommended for officials" in page


def test_the_data_download_never_contains_the_authenticator_secret(client, moderator):
    import json

    from dhdigital.accounts.privacy import personal_data_export

    secret = turn_on(client, moderator)
    exported = personal_data_export(user=moderator)
    assert secret not in json.dumps(exported)
    kinds = {row["type"] for row in exported["records"]["mfa.Authenticator"]["user"]}
    assert kinds == {"totp", "recovery_codes"}
