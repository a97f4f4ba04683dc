"""Rate limits kept in Django's cache (Redis in production, local memory by default): a counter per
person or address whose window opens at its first request (dhdigital.lib.cache.count_hits)."""

from __future__ import annotations

import contextlib
import hashlib

from django.conf import settings
from django.core.cache import cache

from dhdigital.lib.cache import count_hits


class RateLimited(Exception):
    def __init__(self, retry_after: int):
        super().__init__("Too many requests")
        self.retry_after = retry_after


def parse(rate: str) -> tuple[int, int]:
    """ "10/600" -> (10 requests, per 600 seconds)."""
    count, _, period = rate.partition("/")
    return int(count), int(period or 60)


def hits(limits: list[tuple[str, str, str]]) -> None:
    """Count one request against each (scope, ident, rate), in order, in one round trip to the cache;
    raise RateLimited when one is over its rate. As if counted one by one: the counters after the first
    one over its rate take their hit back (a person over their own limit does not use up the limit of
    everyone at their address)."""
    parsed = [(scope, ident, *parse(rate)) for scope, ident, rate in limits]
    # no raw IPs or ids in the cache keys
    keys = [
        (f"rl:{scope}:{hashlib.sha256(ident.encode()).hexdigest()[:24]}", period)
        for scope, ident, _, period in parsed
    ]
    try:
        counts = count_hits(keys)
    except Exception:  # noqa: BLE001 - a cache outage must not stop people commenting
        return
    for n, ((count, left), (_, _, limit, _)) in enumerate(zip(counts, parsed, strict=True)):
        if count > limit:
            for key, _ in keys[n + 1 :]:
                _take_back(key)
            raise RateLimited(retry_after=max(left, 1))


def _take_back(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window closed meanwhile: nothing to take back
        cache.decr(key)  # (a cache outage answers 0 here, dhdigital/lib/cache.py)


def check_comment_rate(*, user, ip: str) -> None:
    limits = [("comment-user", f"u{user.pk}", getattr(settings, "COMMENT_RATE_PER_USER", "10/600"))]
    if ip:
        limits.append(("comment-ip", ip, getattr(settings, "COMMENT_RATE_PER_IP", "30/600")))
    hits(limits)


def check_action_rate(*, user, ip: str, scope: str) -> None:
    """Reactions and flags: generous, but not unlimited."""
    limits = [(f"{scope}-user", f"u{user.pk}", getattr(settings, "ACTION_RATE_PER_USER", "120/600"))]
    if ip:
        limits.append((f"{scope}-ip", ip, getattr(settings, "ACTION_RATE_PER_IP", "300/600")))
    hits(limits)
