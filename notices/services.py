"""Recording events, fanning them out to notices, emailing them (straight away, or in the daily digest),
unsubscribing, and email bulletins. Everything that sends runs in the worker (tasks.py): a request only
records an Event row and queues one task on commit."""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from consultations.models import Consultation

from . import content, selectors, tasks, tokens
from .models import Bulletin, Event, Mute, Notice, Preference

logger = logging.getLogger(__name__)

BATCH = 500  # notices written per INSERT, and emails sent per task over one mail connection


def _queue(task, *args) -> None:
    try:
        task.delay(*args)
    except Exception:  # noqa: BLE001 - broker down: the sweep (tasks.sweep) fans the event out later
        logger.warning("could not queue %s%s; the notices sweep will", task.name, args)


def event_record(*, kind: str, key: str, consultation: Consultation, document=None, idea=None, detail=""):
    """Record that something happened (once per key) and queue its fan-out after the commit."""
    event, created = Event.objects.get_or_create(
        key=key,
        defaults={
            "kind": kind,
            "consultation": consultation,
            "document": document,
            "idea": idea,
            "detail": detail,
        },
    )
    if created:
        transaction.on_commit(lambda: _queue(tasks.fan_out, event.pk))
    return event


def _chunks(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def event_fan_out(*, event_id: int) -> int:
    """Write a notice for everyone to tell (in batches) and queue their emails in batches. Idempotent:
    a second run finds the notices written and tells nobody twice. Returns the number of notices."""
    event = Event.objects.select_related("consultation", "document", "idea").get(pk=event_id)
    if event.kind == Event.Kind.NEW_CONSULTATION:
        return _bulletins_fan_out(event)
    users = selectors.recipients(event)
    make = content.for_event(event, users)
    for chunk in _chunks(users):
        rows = []
        for user_id in chunk:
            said = make(user_id)
            rows.append(
                Notice(user_id=user_id, event=event, title=said.title, body=said.body, links=said.links)
            )
        Notice.objects.bulk_create(rows, ignore_conflicts=True)
    Event.objects.filter(pk=event.pk).update(fanned_out_at=timezone.now(), recipients=len(users))
    _queue_emails(event)
    return len(users)


def _queue_emails(event: Event) -> None:
    pending = Notice.objects.filter(event=event, emailed_at__isnull=True)
    # No emails wanted: the notice is on the activity page only.
    pending.filter(user__notice_preference__email=Preference.Email.NONE).update(emailed_at=timezone.now())
    now_ids = list(
        pending.exclude(user__notice_preference__email=Preference.Email.DAILY)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for chunk in _chunks(now_ids):
        _queue(tasks.send_notices, chunk)


def _message(*, to: str, subject: str, template: str, context: dict, unsubscribe: str) -> EmailMessage:
    body = render_to_string(
        template,
        {
            **context,
            "SITE_NAME": settings.SITE_NAME,
            "unsubscribe_url": unsubscribe,
            "activity_url": tokens.absolute(reverse("notices:activity")),
        },
    )
    return EmailMessage(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=body,
        to=[to],
        headers=tokens.unsubscribe_headers(unsubscribe),
    )


def _absolute_links(notice: Notice) -> list[dict]:
    return [{"text": link["text"], "url": tokens.absolute(link["url"])} for link in notice.links]


def notices_send(*, notice_ids: list[int]) -> int:
    """Email these notices (those not emailed yet) over one connection. Returns how many were sent."""
    with transaction.atomic():
        # Locked (a retry or a second worker skips them) and sent once.
        mine = list(
            Notice.objects.select_for_update(skip_locked=True)
            .filter(pk__in=notice_ids, emailed_at__isnull=True)
            .values_list("pk", flat=True)
        )
        notices = list(Notice.objects.filter(pk__in=mine).select_related("user", "event").order_by("pk"))
        messages = [
            _message(
                to=n.user.email,
                subject=n.title,
                template="notices/email/notice.txt",
                context={"notice": n, "links": _absolute_links(n)},
                unsubscribe=tokens.mute_url(n.user_id, n.event.consultation_id),
            )
            for n in notices
        ]
        if messages:
            get_connection().send_messages(messages)
        Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=timezone.now())
    return len(messages)


def digests_send(*, now: datetime | None = None) -> int:
    """One email per person who chose the daily digest, with every notice not yet emailed."""
    now = now or timezone.now()
    users = (
        Notice.objects.filter(
            emailed_at__isnull=True,
            user__notice_preference__email=Preference.Email.DAILY,
            created_at__lte=now,
        )
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user_id in list(users):
        with transaction.atomic():
            mine = list(
                Notice.objects.select_for_update(skip_locked=True)
                .filter(user_id=user_id, emailed_at__isnull=True, created_at__lte=now)
                .values_list("pk", flat=True)
            )
            notices = list(
                Notice.objects.filter(pk__in=mine).select_related("user").order_by("created_at", "pk")
            )
            if not notices:
                continue
            count = len(notices)
            _message(
                to=notices[0].user.email,
                subject=f"{count} update{'s' if count != 1 else ''} on consultations you took part in",
                template="notices/email/digest.txt",
                context={"items": [(n, _absolute_links(n)) for n in notices]},
                unsubscribe=tokens.mute_url(user_id, None),
            ).send()
            Notice.objects.filter(pk__in=[n.pk for n in notices]).update(emailed_at=now)
            Preference.objects.filter(user_id=user_id).update(last_digest_at=now)
            sent += 1
    return sent


def preference_set(*, user, email: str) -> Preference:
    if email not in Preference.Email.values:
        raise ValidationError("Choose how you want to be told")
    pref, _ = Preference.objects.update_or_create(user=user, defaults={"email": email})
    return pref


def mute(*, user_id: int, consultation_id: int | None) -> Mute:
    """Stop emails about one consultation (or, with None, about every consultation)."""
    found, _ = Mute.objects.get_or_create(user_id=user_id, consultation_id=consultation_id)
    return found


def unmute(*, user, consultation_id: int | None) -> None:
    Mute.objects.filter(user=user, consultation_id=consultation_id).delete()


# --- bulletins ------------------------------------------------------------------------------------


def bulletin_subscribe(*, email: str, team=None, topic=None) -> Bulletin:
    """Ask to hear of new consultations from a team or on a topic; nothing is sent until the address
    is confirmed through the link emailed (by the worker). Asking again re-sends the link."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(
            {"email": "Enter an email address in the correct format, like name@example.com"}
        ) from None
    if (team is None) == (topic is None):
        raise ValidationError({"subject": "Choose a department or a topic"})
    try:
        with transaction.atomic():
            bulletin, _ = Bulletin.objects.get_or_create(email=email, team=team, topic=topic)
    except IntegrityError:
        bulletin = Bulletin.objects.get(email=email, team=team, topic=topic)
    if bulletin.unsubscribed_at is not None:
        Bulletin.objects.filter(pk=bulletin.pk).update(unsubscribed_at=None, confirmed_at=None)
        bulletin.unsubscribed_at = bulletin.confirmed_at = None
    if bulletin.confirmed_at is None:
        transaction.on_commit(lambda: _queue(tasks.send_bulletin_confirmation, bulletin.pk))
    return bulletin


def bulletin_send_confirmation(*, bulletin_id: int) -> bool:
    bulletin = Bulletin.objects.select_related("team", "topic").filter(pk=bulletin_id).first()
    if bulletin is None or bulletin.active:
        return False
    confirm = tokens.absolute(
        reverse(
            "notices:bulletin-confirm", kwargs={"token": tokens.bulletin_token(bulletin.pk, confirm=True)}
        )
    )
    _message(
        to=bulletin.email,
        subject=f"Confirm your email alerts: {bulletin.subject}",
        template="notices/email/bulletin_confirm.txt",
        context={"bulletin": bulletin, "confirm_url": confirm},
        unsubscribe=_bulletin_unsubscribe_url(bulletin),
    ).send()
    return True


def bulletin_confirm(*, bulletin: Bulletin) -> Bulletin:
    if bulletin.confirmed_at is None or bulletin.unsubscribed_at is not None:
        bulletin.confirmed_at, bulletin.unsubscribed_at = timezone.now(), None
        bulletin.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return bulletin


def bulletin_unsubscribe(*, bulletin: Bulletin) -> Bulletin:
    if bulletin.unsubscribed_at is None:
        bulletin.unsubscribed_at = timezone.now()
        bulletin.save(update_fields=["unsubscribed_at"])
    return bulletin


def _bulletin_unsubscribe_url(bulletin: Bulletin) -> str:
    return tokens.absolute(
        reverse("notices:bulletin-unsubscribe", kwargs={"token": tokens.bulletin_token(bulletin.pk)})
    )


def _bulletins_fan_out(event: Event) -> int:
    """A new public consultation: queue one email per confirmed address subscribed to its team or one of
    its topics (an address subscribed to both gets one email)."""
    c = event.consultation
    ids: list[int] = []
    if c.is_published and c.visibility == Consultation.Visibility.PUBLIC:
        seen: set[str] = set()
        rows = (
            Bulletin.objects.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)
            .filter(Q(team_id=c.team_id) | Q(topic__in=c.topics.all()))
            .order_by("email", "pk")
            .values_list("pk", "email")
        )
        for pk, email in rows:
            if email not in seen:
                seen.add(email)
                ids.append(pk)
    Event.objects.filter(pk=event.pk).update(fanned_out_at=timezone.now(), recipients=len(ids))
    for chunk in _chunks(ids):
        _queue(tasks.send_bulletins, event.pk, chunk)
    return len(ids)


def bulletins_send(*, event_id: int, bulletin_ids: list[int]) -> int:
    event = Event.objects.select_related("consultation__team").get(pk=event_id)
    c = event.consultation
    bulletins = Bulletin.objects.filter(
        pk__in=bulletin_ids, confirmed_at__isnull=False, unsubscribed_at__isnull=True
    ).select_related("team", "topic")
    messages = [
        _message(
            to=b.email,
            subject=f"New consultation: {c.title}",
            template="notices/email/bulletin.txt",
            context={"bulletin": b, "consultation": c, "link": tokens.absolute(c.get_absolute_url())},
            unsubscribe=_bulletin_unsubscribe_url(b),
        )
        for b in bulletins
    ]
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
