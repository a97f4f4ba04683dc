"""Unique visitors without cookies: daily salted hashes, rolled up into counts and forgotten."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from policycycle.models import DailyVisitorCount, DailyVisitorHash, VisitSalt
from policycycle.visitors import visit_record, visits_roll_up

pytestmark = pytest.mark.django_db


def _get(client, url, ip="198.51.100.7", ua="Mozilla/5.0 (X11; Linux x86_64)"):
    return client.get(url, REMOTE_ADDR=ip, HTTP_USER_AGENT=ua)


def test_a_page_view_is_counted_once_per_visitor_per_day_and_sets_no_cookie(client, consultation):
    url = consultation.get_absolute_url()
    first = _get(client, url)
    _get(client, url)
    _get(client, url, ip="198.51.100.8")
    assert first.status_code == 200
    assert DailyVisitorHash.objects.filter(consultation=consultation).count() == 2
    assert not first.cookies  # no session, no tracking cookie


def test_document_and_clause_pages_count_towards_their_consultation(client, document):
    consultation = document.consultation
    _get(client, document.get_absolute_url(), ip="203.0.113.1")
    _get(client, document.sections.get(anchor="clause-1").get_absolute_url(), ip="203.0.113.2")
    assert DailyVisitorHash.objects.filter(consultation=consultation).count() == 2


def test_no_ip_address_or_user_agent_is_stored(client, consultation):
    _get(client, consultation.get_absolute_url(), ip="198.51.100.77", ua="Mozilla/5.0 Unique-Agent")
    row = DailyVisitorHash.objects.get()
    assert len(row.digest) == 64 and "198.51.100.77" not in row.digest and "Unique" not in row.digest


def test_other_pages_errors_and_bots_are_not_counted(client, consultation):
    _get(client, reverse("consultations:consultation-list"))
    _get(client, "/consultations/no-such-consultation/")
    _get(client, consultation.get_absolute_url(), ua="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.post(consultation.get_absolute_url(), REMOTE_ADDR="198.51.100.9")
    assert DailyVisitorHash.objects.count() == 0


def test_a_draft_consultation_seen_by_its_team_is_not_counted_for_outsiders(client, consultation):
    consultation.state = "draft"
    consultation.save()
    assert _get(client, consultation.get_absolute_url()).status_code == 404
    assert DailyVisitorHash.objects.count() == 0


def test_the_same_visitor_gets_a_different_hash_on_another_day(consultation):
    visit_record(
        consultation_id=consultation.pk,
        ip="192.0.2.1",
        user_agent="UA",
        now=dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC),
    )
    visit_record(
        consultation_id=consultation.pk,
        ip="192.0.2.1",
        user_agent="UA",
        now=dt.datetime(2026, 2, 2, 12, tzinfo=dt.UTC),
    )
    # Making the second day's salt rolled the first day up and forgot its hashes and salt.
    assert list(DailyVisitorCount.objects.values_list("day", "visitors")) == [(dt.date(2026, 2, 1), 1)]
    assert list(DailyVisitorHash.objects.values_list("day", flat=True)) == [dt.date(2026, 2, 2)]
    assert list(VisitSalt.objects.values_list("day", flat=True)) == [dt.date(2026, 2, 2)]


def test_roll_up_keeps_one_count_per_consultation_and_day_and_deletes_the_hashes(consultation, team):
    from tests.factories import ConsultationFactory

    other = ConsultationFactory(team=team)
    day = dt.date(2026, 3, 4)
    for cid, digest in [(consultation.pk, "a"), (consultation.pk, "b"), (other.pk, "a")]:
        DailyVisitorHash.objects.create(consultation_id=cid, day=day, digest=digest)
    VisitSalt.objects.create(day=day, salt="old")
    assert visits_roll_up(before=dt.date(2026, 3, 5)) == 3
    assert dict(DailyVisitorCount.objects.values_list("consultation_id", "visitors")) == {
        consultation.pk: 2,
        other.pk: 1,
    }
    assert not DailyVisitorHash.objects.exists() and not VisitSalt.objects.exists()


def test_roll_up_task_forgets_earlier_days(consultation):
    from policycycle.tasks import visitors_roll_up

    DailyVisitorHash.objects.create(consultation=consultation, day=dt.date(2020, 1, 1), digest="x")
    visitors_roll_up.delay()
    assert DailyVisitorCount.objects.get().visitors == 1


def test_behind_the_proxy_visitors_are_told_apart_by_their_forwarded_address(client, consultation, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.TRUSTED_PROXY_COUNT = 1  # the proxy appends the address it saw: the last entry
    url = consultation.get_absolute_url()
    for forwarded in ("203.0.113.5", "192.0.2.1, 203.0.113.6", "203.0.113.5"):
        client.get(url, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded, HTTP_USER_AGENT="UA")
    assert DailyVisitorHash.objects.count() == 2


def test_the_consultations_own_team_is_not_counted_but_other_signed_in_readers_are(
    client, consultation, moderator, citizen
):
    client.force_login(moderator)
    _get(client, consultation.get_absolute_url(), ip="198.51.100.20")
    assert DailyVisitorHash.objects.count() == 0
    client.force_login(citizen)
    _get(client, consultation.get_absolute_url(), ip="198.51.100.21")
    assert DailyVisitorHash.objects.count() == 1
