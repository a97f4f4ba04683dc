"""Issue 20, item 1: every email has a one-click unsubscribe (RFC 8058) that works without signing in or a
CSRF token and cannot be forged; anyone can subscribe to new consultations from a department or on a
topic, with a confirmed address and no account."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from comments.models import Subscription
from consultations import services
from consultations.models import Consultation, Topic
from notices import tokens
from notices.models import Bulletin, Mute, Notice
from tests.factories import ConsultationFactory, TeamFactory, make_document

from .conftest import comment_on, sent_to

pytestmark = pytest.mark.django_db(transaction=True)


def _unsubscribe_url(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    return header[1:-1]


def test_a_notice_email_has_one_click_unsubscribe_that_needs_no_sign_in(
    publisher, consultation, clause, citizen, settings
):
    settings.SITE_URL = "https://consult.example.gov.uk"
    comment_on(citizen, clause)
    services.consultation_close_early(consultation=consultation, by=publisher, reason="Timetable")
    message = sent_to(citizen.email)[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = _unsubscribe_url(message)
    assert url.startswith("https://consult.example.gov.uk/updates/unsubscribe/")
    # What a mail client does: POST "List-Unsubscribe=One-Click", no cookies, no CSRF token.
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(url.removeprefix(settings.SITE_URL), {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert Mute.objects.filter(user=citizen, consultation=consultation).exists()
    # and the next event about it tells them nothing
    Notice.objects.all().delete()
    consultation.refresh_from_db()
    services.consultation_conclude(
        consultation=consultation, by=publisher, outcome_summary="Done", outcome_body=""
    )
    assert not Notice.objects.filter(user=citizen).exists()


def test_a_forged_or_altered_token_changes_nothing(client, citizen, consultation):
    token = tokens.mute_token(citizen.pk, consultation.pk)
    for bad in (token[:-2] + "xx", "1:" + token.split(":", 1)[1], "not-a-token"):
        response = Client(enforce_csrf_checks=True).post(f"/updates/unsubscribe/{bad}/")
        assert response.status_code == 400
    assert not Mute.objects.exists()


def test_the_link_opened_in_a_browser_asks_before_it_unsubscribes(client, citizen, consultation):
    url = f"/updates/unsubscribe/{tokens.mute_token(citizen.pk, consultation.pk)}/"
    html = client.get(url).content.decode()
    assert "Stop emails about updates to “" in html and 'method="post"' in html
    assert not Mute.objects.exists()


def test_follow_and_reply_emails_keep_their_one_click_unsubscribe(client, citizen, other_citizen, clause):
    from comments import notifications

    sub = Subscription.objects.create(user=other_citizen, kind="section", section=clause)
    comment = comment_on(citizen, clause)
    notifications.notify_new_comment(comment.pk)
    message = sent_to(other_citizen.email)[0]
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = _unsubscribe_url(message).split("://", 1)[1].split("/", 1)[1]
    assert Client(enforce_csrf_checks=True).post("/" + path).status_code == 200
    sub.refresh_from_db()
    assert sub.active is False


@pytest.fixture
def health():
    # transactional tests empty the tables afterwards, the migration's topics included
    return Topic.objects.get_or_create(
        slug="health-and-social-care", defaults={"name": "Health and social care"}
    )[0]


def _subscribe(client, email, subject):
    return client.post("/email-alerts/", {"email": email, "subject": subject})


def _confirm(client, address):
    body = sent_to(address)[-1].body
    link = next(w for w in body.split() if "/email-alerts/confirm/" in w)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert "You are subscribed" not in client.get(path).content.decode()  # a scanner's GET confirms nothing
    assert "You are subscribed" in client.post(path).content.decode()


def _new_consultation(team, publisher, topics=(), **kwargs):
    c = ConsultationFactory(team=team, state=Consultation.State.DRAFT, published_at=None, **kwargs)
    c.topics.set(topics)
    make_document(consultation=c, clauses=1).__class__.objects.filter(consultation=c).update(state="draft")
    mail.outbox = []
    services.consultation_schedule(consultation=c, by=publisher)
    return c


def test_anyone_subscribes_without_an_account_and_hears_only_after_confirming(
    client, team, publisher, health
):
    response = _subscribe(client, "Reader@Example.org", f"topic-{health.pk}")
    assert "Check your email" in response.content.decode()
    bulletin = Bulletin.objects.get()
    assert bulletin.email == "reader@example.org" and bulletin.confirmed_at is None
    assert "Confirm your email alerts" in sent_to("reader@example.org")[0].subject

    _new_consultation(team, publisher, topics=[health])
    assert sent_to("reader@example.org") == []  # not confirmed: nothing

    # asking again sends the link again (the first email was lost, say); then it is confirmed
    client.post("/email-alerts/", {"email": "reader@example.org", "subject": f"topic-{health.pk}"})
    _confirm(client, "reader@example.org")
    c = _new_consultation(team, publisher, topics=[health], slug="second")
    [message] = sent_to("reader@example.org")
    assert message.subject.endswith(f"New consultation: {c.title}")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_one_email_for_an_address_subscribed_to_the_team_and_the_topic(client, team, publisher, health):
    for subject in (f"team-{team.pk}", f"topic-{health.pk}"):
        Bulletin.objects.create(
            email="both@example.org",
            team=team if subject.startswith("team") else None,
            topic=health if subject.startswith("topic") else None,
            confirmed_at="2026-01-01T00:00Z",
        )
    Bulletin.objects.create(
        email="other-team@example.org", team=TeamFactory(), confirmed_at="2026-01-01T00:00Z"
    )
    _new_consultation(team, publisher, topics=[health])
    assert [m.to for m in mail.outbox] == [["both@example.org"]]


def test_nobody_hears_of_an_invitation_only_consultation(team, publisher):
    Bulletin.objects.create(email="fan@example.org", team=team, confirmed_at="2026-01-01T00:00Z")
    _new_consultation(team, publisher, visibility=Consultation.Visibility.INVITED)
    assert mail.outbox == []


def test_bulletin_one_click_unsubscribe_needs_no_sign_in(team, publisher):
    bulletin = Bulletin.objects.create(email="fan@example.org", team=team, confirmed_at="2026-01-01T00:00Z")
    _new_consultation(team, publisher)
    url = _unsubscribe_url(sent_to("fan@example.org")[0])
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert Client(enforce_csrf_checks=True).post(path).status_code == 200
    bulletin.refresh_from_db()
    assert bulletin.unsubscribed_at is not None
    mail.outbox = []
    _new_consultation(team, publisher, slug="another")
    assert mail.outbox == []


def test_a_bad_subscription_gets_a_clear_message_and_saves_nothing(client, health):
    response = _subscribe(client, "not an email", f"topic-{health.pk}")
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    response = _subscribe(client, "reader@example.org", "")
    assert "Choose a department or a topic" in response.content.decode()
    assert not Bulletin.objects.exists() and mail.outbox == []
