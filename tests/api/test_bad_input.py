"""Bad input to the API is a 400 with a clear message, never a 500 (issue 16, finding 11)."""

from __future__ import annotations

import base64
import json

import pytest

pytestmark = pytest.mark.django_db


def _cursor(query: str) -> str:
    return base64.b64encode(query.encode()).decode()


@pytest.mark.parametrize(
    "path", ["/api/v1/comments/", "/api/v1/consultations/", "/api/v1/sections/", "/api/v1/documents/"]
)
@pytest.mark.parametrize("query", ["p=abc", "p=", "o=abc", "r=x", "p=1&o=-3"])
def test_a_malformed_cursor_is_a_400_that_says_so(api, consultation, document, path, query):
    response = api.get(path, {"cursor": _cursor(query)})
    assert response.status_code == 400
    message = response.json()["error"]["fields"]["cursor"][0]
    assert "not one this API gave" in message and "'next'" in message


def test_a_cursor_that_is_not_base64_is_a_400(api):
    response = api.get("/api/v1/comments/", {"cursor": "%%%not-base64"})
    assert response.status_code == 400


def test_an_idea_list_cursor_with_a_score_that_is_not_a_number_is_a_400(api, consultation):
    consultation.kind = "ideas"
    consultation.save(update_fields=["kind"])
    response = api.get(f"/api/v1/consultations/{consultation.slug}/ideas/", {"cursor": _cursor("p=abc")})
    assert response.status_code == 400


def test_a_real_next_cursor_still_works(api, consultation):
    from tests.factories import ConsultationFactory

    for _ in range(3):
        ConsultationFactory(team=consultation.team)
    first = api.get("/api/v1/consultations/", {"page_size": 2}).json()
    second = api.get(first["next"])
    assert second.status_code == 200 and len(second.json()["results"]) == 2


@pytest.mark.parametrize("depth", [1000, 100])
def test_deeply_nested_json_is_a_400(api_as, citizen, depth):
    body = "[" * depth + "]" * depth
    response = api_as(citizen).post("/api/v1/comments/", body, content_type="application/json")
    assert response.status_code == 400
    assert "nested" in response.json()["error"]["message"]


def test_ordinary_json_still_parses(api_as, citizen, consultation):
    response = api_as(citizen).post(
        "/api/v1/comments/",
        json.dumps({"consultation": consultation.slug, "body": ""}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "body" in response.json()["error"].get("fields", {})
