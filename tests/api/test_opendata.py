"""Bulk ZIP (public material only, with dictionary and licence) and Web Annotation JSON-LD."""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from comments import services
from comments.demo import polis_comments
from comments.models import Comment
from consultations.models import Section
from responses.models import Answer, Question, Response
from tests.factories import ConsultationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def texts():
    return [c["body"] for c in polis_comments() if len(c["body"]) > 60][:12]


@pytest.fixture
def clause(document):
    return Section.objects.get(document=document, anchor="clause-2")


@pytest.fixture
def material(consultation, document, clause, citizen, other_citizen, texts):
    """Published, pending and rejected comments; consented and unconsented responses; closed."""
    sub = Section.objects.get(document=document, anchor="clause-2-1")
    published = services.comment_create(
        author=citizen,
        consultation=consultation,
        document=document,
        section=sub,
        body=texts[0],
        quote={"exact": "meet the adult's needs", "prefix": "must ", "suffix": " for care"},
    )
    reply = services.comment_create(
        author=other_citizen,
        consultation=consultation,
        document=document,
        section=sub,
        parent=published,
        body=texts[1],
    )
    held = services.comment_create(
        author=other_citizen, consultation=consultation, document=document, section=clause, body=texts[2]
    )
    rejected = services.comment_create(
        author=other_citizen, consultation=consultation, document=document, section=clause, body=texts[3]
    )
    Comment.objects.filter(pk=held.pk).update(status="pending")
    Comment.objects.filter(pk=rejected.pk).update(status="rejected")
    question = Question.objects.create(consultation=consultation, position=1, text="What do you think?")
    for n, consent in enumerate(["named", "none"]):
        r = Response.objects.create(
            consultation=consultation,
            status="submitted",
            consent=consent,
            respondent_type="individual",
            respondent_name=f"Named Person {n}",
            email=f"p{n}@example.net",
            address="2 Mill Lane",
            region="wales",
            submitted_at=timezone.now(),
        )
        Answer.objects.create(response=r, question=question, text=texts[4 + n])
    consultation.opens_at = timezone.now() - timedelta(days=30)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()
    return {"published": published, "reply": reply, "held": held, "rejected": rejected, "sub": sub}


def open_zip(api, consultation) -> zipfile.ZipFile:
    response = api.get(f"/api/v1/consultations/{consultation.slug}/open-data.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_the_zip_has_csv_and_json_of_every_table_a_dictionary_and_the_licence(api, consultation, material):
    names = set(open_zip(api, consultation).namelist())
    for table in (
        "consultation",
        "documents",
        "sections",
        "comments",
        "questions",
        "responses",
        "answers",
        "ideas",
        "ledger",
    ):
        assert {f"{table}.csv", f"{table}.json"} <= names
    assert {"README.txt", "LICENCE.txt", "data-dictionary.csv", "data-dictionary.json"} <= names


def test_the_zip_holds_only_published_comments_and_consented_responses(api, consultation, material, texts):
    zf = open_zip(api, consultation)
    comments = json.loads(zf.read("comments.json"))
    assert {c["id"] for c in comments} == {material["published"].pk, material["reply"].pk}
    everything = b"".join(zf.read(n) for n in zf.namelist()).decode()
    for secret in (texts[2], texts[3], texts[5], "example.net", "example.org", "Mill Lane", "Named Person 1"):
        assert secret not in everything
    assert texts[4] in everything and "Named Person 0" in everything


def test_csv_and_json_agree_and_the_dictionary_names_every_column(api, consultation, material):
    zf = open_zip(api, consultation)
    rows = list(csv.DictReader(io.StringIO(zf.read("comments.csv").decode())))
    as_json = json.loads(zf.read("comments.json"))
    assert [int(r["id"]) for r in rows] == [c["id"] for c in as_json]
    assert rows[0]["quote_exact"] == "meet the adult's needs" and rows[0]["author"] == "Jo Citizen"
    dictionary = json.loads(zf.read("data-dictionary.json"))
    comment_cols = next(t for t in dictionary if t["table"] == "comments")["columns"]
    assert [c["name"] for c in comment_cols] == list(rows[0].keys())
    assert "Open Government Licence v3.0" in zf.read("LICENCE.txt").decode()


def test_no_zip_for_drafts_or_invitation_only_consultations_even_for_the_team(api_as, publisher, team):
    for c in (
        ConsultationFactory(team=team, state="draft"),
        ConsultationFactory(team=team, visibility="invited"),
    ):
        response = api_as(publisher).get(f"/api/v1/consultations/{c.slug}/open-data.zip")
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_bulk_downloads_have_their_own_lower_limit(api, consultation, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "bulk": "1/hour"},
    }
    assert api.get(f"/api/v1/consultations/{consultation.slug}/open-data.zip").status_code == 200
    assert api.get(f"/api/v1/consultations/{consultation.slug}/open-data.zip").status_code == 429
    assert api.get("/api/v1/consultations/").status_code == 200


def test_annotations_anchor_comments_to_their_clause_and_quote(api, document, material):
    response = api.get(f"/api/v1/documents/{document.pk}/annotations.jsonld")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/ld+json")
    body = json.loads(response.content)
    assert body["@context"] == "http://www.w3.org/ns/anno.jsonld" and body["type"] == "AnnotationCollection"
    assert body["total"] == 2 and body["last"] == body["first"]["id"] == f"{body['id']}?page=1"
    assert body["first"]["type"] == "AnnotationPage" and "next" not in body["first"]
    items = {a["id"].rsplit("/", 2)[-2]: a for a in body["first"]["items"]}
    assert set(items) == {str(material["published"].pk), str(material["reply"].pk)}
    top = items[str(material["published"].pk)]
    assert top["type"] == "Annotation" and top["motivation"] == "commenting"
    assert top["creator"] == {"type": "Person", "name": "Jo Citizen"}
    assert top["body"]["type"] == "TextualBody" and top["body"]["value"] == material["published"].body
    target = top["target"]
    # A SpecificResource: the clause page as source, the subsection as a fragment of it, and the quoted
    # words as a refinement within that fragment (not an alternative selector of the same segment).
    assert target["type"] == "SpecificResource"
    source = target["source"]
    assert source["id"].endswith(f"/consultations/{document.consultation.slug}/draft-bill/clause-2/")
    assert (source["type"], source["format"]) == ("Text", "text/html")
    assert target["selector"] == {
        "type": "FragmentSelector",
        "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
        "value": "clause-2-1",
        "refinedBy": {
            "type": "TextQuoteSelector",
            "exact": "meet the adult's needs",
            "prefix": "must ",
            "suffix": " for care",
        },
    }
    reply = items[str(material["reply"].pk)]
    assert reply["motivation"] == "replying" and reply["target"] == top["id"]


def test_the_quote_selector_matches_the_words_on_the_clause_page(api, client, document, material):
    body = json.loads(api.get(f"/api/v1/documents/{document.pk}/annotations.jsonld").content)
    top = next(a for a in body["first"]["items"] if a["motivation"] == "commenting")
    page = html.unescape(client.get(top["target"]["source"]["id"]).content.decode())
    fragment = top["target"]["selector"]
    assert f'id="{fragment["value"]}"' in page
    quote = fragment["refinedBy"]
    assert quote["prefix"] + quote["exact"] + quote["suffix"] in page


def test_a_comment_without_a_quote_has_only_the_fragment(api, document, material, citizen, texts):
    clause = Section.objects.get(document=document, anchor="clause-3")
    plain = Comment.objects.create(
        consultation=document.consultation,
        document=document,
        section=clause,
        author=citizen,
        body=texts[6],
        status="published",
        published_at=timezone.now(),
        path="9999999999/",
    )
    body = json.loads(api.get(f"/api/v1/documents/{document.pk}/annotations.jsonld").content)
    mine = next(a for a in body["first"]["items"] if a["id"].endswith(f"/{plain.pk}/"))
    assert mine["target"]["selector"] == {
        "type": "FragmentSelector",
        "conformsTo": "http://tools.ietf.org/rfc/rfc3986",
        "value": "clause-3",
    }


def test_annotations_come_in_linked_pages(api, document, material, settings, monkeypatch):
    from api.opendata import annotations

    monkeypatch.setattr(annotations, "PAGE_SIZE", 1)
    url = f"/api/v1/documents/{document.pk}/annotations.jsonld"
    collection = json.loads(api.get(url).content)
    assert collection["total"] == 2 and collection["last"].endswith("?page=2")
    assert len(collection["first"]["items"]) == 1 and collection["first"]["next"].endswith("?page=2")
    second = json.loads(api.get(url, {"page": 2}).content)
    assert second["type"] == "AnnotationPage" and second["startIndex"] == 1
    assert second["partOf"]["id"] == collection["id"] and second["prev"].endswith("?page=1")
    assert "next" not in second and len(second["items"]) == 1
    assert second["items"][0]["id"] != collection["first"]["items"][0]["id"]
    past = api.get(url, {"page": 3})
    assert past.status_code == 404 and past.json()["error"]["code"] == "not_found"
    bad = api.get(url, {"page": "two"})
    assert bad.status_code == 400 and "page" in bad.json()["error"]["fields"]


def test_annotations_of_a_draft_document_are_a_404(api, draft_document):
    assert api.get(f"/api/v1/documents/{draft_document.pk}/annotations.jsonld").status_code == 404


def test_a_quote_posted_with_wrong_surroundings_gets_the_clauses_own(api, document, material, citizen, texts):
    """The prefix and suffix come from the poster's browser; the service checks only the quoted words."""
    sub = material["sub"]
    odd = Comment.objects.create(
        consultation=document.consultation,
        document=document,
        section=sub,
        author=citizen,
        body=texts[7],
        status="published",
        published_at=timezone.now(),
        path="9999999998/",
        quote_exact="the adult's needs",
        quote_prefix="nothing like this ",
        quote_suffix=" nor this",
    )
    body = json.loads(api.get(f"/api/v1/documents/{document.pk}/annotations.jsonld").content)
    mine = next(a for a in body["first"]["items"] if a["id"].endswith(f"/{odd.pk}/"))
    quote = mine["target"]["selector"]["refinedBy"]
    assert quote["exact"] == "the adult's needs"
    assert quote["prefix"].endswith("must meet ") and quote["suffix"].startswith(" for care")
    assert quote["prefix"] + quote["exact"] + quote["suffix"] in sub.text


def test_the_ledger_is_in_the_zip_once_the_response_is_published(
    api, consultation, document, material, publisher
):
    from outcomes.models import LedgerEntry

    clause = Section.objects.get(document=document, anchor="clause-2")
    entry = LedgerEntry.objects.create(
        consultation=consultation,
        lineage_key=clause.lineage_key,
        section=clause,
        decision="changed",
        you_said="The duty was unclear.",
        we_did="We reworded subsection (1).",
    )
    entry.comments.set([material["published"], material["rejected"]])
    assert json.loads(open_zip(api, consultation).read("ledger.json")) == []
    consultation.state = "concluded"
    consultation.outcome_published_at = timezone.now()
    consultation.save()
    rows = json.loads(open_zip(api, consultation).read("ledger.json"))
    assert [(r["decision"], r["we_did"], r["comment_ids"]) for r in rows] == [
        ("changed", "We reworded subsection (1).", [material["published"].pk])
    ]


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted_but_json_is_exact(api, consultation, material):
    formula = '=HYPERLINK("http://example.com","Click")'
    Comment.objects.filter(pk=material["published"].pk).update(body=formula)
    zf = open_zip(api, consultation)
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(zf.read("comments.csv").decode()))}
    assert rows[str(material["published"].pk)]["body"] == "'" + formula
    assert rows[str(material["published"].pk)]["reply_count"] == "1"
    as_json = {c["id"]: c for c in json.loads(zf.read("comments.json"))}
    assert as_json[material["published"].pk]["body"] == formula
