"""Telling 10,000 people that a consultation closed (issue 20): the publisher's request only records the
event and queues one task; the worker writes the notices in batches and sends the emails in batches of
notices.services.BATCH over one mail connection each (Django's in-memory mail backend here)."""

from __future__ import annotations

import time

from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from comments.models import Comment
from consultations.models import Consultation, Document, Section
from dhdigital.accounts.models import Role, Team, TeamMembership
from notices import services, tasks
from notices.models import Event, Notice

PEOPLE = 10_000


def _add(results: dict, name: str, value, unit: str, note: str = "") -> None:
    results[name] = {"value": value, "unit": unit, **({"note": note} if note else {})}
    print(f"  {name}: {value} {unit}{'  (' + note + ')' if note else ''}", flush=True)


def _setup():
    from django.utils import timezone

    User = get_user_model()
    team = Team.objects.create(name="Notices bench team", slug="notices-bench")
    publisher = User.objects.create_user("notices-bench-publisher@example.org", "x")
    TeamMembership.objects.create(team=team, user=publisher, role=Role.PUBLISHER)
    now = timezone.now()
    c = Consultation.objects.create(
        slug="notices-bench",
        title="Notices bench",
        team=team,
        kind="draft_bill",
        state="open",
        opens_at=now - timezone.timedelta(days=7),
        closes_at=now + timezone.timedelta(days=70),
        published_at=now,
    )
    doc = Document.objects.create(
        consultation=c, slug="bill", title="Bill", state="published", source_format="md"
    )
    clauses = Section.objects.bulk_create(
        Section(
            document=doc,
            kind="clause",
            number=str(n),
            heading=f"Heading {n}",
            position=n,
            last_descendant=n,
            anchor=f"clause-{n}",
            lineage_key=f"sec_{n}",
        )
        for n in range(1, 21)
    )
    users = User.objects.bulk_create(
        User(email=f"notices-bench-{i}@example.org", password="!", display_name=f"Person {i}")  # noqa: S106 - unusable
        for i in range(PEOPLE)
    )
    Comment.objects.bulk_create(
        Comment(
            consultation=c,
            document=doc,
            section=clauses[i % len(clauses)],
            author=u,
            body="A comment.",
            status="published",
            path=f"{i + 1:010d}/",
        )
        for i, u in enumerate(users)
    )
    return c, publisher


def run(results: dict) -> None:
    c, publisher = _setup()
    queued: list = []
    real_delay = tasks.fan_out.delay
    tasks.fan_out.delay = lambda *args: queued.append(args)  # the broker: nothing runs in the request
    try:
        client = Client()
        client.force_login(publisher)
        client.get(f"/staff/consultations/{c.slug}/close/")  # warm: the first request loads the views
        start = time.perf_counter()
        response = client.post(f"/staff/consultations/{c.slug}/close/", {"reason": "Bench"})
        request_ms = (time.perf_counter() - start) * 1000
    finally:
        tasks.fan_out.delay = real_delay
    assert response.status_code == 302 and len(queued) == 1, (response.status_code, queued)
    assert Notice.objects.count() == 0
    _add(
        results,
        "notices_close_request_ms",
        round(request_ms, 1),
        "ms",
        f"closing a consultation with {PEOPLE:,} participants: records the event, queues one task",
    )

    event = Event.objects.get(consultation=c)
    sends: list = []
    real_send = tasks.send_notices.delay
    tasks.send_notices.delay = lambda ids: sends.append(ids)
    try:
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            told = services.event_fan_out(event_id=event.pk)
            fan_out_s = time.perf_counter() - start
    finally:
        tasks.send_notices.delay = real_send
    assert told == PEOPLE and Notice.objects.filter(event=event).count() == PEOPLE
    _add(
        results,
        "notices_fan_out_10k_s",
        round(fan_out_s, 2),
        "s",
        f"{PEOPLE:,} notices in {len(ctx.captured_queries)} queries, worker",
    )
    _add(results, "notices_send_batches_10k", len(sends), "tasks", f"{services.BATCH} emails each")

    mail.outbox = []
    start = time.perf_counter()
    for ids in sends:
        services.notices_send(notice_ids=ids)
    send_s = time.perf_counter() - start
    assert len(mail.outbox) == PEOPLE and len({m.to[0] for m in mail.outbox}) == PEOPLE
    _add(
        results,
        "notices_send_10k_s",
        round(send_s, 2),
        "s",
        f"{PEOPLE:,} emails rendered and handed to the mail backend (locmem), worker",
    )
    _add(results, "notices_per_second", round(PEOPLE / (fan_out_s + send_s)), "notices/s", "fan-out and send")
    mail.outbox = []
