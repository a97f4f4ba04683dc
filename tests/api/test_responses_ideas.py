"""Published responses (consent and closing respected), questions, ideas, and analysts' responses."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.demo import polis_comments
from responses.models import Answer, Idea, Question, Response

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def texts():
    return [c["body"] for c in polis_comments() if len(c["body"]) > 60][:10]


@pytest.fixture
def answered(consultation, texts, citizen):
    question = Question.objects.create(consultation=consultation, position=1, text="What do you think?")
    made = {}
    for n, (consent, state) in enumerate(
        [("named", "submitted"), ("anonymous", "submitted"), ("none", "submitted"), ("named", "draft")]
    ):
        response = Response.objects.create(
            consultation=consultation,
            status=state,
            consent=consent,
            respondent_type="individual",
            respondent_name=f"Respondent Person {n}",
            email=f"person{n}@example.net",
            address="1 High Street",
            region="london",
            submitted_at=timezone.now() if state == "submitted" else None,
        )
        Answer.objects.create(response=response, question=question, text=texts[n])
        made[(consent, state)] = response
    return made


def close(consultation):
    consultation.opens_at = timezone.now() - timedelta(days=30)
    consultation.closes_at = timezone.now() - timedelta(minutes=1)
    consultation.save()


def test_no_response_is_published_while_the_consultation_is_open(api, consultation, answered):
    assert api.get(f"/api/v1/consultations/{consultation.slug}/responses/").json()["results"] == []


def test_after_closing_only_consented_submitted_responses_are_published(api, consultation, answered, texts):
    close(consultation)
    response = api.get(f"/api/v1/consultations/{consultation.slug}/responses/")
    results = response.json()["results"]
    assert {r["id"] for r in results} == {
        answered[("named", "submitted")].pk,
        answered[("anonymous", "submitted")].pk,
    }
    labels = {r["label"] for r in results}
    assert "Respondent Person 0" in labels and "Respondent Person 1" not in labels
    raw = response.content.decode()
    assert "example.net" not in raw and "High Street" not in raw and texts[2] not in raw


def test_analysts_get_every_response_with_personal_data(api_as, analyst, consultation, answered):
    body = api_as(analyst).get(f"/api/v1/staff/consultations/{consultation.slug}/responses/").json()
    assert len(body["results"]) == 4
    assert {r["email"] for r in body["results"]} >= {"person2@example.net"}


@pytest.mark.parametrize("persona", ["moderator", "outsider_official", "citizen"])
def test_no_one_else_gets_responses_with_personal_data(request, api_as, persona, consultation, answered):
    response = api_as(request.getfixturevalue(persona)).get(
        f"/api/v1/staff/consultations/{consultation.slug}/responses/"
    )
    assert response.status_code == 403
    assert "example.net" not in response.content.decode()


def test_questions_are_public_with_their_options(api, consultation):
    Question.objects.create(consultation=consultation, position=1, kind="scale", text="Clause 2 is clear.")
    body = api.get(f"/api/v1/consultations/{consultation.slug}/questions/").json()
    assert body[0]["options"][0] == "Strongly agree"


def test_ideas_list_leaves_out_hidden_and_merged_and_shows_votes(api, consultation, citizen, texts):
    consultation.kind = "ideas"
    consultation.save()
    good = Idea.objects.create(
        consultation=consultation,
        author=citizen,
        title="Open data",
        description=texts[0],
        up_votes=9,
        down_votes=1,
        score=0.6,
    )
    Idea.objects.create(
        consultation=consultation, author=citizen, title="Hidden", description=texts[1], status="hidden"
    )
    Idea.objects.create(
        consultation=consultation,
        author=citizen,
        title="Merged",
        description=texts[2],
        status="merged",
        merged_into=good,
    )
    body = api.get(f"/api/v1/consultations/{consultation.slug}/ideas/").json()
    assert [(i["title"], i["up_votes"], i["author"]) for i in body["results"]] == [
        ("Open data", 9, "Jo Citizen")
    ]


def test_the_ledger_is_public_only_once_concluded_and_links_published_comments(
    api, consultation, document, citizen, texts
):
    from comments.models import Comment
    from outcomes.models import LedgerEntry

    clause = document.sections.get(anchor="clause-2")
    shown = Comment.objects.create(
        consultation=consultation,
        document=document,
        section=clause,
        author=citizen,
        body=texts[0],
        status="published",
    )
    held = Comment.objects.create(
        consultation=consultation,
        document=document,
        section=clause,
        author=citizen,
        body=texts[1],
        status="rejected",
    )
    entry = LedgerEntry.objects.create(
        consultation=consultation,
        lineage_key=clause.lineage_key,
        section=clause,
        decision="changed",
        you_said="The duty was unclear.",
        we_did="We reworded subsection (1).",
    )
    entry.comments.set([shown, held])
    url = f"/api/v1/consultations/{consultation.slug}/ledger/"
    assert api.get(url).json() == []
    consultation.state = "concluded"
    consultation.outcome_published_at = timezone.now()
    consultation.save()
    body = api.get(url).json()
    assert [(e["decision"], e["we_did"], e["comments"]) for e in body] == [
        ("changed", "We reworded subsection (1).", [shown.pk])
    ]


def test_a_question_entry_in_the_api_gives_how_many_answers_not_whose(api, consultation, answered):
    from outcomes.models import LedgerEntry
    from responses.models import Answer

    question = Question.objects.get(consultation=consultation)
    entry = LedgerEntry.objects.create(
        consultation=consultation,
        question=question,
        decision="not_changed",
        you_said="Most want it kept.",
        we_did="We kept it.",
    )
    entry.answers.set(Answer.objects.filter(question=question, response__status="submitted"))
    consultation.state = "concluded"
    consultation.outcome_published_at = timezone.now()
    consultation.save()
    response = api.get(f"/api/v1/consultations/{consultation.slug}/ledger/")
    body = response.json()
    assert [(e["question"], e["answer_count"], e["comments"]) for e in body] == [(question.pk, 3, [])]
    text = response.content.decode()
    assert "Respondent Person" not in text and "@example.net" not in text and "High Street" not in text


def test_responses_a_publisher_withheld_are_not_published(api, consultation, answered, publisher):
    from responses.models import ResponsePublication

    close(consultation)
    ResponsePublication.objects.create(
        consultation=consultation, published_at=timezone.now(), withheld=True, published_by=publisher
    )
    assert api.get(f"/api/v1/consultations/{consultation.slug}/responses/").json()["results"] == []
    response = api.get(f"/api/v1/consultations/{consultation.slug}/open-data.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("responses.json")) == [] and json.loads(archive.read("answers.json")) == []
