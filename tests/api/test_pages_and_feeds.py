"""The usage policy page, the schema and docs, and the Atom feeds."""

from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[str]:
    root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    return [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]


def test_the_usage_policy_states_the_limits_in_force(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "77/min", "user": "900/hour", "ip": "1000/min", "bulk": "5/day"},
    }
    page = client.get("/api/").content.decode()
    assert "up to <strong>77 requests a minute</strong> from one IP address" in page
    assert "<strong>900 requests an hour</strong> for each user" in page
    assert "5 requests a day" in page and "Open Government Licence" in page
    assert "<script>" not in page


def test_the_schema_documents_every_v1_endpoint_and_the_error_body(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert "/api/v1/consultations/" in paths and "/api/v1/comments/" in paths
    assert "/api/v1/documents/{id}/akn.xml" in paths
    for path, operations in paths.items():
        for method, op in operations.items():
            assert op.get("description"), f"{method} {path} has no description"
            assert {"400", "401", "403", "404", "429"} <= set(op["responses"]), (method, path)
            if method in ("post", "patch"):
                assert {"409", "415"} <= set(op["responses"]), (method, path)
    assert "Error" in schema["components"]["schemas"]


def test_the_interactive_docs_load_their_scripts_from_files_not_inline(client):
    page = client.get("/api/docs/").content.decode()
    assert 'id="swagger-ui"' in page and "<script>" not in page and "<style>" not in page
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_the_new_consultations_feed_lists_only_public_ones_newest_first(client, team):
    now = timezone.now()
    ConsultationFactory(team=team, title="Older bill", published_at=now - timedelta(days=3))
    ConsultationFactory(team=team, title="Newer bill", published_at=now - timedelta(days=1))
    ConsultationFactory(team=team, title="Secret draft", state="draft", published_at=None)
    ConsultationFactory(team=team, title="Invited only", visibility="invited")
    response = client.get("/api/feeds/new.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    assert entries(response) == ["Newer bill", "Older bill"]


def test_the_closing_feed_lists_open_consultations_closing_within_two_weeks(client, team):
    now = timezone.now()
    ConsultationFactory(team=team, title="Closes in 3 days", closes_at=now + timedelta(days=3))
    ConsultationFactory(team=team, title="Closes tomorrow", closes_at=now + timedelta(days=1))
    ConsultationFactory(team=team, title="Closes in a month", closes_at=now + timedelta(days=30))
    ConsultationFactory(
        team=team,
        title="Already closed",
        opens_at=now - timedelta(days=20),
        closes_at=now - timedelta(days=1),
    )
    assert entries(client.get("/api/feeds/closing.atom")) == ["Closes tomorrow", "Closes in 3 days"]


def test_the_outcomes_feed_lists_published_government_responses(client, team):
    ConsultationFactory(
        team=team,
        title="Concluded",
        state="concluded",
        outcome_summary="We changed clause 4.",
        outcome_published_at=timezone.now(),
    )
    ConsultationFactory(team=team, title="Closed, no outcome yet", state="closed")
    response = client.get("/api/feeds/outcomes.atom")
    assert entries(response) == ["Concluded"] and "We changed clause 4." in response.content.decode()


def _rfc3339(text: str) -> bool:
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).tzinfo is not None and "T" in text
    except ValueError:
        return False


def _one(el, name: str):
    found = el.findall(f"{ATOM}{name}")
    assert len(found) == 1, f"<{el.tag}> must have exactly one <{name}>, has {len(found)}"
    return found[0]


def test_the_three_feeds_are_valid_atom_with_distinct_ids(client, team):
    """RFC 4287 4.1.1 and 4.1.2: one id, title and updated per feed and per entry; an author on every
    entry when the feed has none; an alternate link or content; absolute ids; RFC 3339 dates."""
    now = timezone.now()
    ConsultationFactory(team=team, title="Care & Support <Bill>", closes_at=now + timedelta(days=2))
    ConsultationFactory(
        team=team,
        title="Care & Support <Bill>",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
        state="concluded",
        outcome_summary="We changed clause 4.",
        outcome_published_at=now,
    )
    feed_ids, entry_ids = set(), set()
    for url in ("/api/feeds/new.atom", "/api/feeds/closing.atom", "/api/feeds/outcomes.atom"):
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"].startswith("application/atom+xml")
        root = ElementTree.fromstring(response.content)  # noqa: S314 - our own feed, in a test
        assert root.tag == f"{ATOM}feed"
        feed_ids.add(_one(root, "id").text)
        assert _one(root, "title").text and _rfc3339(_one(root, "updated").text)
        assert root.find(f"{ATOM}link[@rel='self']").get("href").endswith(url)
        feed_has_author = root.find(f"{ATOM}author") is not None
        entries_here = root.findall(f"{ATOM}entry")
        for entry in entries_here:
            entry_id = _one(entry, "id").text
            assert entry_id.startswith(("http://", "https://")), entry_id
            entry_ids.add(entry_id)
            assert _one(entry, "title").text == "Care & Support <Bill>"
            assert _rfc3339(_one(entry, "updated").text)
            assert feed_has_author or entry.find(f"{ATOM}author/{ATOM}name").text
            assert entry.find(f"{ATOM}link[@rel='alternate']") is not None
        assert entries_here
    assert len(feed_ids) == 3  # every feed is its own feed
    assert len(entry_ids) == 4  # a consultation in two feeds is a different entry in each


def test_an_outcome_entry_links_to_the_outcome(client, team):
    c = ConsultationFactory(
        team=team, state="concluded", outcome_summary="Done.", outcome_published_at=timezone.now()
    )
    root = ElementTree.fromstring(client.get("/api/feeds/outcomes.atom").content)  # noqa: S314
    link = root.find(f"{ATOM}entry/{ATOM}link[@rel='alternate']").get("href")
    assert link.endswith(f"{c.get_absolute_url()}#outcome")


def test_a_public_consultation_page_links_to_its_open_data(client, document):
    consultation = document.consultation
    page = client.get(consultation.get_absolute_url()).content.decode()
    assert f'href="/api/v1/consultations/{consultation.slug}/open-data.zip"' in page
    assert f'href="/api/v1/documents/{document.pk}/akn.xml"' in page
    assert f'href="/api/v1/documents/{document.pk}/annotations.jsonld"' in page
    assert 'rel="alternate" type="application/atom+xml"' in page and 'href="/api/"' in page


def test_an_invitation_only_consultation_page_offers_no_open_data(client, api_as, moderator, team):
    invited = ConsultationFactory(team=team, visibility="invited")
    client.force_login(moderator)
    page = client.get(invited.get_absolute_url()).content.decode()
    assert "open-data.zip" not in page and "Reuse this information" not in page
