"""Emails on replies, decisions and followed clauses, with one-click unsubscribe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from comments import notifications, services
from comments.models import Subscription

from .conftest import post, reply

pytestmark = pytest.mark.django_db


def test_author_is_emailed_when_someone_replies(
    citizen, other_citizen, clause, real_texts, django_capture_on_commit_callbacks
):
    root = post(citizen, clause, real_texts[0])
    with django_capture_on_commit_callbacks(execute=True):
        reply(other_citizen, root, real_texts[1])
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["citizen@example.org"]
    assert "replied" in message.subject
    assert "Sam Resident" in message.body
    assert "other.citizen@example.org" not in message.body  # no email addresses of others
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_replying_to_yourself_sends_nothing(citizen, clause, real_texts, django_capture_on_commit_callbacks):
    root = post(citizen, clause, real_texts[0])
    with django_capture_on_commit_callbacks(execute=True):
        reply(citizen, root, real_texts[1])
    assert mail.outbox == []


def test_held_reply_notifies_only_once_approved(
    clause, citizen, other_citizen, moderator, real_texts, django_capture_on_commit_callbacks
):
    from comments import moderation
    from consultations.models import Consultation

    root = post(citizen, clause, real_texts[0])
    Consultation.objects.filter(pk=clause.document.consultation_id).update(moderation_mode="pre")
    root.consultation.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        r = reply(other_citizen, root, real_texts[1])
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        moderation.comment_moderate(comment=r, by=moderator, decision="approve")
    assert sorted(m.to[0] for m in mail.outbox) == ["citizen@example.org", "other.citizen@example.org"]


def test_clause_followers_get_new_comments_on_its_subsections(
    citizen, other_citizen, clause, subsection, real_texts, django_capture_on_commit_callbacks
):
    services.subscription_follow(user=other_citizen, kind="section", section=clause)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(
            author=citizen,
            consultation=clause.document.consultation,
            document=clause.document,
            section=subsection,
            body=real_texts[0],
        )
    assert [m.to[0] for m in mail.outbox] == ["other.citizen@example.org"]
    assert "New comment on" in mail.outbox[0].subject


def test_daily_digest_collects_the_days_comments_once(
    citizen, other_citizen, clause, real_texts, django_capture_on_commit_callbacks
):
    sub = services.subscription_follow(
        user=other_citizen, kind="consultation", consultation=clause.document.consultation, frequency="daily"
    )
    Subscription.objects.filter(pk=sub.pk).update(created_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        post(citizen, clause, real_texts[0])
        post(citizen, clause, real_texts[1])
    assert mail.outbox == []  # daily followers wait for the digest
    assert notifications.send_daily_digests() == 1
    assert "2 new comments" in mail.outbox[0].subject
    assert notifications.send_daily_digests() == 0


def test_one_click_unsubscribe_by_signed_token(client, other_citizen, clause):
    sub = services.subscription_follow(user=other_citizen, kind="section", section=clause)
    url = reverse("comments:unsubscribe", kwargs={"token": notifications.unsubscribe_token(sub)})
    page = client.get(url)
    assert page.status_code == 200 and Subscription.objects.get(pk=sub.pk).active  # GET only asks
    response = client.post(url)  # what a mail client does for List-Unsubscribe-Post, without CSRF
    assert response.status_code == 200
    assert not Subscription.objects.get(pk=sub.pk).active


def test_tampered_unsubscribe_token_is_refused(client, other_citizen, clause):
    sub = services.subscription_follow(user=other_citizen, kind="section", section=clause)
    token = notifications.unsubscribe_token(sub)
    response = client.post(reverse("comments:unsubscribe", kwargs={"token": token[:-2] + "xx"}))
    assert response.status_code == 400
    assert Subscription.objects.get(pk=sub.pk).active


def test_a_digest_of_more_than_fifty_comments_gives_the_full_number(
    citizen, other_citizen, clause, real_texts
):
    from comments.demo import bulk_threads

    sub = services.subscription_follow(user=other_citizen, kind="section", section=clause, frequency="daily")
    Subscription.objects.filter(pk=sub.pk).update(created_at=timezone.now() - timedelta(days=1))
    bulk_threads(document=clause.document, sections=[clause], authors=[citizen], texts=real_texts, n=60)
    assert notifications.send_daily_digests() == 1
    message = mail.outbox[0]
    assert "60 new comments" in message.subject
    assert "And 10 more:" in message.body and clause.get_absolute_url() in message.body
