"""The main flows write their log lines with no personal data: sign-up, failed sign-ins up to a
lockout, posting a comment, submitting a response, and the emailed links that are their own permission.

Every logger is captured at DEBUG (more than production's INFO) through the configured handler, so
whatever Django, allauth, axes or our code logs on the way is in the text searched. Comment and answer
text is real (regulations.gov public comments).
"""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from comments.models import Comment
from responses.models import Question, Response
from tests.factories import UserFactory

IP = "198.51.100.23"
IPV6 = "2001:db8:4:7::1e"


@pytest.fixture
def log_text():
    """Everything written through the console handler while the test runs, every logger at DEBUG."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    old_stream = handler.setStream(buffer)
    root = logging.getLogger()
    old_level = root.level
    root.setLevel(logging.DEBUG)
    quiet = {name: logging.getLogger(name).level for name in ("axes", "django.server")}
    for name in quiet:
        logging.getLogger(name).setLevel(logging.DEBUG)
    cache.clear()
    try:
        yield lambda: buffer.getvalue()
    finally:
        handler.setStream(old_stream)
        root.setLevel(old_level)
        for name, level in quiet.items():
            logging.getLogger(name).setLevel(level)
        cache.clear()


def lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def assert_absent(text: str, *secrets: str) -> None:
    leaked = [s for s in secrets if s and s.lower() in text.lower()]
    where = [line for line in text.splitlines() if any(s.lower() in line.lower() for s in leaked)]
    assert leaked == [], f"personal data in the logs: {leaked}\n" + "\n".join(where[:5])[:3000]


def requests_logged(text: str) -> list[tuple[str, str, int]]:
    return [(x["method"], x["path"], x["status"]) for x in lines(text) if x["logger"] == "dhdigital.request"]


@pytest.fixture
def real_texts(shared_data) -> list[str]:
    import csv

    path = shared_data / "comments" / "regulations_gov" / "text_comments_example.csv"
    with path.open(encoding="utf-8") as fh:
        rows = [r["Text Comment"].split("\nRe:")[0].strip() for r in csv.DictReader(fh)]
    return [r for r in rows if len(r) > 80][:3]


def test_signing_up_logs_no_email_or_address(client, db, log_text):
    email = "alex.morgan.signup@example.org"
    response = client.post(
        reverse("account_signup"),
        {
            "email": email,
            "password1": "violet-harbour-ledger-1912",
            "password2": "violet-harbour-ledger-1912",
        },
        REMOTE_ADDR=IP,
        HTTP_USER_AGENT="Mozilla/5.0 (Alex's phone)",
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1  # the verification email went out, and its link was in it
    key_path = next(w for w in mail.outbox[0].body.split() if "/accounts/confirm-email/" in w)
    confirm = client.get(key_path.split("testserver", 1)[-1], REMOTE_ADDR=IP)
    assert confirm.status_code == 200
    text = log_text()
    assert ("POST", "/accounts/signup/", 302) in requests_logged(text)
    secret = key_path.rstrip("/").rsplit("/", 1)[-1]
    assert_absent(text, email, "alex.morgan", IP, "Alex's phone", secret)
    assert "/accounts/confirm-email/[secret]/" in text


@pytest.fixture
def pat(db):
    return UserFactory(email="pat.lee@example.org", display_name="Pat Lee")


def test_failed_sign_ins_and_the_lockout_log_no_email_or_address(client, pat, log_text, settings):
    user = pat  # created before the capture starts (factory_boy logs what it builds)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        last = client.post(
            reverse("account_login"),
            {"login": user.email, "password": "wrong-password-123"},
            REMOTE_ADDR=IPV6,
        )
    assert last.status_code == 429  # locked out: axes logged its warning on the way
    text = log_text()
    assert [r for r in requests_logged(text) if r[:2] == ("POST", "/accounts/login/")]
    assert any(x["level"] == "WARNING" for x in lines(text))
    assert_absent(text, user.email, "pat.lee", "Pat Lee", IPV6, "2001:db8:4:7")


def test_posting_a_comment_logs_neither_its_author_nor_its_text(
    client, citizen, document, log_text, real_texts, django_capture_on_commit_callbacks
):
    clause = document.sections.get(anchor="clause-1")
    client.force_login(citizen)
    with django_capture_on_commit_callbacks(execute=True):  # enrichment and notifications run too
        response = client.post(
            reverse("comments:comment-create", kwargs={"slug": document.consultation.slug}),
            {
                "document": document.pk,
                "section": clause.pk,
                "target": clause.pk,
                "category": "drafting",
                "body": real_texts[0],
                "idempotency_key": "log-test-1",
            },
            REMOTE_ADDR=IP,
        )
    assert response.status_code == 302
    assert Comment.objects.filter(author=citizen).exists()
    text = log_text()
    assert [r for r in requests_logged(text) if r[0] == "POST" and r[1].startswith("/comments/")]
    assert_absent(text, citizen.email, citizen.display_name, IP, real_texts[0][:60], real_texts[0][-60:])


def test_submitting_a_response_logs_neither_the_respondent_nor_the_answers(
    client, citizen, consultation, log_text, real_texts, django_capture_on_commit_callbacks
):
    consultation.kind = "formal"
    consultation.save(update_fields=["kind"])
    Question.objects.create(consultation=consultation, position=1, kind="text", text="What do you think?")
    slug = consultation.slug
    client.force_login(citizen)

    def url(name, *args):
        return reverse(f"responses:{name}", args=[slug, *args])

    client.post(url("response-start"), REMOTE_ADDR=IP)
    # one question a page: how you respond, then region, then publishing consent
    client.post(url("response-about"), {"respondent_type": "individual"}, REMOTE_ADDR=IP)
    client.post(url("response-region"), {"region": "london"}, REMOTE_ADDR=IP)
    client.post(url("response-consent"), {"consent": "named"}, REMOTE_ADDR=IP)
    client.post(url("response-question", 1), {"text": real_texts[1]}, REMOTE_ADDR=IP)
    with django_capture_on_commit_callbacks(execute=True):  # the receipt email is sent
        done = client.post(url("response-check"), REMOTE_ADDR=IP)
    assert done["Location"] == url("response-receipt")
    response = Response.objects.get(respondent=citizen)
    assert response.status == Response.Status.SUBMITTED and len(mail.outbox) == 1
    text = log_text()
    assert ("POST", url("response-check"), 302) in requests_logged(text)
    assert_absent(text, citizen.email, citizen.display_name, IP, real_texts[1][:60], real_texts[1][-60:])


def test_a_resume_link_is_logged_without_its_token(client, citizen, consultation, log_text):
    from responses.services import resume_token

    response = Response.objects.create(consultation=consultation, respondent=citizen)
    token = resume_token(response)
    client.get(reverse("responses:response-resume", args=[token]))
    text = log_text()
    assert any(p.startswith("/responses/resume/") for _, p, _ in requests_logged(text))
    assert_absent(text, token)
