"""Rate limits kept in Django's cache (Redis in production, local memory by default): a counter per
person or address whose window opens at its first request (dhdigital.lib.cache.count_hit)."""

from __future__ import annotations

import hashlib

from django.conf import settings

from dhdigital.lib.cache import count_hit


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("Too many requests")
        self.retry_after = retry_after


def parse(rate: str) -> tuple[int, int]:
    """ "10/600" -> (10 requests, per 600 seconds)."""
    count, _, period = rate.partition("/")
    return int(count), int(period or 60)


def hit(scope: str, ident: str, rate: str) -> None:
    """Count one request for `ident` in `scope`; raise RateLimited when over `rate`."""
    limit, period = parse(rate)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:24]  # no raw IPs or ids in the cache keys
    try:
        count, left = count_hit(f"rl:{scope}:{digest}", period)
    except Exception:  # noqa: BLE001 - a cache outage must not stop people commenting
        return
    if count > limit:
        raise RateLimited(retry_after=max(left, 1))


def client_ip(request) -> str:
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def check_comment_rate(*, user, ip: str) -> None:
    hit("comment-user", f"u{user.pk}", getattr(settings, "COMMENT_RATE_PER_USER", "10/600"))
    if ip:
        hit("comment-ip", ip, getattr(settings, "COMMENT_RATE_PER_IP", "30/600"))


def check_action_rate(*, user, ip: str, scope: str) -> None:
    """Reactions and flags: generous, but not unlimited."""
    hit(f"{scope}-user", f"u{user.pk}", getattr(settings, "ACTION_RATE_PER_USER", "120/600"))
    if ip:
        hit(f"{scope}-ip", ip, getattr(settings, "ACTION_RATE_PER_IP", "300/600"))
