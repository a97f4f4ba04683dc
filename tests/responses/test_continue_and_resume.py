"""Coming back to a saved response (issue 20, item 8): "Continue your response" and the emailed link go to
the next page still to answer, check answers says "Answer" for what is not answered, and the emails link
to the site's own address."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from responses import services

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"responses:{name}", args=args)


def _about(response):
    services.response_save_about(
        response=response, respondent_type="individual", region="london", consent="anonymous"
    )


@pytest.mark.parametrize(
    "answered,expected",
    [
        ((), 1),
        ((1,), 2),
        ((1, 2), 3),
        ((2,), 3),  # after the last one answered; required question 1 is asked for at check answers
        ((1, 2, 4), None),  # optional question 3 was skipped on purpose: check answers
        ((4,), 1),  # nothing after the last answered: the first required one still unanswered
        ((1, 2, 3, 4), None),
    ],
)
def test_continue_goes_to_the_next_unanswered_question(
    client, formal, questions, citizen, answered, expected
):
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    by_position = {q.position: q for q in questions}
    for position in answered:
        q = by_position[position]
        if q.kind == "text":
            services.answer_save(response=response, question=q, text="An answer with reasons.")
        else:
            services.answer_save(
                response=response, question=q, choices=[q.choices[0] if q.choices else "Agree"]
            )
    client.force_login(citizen)
    r = client.get(url("response-continue", formal.slug))
    assert r.status_code == 302
    want = url("response-question", formal.slug, expected) if expected else url("response-check", formal.slug)
    assert r["Location"] == want


def test_continue_asks_the_about_you_page_still_missing_first(client, formal, questions, citizen):
    response = services.response_start(consultation=formal, user=citizen)
    services.answer_save(response=response, question=questions[0], text="An answer.")
    services.response_save_about(response=response, respondent_type="organisation")
    client.force_login(citizen)
    assert client.get(url("response-continue", formal.slug))["Location"] == url(
        "response-organisation", formal.slug
    )
    services.response_save_about(response=response, organisation_name="Care Providers Ltd")
    assert client.get(url("response-continue", formal.slug))["Location"] == url(
        "response-region", formal.slug
    )


def test_the_consultation_page_offers_continue_and_a_submitted_one_view_or_change(
    client, formal, questions, citizen
):
    response = services.response_start(consultation=formal, user=citizen)
    client.force_login(citizen)
    page = client.get(formal.get_absolute_url()).content.decode()
    assert f'href="{url("response-continue", formal.slug)}"' in page and "Continue your response" in page
    _about(response)
    for q in questions[:2]:
        services.answer_save(
            response=response, question=q, text="Yes.", choices=["Yes"] if q.choices else None
        )
    services.response_submit(response=response)
    page = client.get(formal.get_absolute_url()).content.decode()
    assert f'href="{url("response-check", formal.slug)}"' in page and "View or change your response" in page


def test_check_answers_says_answer_for_what_is_not_answered(client, formal, questions, citizen):
    response = services.response_start(consultation=formal, user=citizen)
    services.response_save_about(response=response, respondent_type="individual")
    services.answer_save(response=response, question=questions[0], text="An answer.")
    client.force_login(citizen)
    html = client.get(url("response-check", formal.slug)).content.decode()
    links = {
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", m)).strip()
        for m in re.findall(r'<a class="govuk-link" href="[^"]*\?check=1">(.*?)</a>', html)
    }
    assert "Change your answer to question 1" in links
    assert {"Answer question 2", "Answer question 3", "Answer question 4"} <= links
    assert "Change how you are responding" in links
    assert {"Answer region", "Answer whether we can publish your response"} <= links
    assert "Change your answer to question 2" not in links


@pytest.mark.parametrize("site_url", ["https://consult.example.gov.uk", "https://consult.example.gov.uk/"])
def test_the_resume_email_links_to_the_sites_own_address(
    client, settings, formal, questions, citizen, django_capture_on_commit_callbacks, site_url
):
    settings.SITE_URL = site_url
    services.response_start(consultation=formal, user=citizen)
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("response-question", formal.slug, 1),
            {"text": "Half done.", "save_later": "1"},
            HTTP_HOST="localhost:8105",  # another address the site answers on
        )
    link = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    assert link.startswith("https://consult.example.gov.uk/responses/resume/")
    path = link.removeprefix("https://consult.example.gov.uk")
    client.logout()
    # the link resumes where the person left off: the "about you" pages come first
    assert client.get(path)["Location"] == url("response-about", formal.slug)
    assert client.get(url("response-about", formal.slug)).status_code == 200  # granted to this browser


def test_the_receipt_links_to_the_sites_own_address(
    client, settings, formal, questions, citizen, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://consult.example.gov.uk/"
    response = services.response_start(consultation=formal, user=citizen)
    _about(response)
    for q in questions[:2]:
        services.answer_save(
            response=response, question=q, text="Yes.", choices=["Yes"] if q.choices else None
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.response_submit(response=response)
    body = mail.outbox[-1].body
    assert f"https://consult.example.gov.uk{url('response-check', formal.slug)}" in body
    assert "gov.uk//" not in body
