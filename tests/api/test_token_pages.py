"""The API tokens page: create (key shown once, never stored), list and revoke, without JavaScript."""

from __future__ import annotations

import re

import pytest

from api.models import ApiToken, hash_key

pytestmark = pytest.mark.django_db
PAGE = "/api/tokens/"


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_citizen_creates_a_token_sees_the_key_once_and_it_works(client, api, citizen):
    client.force_login(citizen)
    made = client.post(PAGE, {"name": "  comments   app "})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    key = re.search(r'id="token-key" type="text" value="([^"]+)"', made.content.decode()).group(1)
    token = ApiToken.objects.get(user=citizen)
    assert token.name == "comments app" and token.key_hash == hash_key(key) and token.prefix == key[:8]
    listed = client.get(PAGE).content.decode()
    assert "comments app" in listed and token.prefix in listed and key not in listed
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/tokens/").json()["results"][0]["name"] == "comments app"


def test_a_blank_name_gets_the_error_summary_and_nothing_is_made(client, citizen):
    client.force_login(citizen)
    response = client.post(PAGE, {"name": "   "})
    page = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in page and 'href="#id_name"' in page
    assert "Enter what the token is for" in page
    assert page.count("<title>") == 1 and "<title>Error: " in page.replace("\n", "")
    assert ApiToken.objects.count() == 0


def test_revoking_stops_the_token_and_nobody_revokes_anothers(client, api, citizen, other_citizen):
    token, key = ApiToken.issue(user=citizen, name="old script")
    client.force_login(other_citizen)
    assert client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    assert client.post(f"/api/tokens/{2**70}/revoke/").status_code == 404
    client.force_login(citizen)
    assert client.get(f"/api/tokens/{token.pk}/revoke/").status_code == 405
    done = client.post(f"/api/tokens/{token.pk}/revoke/", follow=True)
    assert "Token ‘old script’ revoked" in done.content.decode()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/consultations/").status_code == 401


def test_there_is_a_limit_to_how_many_tokens_one_person_holds(client, api_as, citizen, settings):
    from api.forms import MAX_ACTIVE_TOKENS

    for n in range(MAX_ACTIVE_TOKENS):
        ApiToken.issue(user=citizen, name=f"t{n}")
    client.force_login(citizen)
    assert client.post(PAGE, {"name": "one more"}).status_code == 400
    refused = api_as(citizen).post("/api/v1/tokens/", {"name": "one more"}, format="json")
    assert refused.status_code == 400 and "Revoke one" in refused.json()["error"]["message"]
    assert ApiToken.objects.count() == MAX_ACTIVE_TOKENS


def test_the_profile_links_to_the_tokens_page(client, citizen):
    client.force_login(citizen)
    assert 'href="/api/tokens/"' in client.get("/accounts/profile/").content.decode()
