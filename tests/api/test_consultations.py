"""Public read API: consultations, visibility per role, filters, pagination, ETags, errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from api.models import ApiToken
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/v1/consultations/"


def slugs(response) -> set[str]:
    return {c["slug"] for c in response.json()["results"]}


def test_anonymous_sees_only_published_public_consultations(
    api, consultation, draft_consultation, invited_consultation
):
    response = api.get(LIST)
    assert response.status_code == 200
    assert slugs(response) == {consultation.slug}


@pytest.mark.parametrize("persona", ["moderator", "analyst", "publisher"])
def test_team_members_also_see_their_drafts_and_invitation_only(
    request, api_as, persona, consultation, draft_consultation, invited_consultation
):
    user = request.getfixturevalue(persona)
    assert slugs(api_as(user).get(LIST)) == {
        consultation.slug,
        draft_consultation.slug,
        invited_consultation.slug,
    }


def test_an_official_of_another_team_does_not_see_the_drafts(
    api_as, outsider_official, consultation, draft_consultation, invited_consultation
):
    assert slugs(api_as(outsider_official).get(LIST)) == {consultation.slug}


def test_citizen_sees_what_the_public_sees(api_as, citizen, consultation, draft_consultation):
    assert slugs(api_as(citizen).get(LIST)) == {consultation.slug}


def test_a_draft_is_a_404_with_the_error_body_for_the_public(api, draft_consultation):
    response = api.get(f"{LIST}{draft_consultation.slug}/")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == 404 and error["code"] == "not_found" and error["message"]


def test_the_detail_lists_only_documents_the_viewer_may_read(
    api, api_as, publisher, document, draft_document
):
    public = api.get(f"{LIST}{document.consultation.slug}/").json()
    assert [d["slug"] for d in public["documents"]] == ["draft-bill"]
    team = api_as(publisher).get(f"{LIST}{document.consultation.slug}/").json()
    assert {d["slug"] for d in team["documents"]} == {"draft-bill", "next-draft"}


def test_the_detail_carries_no_email_address_of_a_person(api, consultation):
    body = api.get(f"{LIST}{consultation.slug}/").content.decode()
    assert "publisher@" not in body and "@example.org" not in body
    assert consultation.contact_email in body  # the team's published mailbox is a way to respond


def test_outcome_is_hidden_until_published(api, team):
    c = ConsultationFactory(team=team, state="closed", outcome_summary="We will amend clause 3.")
    assert api.get(f"{LIST}{c.slug}/").json()["outcome_summary"] == ""
    c.outcome_published_at = timezone.now()
    c.state = "concluded"
    c.save()
    assert api.get(f"{LIST}{c.slug}/").json()["outcome_summary"] == "We will amend clause 3."


def test_filters_by_kind_state_phase_text_and_dates(api, team):
    now = timezone.now()
    bill = ConsultationFactory(team=team, kind="draft_bill", title="Draft Care and Support Bill")
    ideas = ConsultationFactory(team=team, kind="ideas", title="Maps and apps")
    soon = ConsultationFactory(
        team=team,
        state="scheduled",
        title="Bus services",
        opens_at=now + timedelta(days=3),
        closes_at=now + timedelta(days=90),
    )
    over = ConsultationFactory(
        team=team,
        state="closed",
        title="Planning",
        opens_at=now - timedelta(days=100),
        closes_at=now - timedelta(days=10),
    )
    assert slugs(api.get(LIST, {"kind": "ideas"})) == {ideas.slug}
    assert slugs(api.get(LIST, {"state": "closed"})) == {over.slug}
    assert slugs(api.get(LIST, {"phase": "upcoming"})) == {soon.slug}
    assert slugs(api.get(LIST, {"phase": "open"})) == {bill.slug, ideas.slug}
    assert slugs(api.get(LIST, {"q": "care support"})) == {bill.slug}
    assert slugs(api.get(LIST, {"closes_before": (now - timedelta(days=1)).isoformat()})) == {over.slug}


def test_an_open_consultation_past_its_closing_time_is_closed_in_the_phase_filter(api, team):
    late = ConsultationFactory(
        team=team,
        state="open",
        opens_at=timezone.now() - timedelta(days=30),
        closes_at=timezone.now() - timedelta(minutes=1),
    )
    assert slugs(api.get(LIST, {"phase": "closed"})) == {late.slug}
    assert api.get(f"{LIST}{late.slug}/").json()["phase"] == "closed"


def test_bad_filter_values_get_a_400_naming_each_field(api, consultation):
    response = api.get(LIST, {"opens_after": "next tuesday", "kind": "poll"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"opens_after", "kind"}


def test_cursor_pagination_walks_every_consultation_once(api, team):
    made = {ConsultationFactory(team=team).slug for _ in range(5)}
    seen: list[str] = []
    url = f"{LIST}?page_size=2"
    while url:
        page = api.get(url).json()
        seen += [c["slug"] for c in page["results"]]
        url = page["next"]
    assert sorted(seen) == sorted(made)


def test_an_invalid_cursor_is_a_400_error_body(api, consultation):
    response = api.get(LIST, {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "cursor" in response.json()["error"]["fields"]


def test_conditional_get_answers_304_until_the_data_changes(api, consultation):
    first = api.get(f"{LIST}{consultation.slug}/")
    etag = first["ETag"]
    assert "Authorization" in first["Vary"]
    again = api.get(f"{LIST}{consultation.slug}/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    consultation.title = "Draft Care and Support Bill (revised)"
    consultation.save()
    changed = api.get(f"{LIST}{consultation.slug}/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_writes_are_refused_with_a_405_error_body(api, consultation):
    response = api.post(LIST, {"title": "x"}, format="json")
    assert response.status_code in (403, 405)
    assert response.json()["error"]["status"] == response.status_code


def test_a_token_sees_its_owners_team_drafts(api, publisher, draft_consultation):
    _, key = ApiToken.issue(user=publisher, name="notebook")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert draft_consultation.slug in slugs(api.get(LIST))


def test_a_revoked_or_unknown_token_is_refused_with_401(api, publisher, consultation):
    token, key = ApiToken.issue(user=publisher, name="leaked")
    token.revoke()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get(LIST)
    assert response.status_code == 401
    assert response.json()["error"]["code"] in ("authentication_failed", "not_authenticated")
    api.credentials(HTTP_AUTHORIZATION="Token nonsense")
    assert api.get(LIST).status_code == 401


def test_tokens_are_stored_only_as_hashes(publisher):
    token, key = ApiToken.issue(user=publisher, name="ci")
    token.refresh_from_db()
    assert key not in (token.key_hash, token.prefix) and token.prefix == key[:8]


def test_anonymous_clients_are_throttled_per_ip_with_retry_after(api, settings, consultation):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "100/min", "ip": "100/min"},
    }
    assert api.get(LIST).status_code == 200
    assert api.get(LIST).status_code == 200
    response = api.get(LIST)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert int(response["Retry-After"]) > 0


def test_signed_in_users_are_throttled_per_user_not_per_ip(
    api_as, citizen, other_citizen, settings, consultation
):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "1/min", "ip": "100/min"},
    }
    assert api_as(citizen).get(LIST).status_code == 200
    assert api_as(citizen).get(LIST).status_code == 429
    assert api_as(other_citizen).get(LIST).status_code == 200


def test_one_ip_is_capped_whatever_the_identity(api_as, citizen, other_citizen, settings, consultation):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "100/min", "ip": "2/min"},
    }
    assert api_as(citizen).get(LIST).status_code == 200
    assert api_as(other_citizen).get(LIST).status_code == 200
    assert api_as(None).get(LIST).status_code == 429


def test_a_signed_in_user_creates_a_token_sees_its_key_once_and_revokes_it(api_as, citizen):
    client = api_as(citizen)
    made = client.post("/api/v1/tokens/", {"name": "my notebook"}, format="json")
    assert made.status_code == 201
    key, token_id = made.json()["key"], made.json()["id"]
    listed = client.get("/api/v1/tokens/").json()["results"]
    assert [t["name"] for t in listed] == ["my notebook"] and "key" not in listed[0]
    assert client.delete(f"/api/v1/tokens/{token_id}/").status_code == 204
    anonymous = api_as(None)
    anonymous.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert anonymous.get(LIST).status_code == 401


def test_nobody_revokes_someone_elses_token(api_as, citizen, other_citizen):
    token, _ = ApiToken.issue(user=citizen, name="mine")
    assert api_as(other_citizen).delete(f"/api/v1/tokens/{token.pk}/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_forged_forwarded_for_header_does_not_escape_the_ip_limit(api, settings, consultation):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min", "user": "100/min", "ip": "100/min"},
    }
    codes = [api.get(LIST, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code for n in range(3)]
    assert codes == [200, 200, 429]


def test_a_body_with_too_many_form_fields_gets_the_json_error_body(api_as, analyst, consultation, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    response = api_as(analyst).post(
        f"/api/v1/staff/consultations/{consultation.slug}/themes/",
        {"label": [f"x{n}" for n in range(20)], "scope": "consultation"},
    )
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "parse_error" and "JSON" in response.json()["error"]["message"]


def test_a_body_too_large_gets_the_json_error_body(api_as, citizen, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    response = api_as(citizen).post("/api/v1/comments/", {"body": "x" * 500}, format="json")
    assert response.status_code == 400 and response.json()["error"]["message"] == (
        "The request body is too large."
    )


@pytest.mark.parametrize(
    "value,found",
    [
        ("2000-01-01T00:00:00+16:00", True),  # an offset PostgreSQL would refuse as it is
        ("0211-04-07T18:08:03+17:20", True),
    ],
)
def test_any_utc_offset_python_reads_is_a_valid_date_filter(api, consultation, value, found):
    response = api.get(LIST, {"opens_after": value})
    assert response.status_code == 200
    assert (consultation.slug in slugs(response)) is found


def test_a_date_that_does_not_exist_in_utc_is_a_400_naming_the_field(api, consultation):
    response = api.get(LIST, {"closes_before": "0001-01-01T00:00:00+10:00"})
    assert response.status_code == 400 and "closes_before" in response.json()["error"]["fields"]


def test_a_request_over_two_limits_waits_for_the_longer(api_as, citizen, settings, consultation):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/min", "user": "1/hour", "ip": "1/min"},
    }
    assert api_as(citizen).get(LIST).status_code == 200
    response = api_as(citizen).get(LIST)
    assert response.status_code == 429
    assert 60 < int(response["Retry-After"]) <= 3600  # the user's hour, not the address's minute


def test_a_token_cannot_mint_tokens_so_revoking_a_leaked_one_ends_its_access(api, citizen):
    """Tokens are made by a signed-in person; a leaked token cannot make others that outlive it."""
    token, key = ApiToken.issue(user=citizen, name="leaked")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    made = api.post("/api/v1/tokens/", {"name": "child"}, format="json")
    assert made.status_code == 403
    assert "signed-in person" in made.json()["error"]["message"]
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["leaked"]
    assert api.delete(f"/api/v1/tokens/{token.pk}/").status_code == 204  # it may revoke itself
    assert api.get(LIST).status_code == 401
