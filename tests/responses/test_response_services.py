"""Online responding: answers, required questions, submission, receipts, resume links, closing."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError

from responses import services
from responses.models import Answer, Response

pytestmark = pytest.mark.django_db


def _about(response, **kw):
    data = {"respondent_type": "individual", "region": "london", "consent": "named"} | kw
    return services.response_save_about(response=response, **data)


def _answer_required(response, questions, text):
    services.answer_save(response=response, question=questions[0], text=text)
    services.answer_save(response=response, question=questions[1], choices=["No"])


def test_reference_numbers_are_human_friendly_and_unique(formal, citizen, other_citizen):
    a = services.response_start(consultation=formal, user=citizen)
    b = services.response_start(consultation=formal, user=other_citizen)
    assert re.fullmatch(r"DHD-[2-9A-Z]{4}-[2-9A-Z]{4}", a.reference)
    assert a.reference != b.reference
    with pytest.raises(IntegrityError):
        Response.objects.create(consultation=formal, reference=a.reference)


def test_starting_twice_returns_the_same_draft(formal, citizen):
    first = services.response_start(consultation=formal, user=citizen)
    again = services.response_start(consultation=formal, user=citizen)
    assert first.pk == again.pk and again.status == "draft"


def test_unverified_citizen_cannot_start_a_response(formal, unverified_citizen):
    with pytest.raises(PermissionDenied):
        services.response_start(consultation=formal, user=unverified_citizen)
    assert not Response.objects.exists()


def test_an_invalid_choice_is_refused_and_nothing_is_saved(formal, questions, citizen):
    response = services.response_start(consultation=formal, user=citizen)
    with pytest.raises(ValidationError, match="not one of the options"):
        services.answer_save(response=response, question=questions[1], choices=["Maybe"])
    with pytest.raises(ValidationError, match="only one"):
        services.answer_save(response=response, question=questions[1], choices=["Yes", "No"])
    assert not Answer.objects.exists()


def test_submitting_with_unanswered_required_questions_is_refused(formal, questions, citizen, real_comments):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    services.answer_save(response=response, question=questions[0], text=real_comments[0])
    with pytest.raises(ValidationError) as exc:
        services.response_submit(response=response)
    assert "Answer question 2" in exc.value.messages[0]
    response.refresh_from_db()
    assert response.status == "draft" and response.submitted_at is None
    assert mail.outbox == []


def test_submitting_without_saying_who_you_are_is_refused(formal, questions, citizen, real_comments):
    response = services.response_start(consultation=formal, user=citizen)
    _answer_required(response, questions, real_comments[0])
    with pytest.raises(ValidationError) as exc:
        services.response_submit(response=response)
    assert exc.value.messages == [
        "Say whether you are responding as an individual or for an organisation",
        "Say where you are based",
        "Say whether we can publish your response",
    ]
    _about(response, respondent_type="organisation")
    with pytest.raises(ValidationError, match="Enter the name of your organisation"):
        services.response_submit(response=response)
    assert Response.objects.get(pk=response.pk).status == "draft"


def test_saving_an_unchanged_answer_after_submission_offers_no_resubmission(
    formal, questions, citizen, real_comments
):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    _answer_required(response, questions, real_comments[0])
    services.response_submit(response=response)
    _about(response)
    _answer_required(response, questions, real_comments[0])
    assert not Response.objects.get(pk=response.pk).changed_since_submit
    services.answer_save(response=response, question=questions[1], choices=["Yes"])
    assert Response.objects.get(pk=response.pk).changed_since_submit


def test_respondent_details_are_checked_against_their_choices(formal, citizen):
    response = services.response_start(consultation=formal, user=citizen)
    with pytest.raises(ValidationError, match="not one of the choices"):
        services.response_save_about(response=response, region="atlantis")
    with pytest.raises(ValueError):
        services.response_save_about(response=response, email="someone@example.org")
    assert Response.objects.get(pk=response.pk).region == ""


def test_submission_sends_a_receipt_with_the_reference_and_a_copy_of_the_answers(
    formal, questions, citizen, real_comments, django_capture_on_commit_callbacks
):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    _answer_required(response, questions, real_comments[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(response=response)
    response.refresh_from_db()
    assert response.status == "submitted" and response.submitted_at
    assert len(mail.outbox) == 1
    msg = mail.outbox[0]
    assert msg.to == [citizen.email]
    assert response.reference in msg.subject and response.reference in msg.body
    assert real_comments[0][:60] in msg.body and "Should the rule be repealed?" in msg.body


def test_submitting_an_unchanged_response_again_does_nothing(
    formal, questions, citizen, real_comments, django_capture_on_commit_callbacks
):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    _answer_required(response, questions, real_comments[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(response=response)
        with pytest.raises(services.AlreadySubmitted):
            services.response_submit(response=response)
    assert len(mail.outbox) == 1


def test_a_submitted_response_can_be_changed_and_resubmitted_until_close(
    formal, questions, citizen, real_comments, close, django_capture_on_commit_callbacks
):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    _answer_required(response, questions, real_comments[0])
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(response=response)
        services.answer_save(response=response, question=questions[0], text=real_comments[1])
        response.refresh_from_db()
        assert response.changed_since_submit
        services.response_submit(response=response)
    assert len(mail.outbox) == 2 and real_comments[1][:50] in mail.outbox[1].body
    close()
    response.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.answer_save(response=response, question=questions[0], text="Too late")
    assert Answer.objects.get(response=response, question=questions[0]).text == real_comments[1]


def test_submitting_after_close_is_refused_even_if_the_state_still_says_open(
    formal, questions, citizen, real_comments, close
):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    _answer_required(response, questions, real_comments[0])
    close()
    assert formal.state == "open"
    response.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.response_submit(response=response)
    response.refresh_from_db()
    assert response.status == "draft"


def test_every_submitted_text_answer_is_queued_for_analysis(
    formal, questions, citizen, real_comments, enrichment_calls, django_capture_on_commit_callbacks
):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    _answer_required(response, questions, real_comments[0])
    services.answer_save(response=response, question=questions[3], choices=["Agree"], text=real_comments[2])
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(response=response)
    text_answers = set(Answer.objects.filter(response=response).exclude(text="").values_list("pk", flat=True))
    assert {pk for kind, pk in enrichment_calls if kind == "answer"} == text_answers
    assert len(text_answers) == 2


def test_a_resume_link_names_one_response_and_cannot_be_forged(formal, citizen, other_citizen):
    mine = services.response_start(consultation=formal, user=citizen)
    theirs = services.response_start(consultation=formal, user=other_citizen)
    token = services.resume_token(mine)
    assert services.response_from_token(token).pk == mine.pk
    forged = token.replace(token.split(":")[0], services.resume_token(theirs).split(":")[0])
    assert services.response_from_token(forged) is None
    assert services.response_from_token(token + "x") is None
    mine.resume_secret = "rotated"
    mine.save(update_fields=["resume_secret"])
    assert services.response_from_token(token) is None


def test_saving_for_later_emails_a_working_resume_link(formal, citizen, django_capture_on_commit_callbacks):
    response = services.response_start(consultation=formal, user=citizen)
    with django_capture_on_commit_callbacks(execute=True):
        services.response_save_for_later(response=response)
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/responses/resume/(\S+)/", mail.outbox[0].body)
    assert link and services.response_from_token(link.group(1)).pk == response.pk


def test_a_respondent_banned_after_starting_cannot_submit(formal, questions, citizen, real_comments):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    _answer_required(response, questions, real_comments[0])
    citizen.status = "banned"
    citizen.save(update_fields=["status"])
    with pytest.raises(PermissionDenied):
        services.response_submit(response=response)
    response.refresh_from_db()
    assert response.status == "draft"


def test_an_answered_question_keeps_its_type_and_the_options_people_chose(
    formal, questions, citizen, publisher
):
    response = services.response_start(consultation=formal, user=citizen)
    services.answer_save(response=response, question=questions[1], choices=["No"])
    with pytest.raises(ValidationError, match="type cannot change"):
        services.question_update(question=questions[1], by=publisher, kind="text")
    with pytest.raises(ValidationError, match="People chose “No”"):
        services.question_update(question=questions[1], by=publisher, choices=["Yes", "Don't know"])
    questions[1].refresh_from_db()
    assert questions[1].kind == "single" and questions[1].choices == ["Yes", "No", "Don't know"]
    # Rewording and adding an option are fine.
    services.question_update(
        question=questions[1],
        by=publisher,
        text="Should the rule be repealed or replaced?",
        choices=["Yes", "No", "Don't know", "Replace it"],
    )
    questions[1].refresh_from_db()
    assert questions[1].choices[-1] == "Replace it"
    # Unanswered questions can still change type.
    services.question_update(question=questions[2], by=publisher, kind="single", choices=["A", "B"])
