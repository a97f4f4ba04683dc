"""Signed outgoing webhooks for staff integrations: who gets which event, signing, one delivery attempt.

Receivers verify `X-Dhd-Signature: sha256=<hex>`, the HMAC-SHA256 of "<X-Dhd-Timestamp>.<raw body>"
keyed with the webhook's secret, and drop repeats by `X-Dhd-Event-Id` (a delivery may arrive twice).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.request
import uuid
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from insights.models import AnalysisRun

from . import tasks
from .delivery import MAX_ATTEMPTS, backoff_seconds
from .models import Webhook, WebhookDelivery, WebhookEvent

logger = logging.getLogger(__name__)

Status = WebhookDelivery.Status


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """What a receiver does (used in tests and documented for integrators)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


LOCAL_NAMES = ("localhost", "localhost.localdomain")
LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain", ".home.arpa")
PRIVATE_HOST = (
    "Webhooks call addresses on the public internet only: {host} is on this machine or a private, "
    "link-local or reserved network."
)


# IPv6 prefixes whose last 32 bits are an IPv4 address the packet reaches: NAT64's well-known prefix
# (RFC 6052), IPv4-translated addresses (SIIT, RFC 7915) and the deprecated IPv4-compatible ones (::a.b.c.d).
EMBEDS_IPV4_LAST = [ipaddress.ip_network(n) for n in ("64:ff9b::/96", "::ffff:0:0:0/96", "::/96")]
# NAT64 local-use prefix (RFC 8215): translated inside a private network, wherever the IPv4 sits.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address an IPv6 transition form carries (mapped, 6to4, Teredo, NAT64, translated,
    compatible)."""
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo:
        found.extend(ip.teredo)
    if any(ip in net for net in EMBEDS_IPV4_LAST):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def _not_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if not ip.is_global or ip.is_multicast:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64:
            return True
        return any(not v4.is_global or v4.is_multicast for v4 in _embedded_ipv4(ip))
    return False


def host_refusal(host: str | None) -> str:
    """Why a webhook may not call this host ('' when it may): loopback, private, link-local (cloud
    metadata), reserved or multicast addresses, as written or as the name resolves now. A name that does
    not resolve is not refused here: the connection fails on its own. WEBHOOK_ALLOW_PRIVATE_HOSTS lifts
    the rule for development and tests."""
    if settings.WEBHOOK_ALLOW_PRIVATE_HOSTS:
        return ""
    name = (host or "").rstrip(".").lower()
    if not name:
        return "Give the receiver's host name."
    if name in LOCAL_NAMES or name.endswith(LOCAL_SUFFIXES):
        return PRIVATE_HOST.format(host=name)
    try:
        addresses = [str(ipaddress.ip_address(name))]
    except ValueError:
        try:
            addresses = [info[4][0] for info in socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)]
        except (OSError, UnicodeError):
            return ""
    if any(_not_public(a) for a in addresses):
        return PRIVATE_HOST.format(host=name)
    return ""


def _check_url(url: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port out of range
    except ValueError:
        raise ValidationError({"url": ["Enter a valid https:// address."]}) from None
    local = host in ("127.0.0.1", "localhost", "::1") and settings.WEBHOOK_ALLOW_PRIVATE_HOSTS
    if parts.scheme != "https" and not (parts.scheme == "http" and local):
        raise ValidationError({"url": ["Use an https:// address."]})
    if parts.username or parts.password:
        raise ValidationError({"url": ["Leave the user name and password out of the address."]})
    refusal = host_refusal(host)
    if refusal:
        raise ValidationError({"url": [refusal]})


def _check_events(events: list[str]) -> None:
    unknown = set(events) - set(WebhookEvent.values)
    if not events or unknown:
        raise ValidationError({"events": [f"Choose from: {', '.join(WebhookEvent.values)}."]})


@transaction.atomic
def webhook_create(*, team, url: str, events: list[str], by=None, secret: str = "") -> Webhook:
    """Register an endpoint for a team: https to a public address only (plain http to this machine, and
    private addresses, only with WEBHOOK_ALLOW_PRIVATE_HOSTS, for development and tests)."""
    _check_url(url)
    _check_events(events)
    return Webhook.objects.create(
        team=team,
        url=url,
        events=sorted(set(events)),
        created_by=by,
        secret=secret or secrets.token_urlsafe(32),
    )


@transaction.atomic
def webhook_update(
    *,
    webhook: Webhook,
    url: str | None = None,
    events: list[str] | None = None,
    is_active: bool | None = None,
) -> Webhook:
    """Change where a webhook points, what it wants, or switch it off (pending deliveries then fail
    as 'webhook switched off' at their next attempt) and on again."""
    fields = []
    if url is not None and url != webhook.url:
        _check_url(url)
        webhook.url = url
        fields.append("url")
    if events is not None:
        _check_events(events)
        webhook.events = sorted(set(events))
        fields.append("events")
    if is_active is not None and is_active != webhook.is_active:
        webhook.is_active = is_active
        fields.append("is_active")
    if fields:
        webhook.save(update_fields=fields)
    return webhook


def webhooks_dispatch(
    *, event: str, team_id: int, data: dict, event_id: uuid.UUID | None = None
) -> list[WebhookDelivery]:
    """Log one delivery per subscribed webhook of the team and queue each once the transaction commits."""
    hooks = [h for h in Webhook.objects.filter(team_id=team_id, is_active=True) if h.wants(event)]
    if not hooks:
        return []
    event_id = event_id or uuid.uuid4()
    payload = {"id": str(event_id), "event": event, "created_at": timezone.now().isoformat(), "data": data}
    payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(webhook=h, event=event, event_id=event_id, payload=payload) for h in hooks
    )

    def queue() -> None:
        for d in deliveries:
            try:
                tasks.deliver_webhook.delay(d.pk)
            except Exception:  # noqa: BLE001 - broker down: the retry sweep sends it later
                logger.warning("webhook delivery %s not queued; the sweep will retry it", d.pk)

    transaction.on_commit(queue)
    return deliveries


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def webhook_attempt(*, delivery_id: int) -> bool | None:
    """Try one delivery. True: delivered; False: failed this time; None: nothing to do (already
    delivered, failed for good, or the webhook was switched off). Never raises for a bad endpoint."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("webhook")
            .filter(pk=delivery_id, status__in=[Status.PENDING, Status.RETRYING])
            .first()
        )
        if delivery is None:
            return None
        if not delivery.webhook.is_active:
            delivery.status, delivery.last_error = Status.FAILED, "webhook switched off"
            delivery.save(update_fields=["status", "last_error"])
            return None
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            attempts=F("attempts") + 1, last_attempt_at=timezone.now()
        )
    delivery.refresh_from_db()
    refusal = host_refusal(urlsplit(delivery.webhook.url).hostname)
    if refusal:  # the name may resolve elsewhere now than when the webhook was registered
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.FAILED, last_error=f"Not sent. {refusal}"[:500]
        )
        logger.warning("webhook delivery %s refused: private address", delivery.pk)
        return None
    body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
    timestamp = str(int(time.time()))
    request = urllib.request.Request(  # noqa: S310 - webhook_create allows only https (or local http)
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": f"{settings.SITE_NAME}-webhooks/1",
            "X-Dhd-Event": delivery.event,
            "X-Dhd-Event-Id": str(delivery.event_id),
            "X-Dhd-Delivery": str(delivery.pk),
            "X-Dhd-Timestamp": timestamp,
            "X-Dhd-Signature": sign(delivery.webhook.secret, timestamp, body),
        },
    )
    code, error = None, ""
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT_SECONDS) as reply:  # noqa: S310
            code = reply.status
    except urllib.error.HTTPError as exc:
        code, error = exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, OSError, ValueError) as exc:
        error = f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"[:500]
    ok = code is not None and 200 <= code < 300
    now = timezone.now()
    fields = {"response_code": code, "last_error": "" if ok else (error or f"HTTP {code}")}
    if ok:
        fields.update(status=Status.SUCCEEDED, delivered_at=now)
    elif delivery.attempts >= MAX_ATTEMPTS:
        fields.update(status=Status.FAILED)
    else:
        fields.update(status=Status.RETRYING)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    return ok


def deliveries_due(now=None) -> list[int]:
    """Retrying deliveries whose back-off has passed, and pending ones that were never sent (lost task)."""
    now = now or timezone.now()
    due = []
    stale = now - timedelta(minutes=5)
    for d in WebhookDelivery.objects.filter(status__in=[Status.PENDING, Status.RETRYING]).only(
        "pk", "status", "attempts", "last_attempt_at", "created_at"
    ):
        if (
            d.status == Status.PENDING
            and d.created_at <= stale
            or d.status == Status.RETRYING
            and d.last_attempt_at
            and (d.last_attempt_at + timedelta(seconds=backoff_seconds(d.attempts)) <= now)
        ):
            due.append(d.pk)
    return due


RUN_EVENTS = uuid.UUID("5f0e7f3e-4d7c-4b0e-9a53-2f6a2b1c9d10")  # namespace for analysis-run event ids
FINISHED_STATES = ("done", "failed", "cancelled")


def notify_finished_runs(*, now=None, window: timedelta = timedelta(days=1)) -> int:
    """Send `analysis.finished` for runs that ended recently and have not been announced yet.

    The insights app writes run states with bulk updates (no save signals), so finished runs are found
    here, by the beat sweep. Each run's event id is derived from its id, which makes this idempotent."""
    now = now or timezone.now()
    sent = 0
    runs = AnalysisRun.objects.filter(
        state__in=FINISHED_STATES, finished_at__gte=now - window
    ).select_related("consultation")
    subscribed = set(Webhook.objects.filter(is_active=True).values_list("team_id", flat=True))
    for run in runs:
        if run.consultation.team_id not in subscribed:
            continue
        event_id = uuid.uuid5(RUN_EVENTS, f"analysis-run:{run.pk}")
        if WebhookDelivery.objects.filter(event_id=event_id).exists():
            continue
        data = {
            "consultation": {"slug": run.consultation.slug},
            "run": {
                "id": run.pk,
                "state": run.state,
                "engine": run.engine,
                "scope": run.scope,
                "units": run.units_total,
                "finished_at": run.finished_at,
                "error": run.error[:500],
            },
        }
        with transaction.atomic():
            sent += len(
                webhooks_dispatch(
                    event=WebhookEvent.ANALYSIS_FINISHED,
                    team_id=run.consultation.team_id,
                    data=data,
                    event_id=event_id,
                )
            )
    return sent
