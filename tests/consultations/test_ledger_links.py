"""The response ledger for questions as well as clauses, linked to the themes and the comments or answers
behind each decision; readers see those links (published comments only, answers only as a count)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment
from insights.models import Theme
from outcomes import selectors as ledger_selectors
from outcomes import services as outcomes
from outcomes.models import LedgerEntry
from responses.models import Answer, Question, Response
from tests.dashboards.conftest import PRIVATE_EMAIL, PRIVATE_NAME, polis_texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(consultation, document, citizen, other_citizen):
    texts = iter(polis_texts(20))
    now = timezone.now()
    clause2 = document.sections.get(anchor="clause-2")
    clause3 = document.sections.get(anchor="clause-3")
    sub = document.sections.get(anchor="clause-2-1")

    def comment(section, author, status="published"):
        body = next(texts)
        return Comment.objects.create(
            consultation=consultation,
            document=document,
            section=section,
            author=author,
            body=body,
            body_html=f"<p>{body}</p>",
            status=status,
            published_at=now if status == "published" else None,
        )

    on_clause = comment(clause2, citizen)
    on_subsection = comment(sub, other_citizen)
    pending = comment(clause2, other_citizen, status="pending")
    elsewhere = comment(clause3, citizen)
    question = Question.objects.create(consultation=consultation, position=1, text="Should clause 2 stay?")
    unanswered = Question.objects.create(consultation=consultation, position=2, text="Anything else?")
    responses = Response.objects.bulk_create(
        [
            Response(
                consultation=consultation,
                status=Response.Status.SUBMITTED,
                submitted_at=now,
                respondent_name=PRIVATE_NAME if i == 0 else "",
                email=PRIVATE_EMAIL if i == 0 else f"r{i}@example.net",
            )
            for i in range(3)
        ]
    )
    answers = Answer.objects.bulk_create(
        [Answer(response=r, question=question, text=next(texts)) for r in responses]
    )
    Answer.objects.create(
        response=Response.objects.create(consultation=consultation, status="draft", email="d@example.net"),
        question=question,
        text="Still a draft, not submitted.",
    )
    theme = Theme.objects.create(
        consultation=consultation, scope=f"clause:{clause2.lineage_key}", label="Cost"
    )
    q_theme = Theme.objects.create(
        consultation=consultation, scope=f"question:{question.pk}", label="Keep it"
    )
    consultation.closes_at = now - timedelta(minutes=1)
    consultation.save()
    return {
        "clause2": clause2,
        "on_clause": on_clause,
        "on_subsection": on_subsection,
        "pending": pending,
        "elsewhere": elsewhere,
        "question": question,
        "unanswered": unanswered,
        "answers": answers,
        "theme": theme,
        "q_theme": q_theme,
    }


ENTRY = {"decision": "changed", "you_said": "It costs too much.", "we_did": "We halved the fee."}


def test_every_answered_question_needs_an_entry_before_the_outcome(consultation, world):
    titles = [f.title for f in outcomes.outcome_check(consultation)]
    assert "No response recorded for question 1: Should clause 2 stay?" in titles
    assert not any("question 2" in t for t in titles)  # nobody answered it
    # the draft is not counted
    assert ledger_selectors.answered_questions(consultation) == {world["question"].pk: 3}


def test_question_entry_links_its_themes_and_answers(client, analyst, consultation, world):
    client.force_login(analyst)
    link = reverse("staff:ledger-question", args=[consultation.slug, world["question"].pk])
    page = client.get(link).content.decode()
    assert "Question 1: Should clause 2 stay?" in page and "Keep it" in page
    assert all(f'value="{a.pk}"' in page for a in world["answers"])
    response = client.post(
        link, {**ENTRY, "themes": [world["q_theme"].pk], "answers": [a.pk for a in world["answers"][:2]]}
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(question=world["question"])
    assert list(entry.themes.all()) == [world["q_theme"]]
    assert set(entry.answers.all()) == set(world["answers"][:2]) and entry.lineage_key == ""
    assert not any("question 1" in f.title for f in outcomes.outcome_check(consultation))
    ledger = client.get(reverse("staff:ledger", args=[consultation.slug])).content.decode()
    questions = ledger.split("data-ledger-questions")[1]
    assert "Should clause 2 stay?" in questions and "Changed" in questions and "Not recorded" not in questions


def test_clause_entry_offers_only_the_clauses_published_comments(client, analyst, consultation, world):
    client.force_login(analyst)
    link = reverse("staff:ledger-entry", args=[consultation.slug, world["clause2"].lineage_key])
    page = client.get(link).content.decode()
    assert f'value="{world["on_clause"].pk}"' in page and f'value="{world["on_subsection"].pk}"' in page
    assert f'value="{world["pending"].pk}"' not in page and f'value="{world["elsewhere"].pk}"' not in page
    refused = client.post(link, {**ENTRY, "comments": [world["elsewhere"].pk]})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    assert not LedgerEntry.objects.exists()


def test_the_service_refuses_links_from_elsewhere(consultation, analyst, world):
    base = {"consultation": consultation, "by": analyst, **ENTRY}
    with pytest.raises(ValidationError, match="published comments on this clause"):
        outcomes.ledger_save(section=world["clause2"], comments=[world["pending"]], **base)
    with pytest.raises(ValidationError, match="themes of this clause or question"):
        outcomes.ledger_save(section=world["clause2"], themes=[world["q_theme"]], **base)
    with pytest.raises(ValidationError, match="cites answers, not comments"):
        outcomes.ledger_save(question=world["question"], comments=[world["on_clause"]], **base)
    with pytest.raises(ValidationError, match="submitted answers to this question"):
        outcomes.ledger_save(question=world["unanswered"], answers=world["answers"][:1], **base)
    assert not LedgerEntry.objects.exists()


def test_readers_see_what_each_decision_rests_on_and_no_personal_data(
    client, analyst, publisher, consultation, world
):
    base = {"consultation": consultation, "by": analyst, **ENTRY}
    outcomes.ledger_save(
        section=world["clause2"],
        themes=[world["theme"]],
        comments=[world["on_clause"], world["on_subsection"]],
        **base,
    )
    outcomes.ledger_save(question=world["question"], answers=world["answers"], **{**base, "we_did": "Kept."})
    outcomes.ledger_save(section=world["elsewhere"].section, **{**base, "decision": "not_changed"})
    Comment.objects.filter(pk=world["on_subsection"].pk).update(status="hidden")  # removed since
    client.force_login(publisher)
    assert (
        client.post(
            reverse("staff:outcome-publish", args=[consultation.slug]),
            {"outcome_summary": "We halved the fee.", "outcome_body": ""},
        ).status_code
        == 302
    )
    client.logout()
    public = client.get(consultation.get_absolute_url()).content.decode()
    questions = public.split("data-question-ledger")[1].split("</table>")[0]
    assert (
        "Should clause 2 stay?" in questions and "Kept." in questions and "Based on 3 answers." in questions
    )
    clause = client.get(world["clause2"].get_absolute_url()).content.decode()
    links = clause.split("data-ledger-links")[1].split("</p>")[0]
    assert "Themes: Cost." in links
    assert reverse("comments:comment-detail", args=[world["on_clause"].pk]) in links
    assert reverse("comments:comment-detail", args=[world["on_subsection"].pk]) not in links
    for page in (public, clause):
        assert PRIVATE_EMAIL not in page and PRIVATE_NAME not in page and "@example.net" not in page


def test_outcome_page_links_each_missing_entry_to_its_form(client, publisher, consultation, world):
    client.force_login(publisher)
    page = client.get(reverse("staff:outcome-publish", args=[consultation.slug])).content.decode()
    assert reverse("staff:ledger-question", args=[consultation.slug, world["question"].pk]) in page
    assert reverse("staff:ledger-entry", args=[consultation.slug, world["clause2"].lineage_key]) in page


@pytest.mark.parametrize("persona, status", [("citizen", 403), ("moderator", 403), ("analyst", 200)])
def test_question_entries_are_for_the_team(client, request, consultation, world, persona, status):
    client.force_login(request.getfixturevalue(persona))
    link = reverse("staff:ledger-question", args=[consultation.slug, world["question"].pk])
    assert client.get(link).status_code == status
    assert client.post(link, ENTRY).status_code in (status, 302 if status == 200 else status)
    assert LedgerEntry.objects.exists() == (status == 200)


def test_a_question_of_another_consultation_is_not_found(client, analyst, consultation, world):
    from tests.factories import ConsultationFactory

    other = ConsultationFactory(team=consultation.team)
    client.force_login(analyst)
    link = reverse("staff:ledger-question", args=[other.slug, world["question"].pk])
    assert client.get(link).status_code == 404
