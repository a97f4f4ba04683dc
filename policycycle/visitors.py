"""Unique visitors to consultation pages, without cookies or invasive tracking.

For each request to a public consultation page we keep a hash of (salt, day, IP address, user agent).
The salt is random, one per day, and is deleted as soon as the day is over, together with that day's
hashes: all that remains of a past day is one number per consultation (distinct visitors that day).
No cookie is set and nothing is kept that could identify a visitor or follow them across days. So a
person visiting on three days counts three times: the total is "visitor-days", which the evaluation
pages say. The consultation's own team and self-declared robots are not counted.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections import OrderedDict

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from consultations.models import Consultation
from dhdigital.accounts.roles import has_team_role
from dhdigital.lib.client_address import client_ip
from dhdigital.lib.memo import ProcessMemo

from .models import DailyVisitorCount, DailyVisitorHash, VisitSalt

logger = logging.getLogger(__name__)
COUNTED_URL_NAMES = {"consultation-detail", "document-detail", "document-version", "section-detail"}
BOT_MARKERS = ("bot", "crawler", "spider", "slurp", "headlesschrome/healthcheck")


class _Memo:
    """What this process already knows, so that a reader's second page costs no database query: the
    day's salt (it never changes during its day), which consultation a slug is (for a minute), and the
    visitor hashes it has already stored (most recent first out of mind, at most MAX_SEEN). Only ever a
    shortcut: the database's unique constraint is what keeps one row per visitor and day."""

    MAX_SEEN = 20_000
    SLUG_SECONDS = 60.0

    def __init__(self) -> None:
        self.salts: dict[dt.date, str] = {}
        self.slugs = ProcessMemo(seconds=self.SLUG_SECONDS, max_items=1000)
        self.seen: OrderedDict[tuple[int, dt.date, str], None] = OrderedDict()


_memo = _Memo()
_UNKNOWN = object()


def memo_reset() -> None:
    """Forget what this process remembers (tests, whose database rolls back under it)."""
    global _memo
    _memo = _Memo()


def salt_for(day: dt.date) -> str:
    """Today's salt, created on first use; creating it rolls up (and forgets) every earlier day."""
    known = _memo.salts.get(day)
    if known:
        return known
    existing = VisitSalt.objects.filter(day=day).values_list("salt", flat=True).first()
    if not existing:
        try:
            with transaction.atomic():
                VisitSalt.objects.create(day=day, salt=secrets.token_hex(32))
        except IntegrityError:
            pass  # another process created it first
        visits_roll_up(before=day)
        existing = VisitSalt.objects.get(day=day).salt
    _memo.salts = {day: existing}  # only one day is ever current
    return existing


def visitor_digest(*, salt: str, day: dt.date, ip: str, user_agent: str) -> str:
    return hashlib.sha256(f"{salt}|{day.isoformat()}|{ip}|{user_agent}".encode()).hexdigest()


def visit_record(*, consultation_id: int, ip: str, user_agent: str, now: dt.datetime | None = None) -> None:
    """Count one page view towards today's distinct visitors of a consultation."""
    day = timezone.localdate(now)
    digest = visitor_digest(salt=salt_for(day), day=day, ip=ip, user_agent=user_agent)
    seen = _memo.seen
    mark = (consultation_id, day, digest)
    if mark in seen:
        return
    DailyVisitorHash.objects.bulk_create(
        [DailyVisitorHash(consultation_id=consultation_id, day=day, digest=digest)], ignore_conflicts=True
    )
    seen[mark] = None
    if len(seen) > _Memo.MAX_SEEN:
        seen.popitem(last=False)


def _consultation_ids(slug: str) -> tuple[int, int] | None:
    """(pk, team_id) of the consultation with this slug, remembered for a minute."""
    known = _memo.slugs.get(slug, _UNKNOWN)
    if known is not _UNKNOWN:
        return known
    row = Consultation.objects.filter(slug=slug).values_list("pk", "team_id").first()
    _memo.slugs.put(slug, row)  # None too: a slug that is no consultation is not looked up again soon
    return row


@transaction.atomic
def visits_roll_up(*, before: dt.date) -> int:
    """Turn every day before `before` into one count per consultation; delete those hashes and salts."""
    rows = (
        DailyVisitorHash.objects.filter(day__lt=before)
        .values("consultation_id", "day")
        .annotate(n=Count("digest", distinct=True))
    )
    for row in rows:
        count, made = DailyVisitorCount.objects.get_or_create(
            consultation_id=row["consultation_id"], day=row["day"], defaults={"visitors": row["n"]}
        )
        if not made:
            DailyVisitorCount.objects.filter(pk=count.pk).update(visitors=count.visitors + row["n"])
    deleted, _ = DailyVisitorHash.objects.filter(day__lt=before).delete()
    VisitSalt.objects.filter(day__lt=before).delete()
    return deleted


class ConsultationVisitMiddleware:
    """Counts successful GETs of public consultation pages. Sets no cookie, stores no IP address."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        counted = match is not None and match.namespace == "consultations"
        if counted and request.method == "GET" and response.status_code == 200:
            visit_count_page(request, url_name=match.url_name, slug=match.kwargs.get("slug", ""))
        return response


def visit_count_page(request, *, url_name: str, slug: str) -> None:
    """Count a successful GET of a consultations page (also called for pages served from the page cache,
    which answers before this module's middleware is reached). Never raises: counting must never break a
    page."""
    try:
        _count_page(request, url_name=url_name, slug=slug)
    except Exception:  # noqa: BLE001
        logger.warning("Visitor count failed", exc_info=True)


def count_cached_page(sender, *, request, url_name: str, slug: str, **kwargs) -> None:
    """The page cache served a page (dhdigital.lib.pagecache.served_from_cache)."""
    visit_count_page(request, url_name=url_name, slug=slug)


def _count_page(request, *, url_name: str, slug: str) -> None:
    if url_name not in COUNTED_URL_NAMES:
        return
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:400]
    if any(marker in user_agent.lower() for marker in BOT_MARKERS):
        return
    row = _consultation_ids(slug)
    if row is None:
        return
    consultation_id, team_id = row
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and has_team_role(user, team_id):
        return  # the team reading its own consultation is not reach
    visit_record(consultation_id=consultation_id, ip=client_ip(request), user_agent=user_agent)
