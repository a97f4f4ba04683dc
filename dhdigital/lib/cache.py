"""A Redis cache that fails open: when Redis is unreachable, reads miss and writes are dropped.

Redis holds only derived or short-lived data here (page fragments, rate-limit counters, throttle
histories). Losing it for a while must not stop people reading or commenting, so a connection error
is logged once and answered as a cache miss; after one, Redis is not tried again for a few seconds, so
an outage does not add a connect timeout to every request. Rate limits are therefore not enforced
while Redis is down (fail open), which is the lesser harm during a short outage.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5.0
_OUTAGE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)


class ResilientRedisCache(RedisCache):
    _down_until = 0.0  # per process

    def _guard(self, method: str, default, *args, **kwargs):
        now = time.monotonic()
        if now < ResilientRedisCache._down_until:
            return default
        try:
            call = getattr(self, method) if method.startswith("_") else getattr(super(), method)
            return call(*args, **kwargs)
        except _OUTAGE as exc:
            if ResilientRedisCache._down_until == 0.0 or now - ResilientRedisCache._down_until > 60:
                logger.warning("cache unavailable, serving without it: %s", type(exc).__name__)
            ResilientRedisCache._down_until = now + RETRY_AFTER_SECONDS
            return default

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", [], data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        # The missing key and the outage look alike to callers that catch errors: both are "no count".
        return self._guard("incr", 0, key, delta, version)

    def count_hit(self, key: str, seconds: int) -> tuple[int, int]:
        """See `count_hit` below: one pipelined round trip (start the window if new, count, time left)."""
        return self.count_hits([(key, seconds)])[0]

    def count_hits(self, counters: list[tuple[str, int]]) -> list[tuple[int, int]]:
        """`count_hit` for several counters in one round trip."""
        return self._guard("_count_hits", [(0, 0)] * len(counters), counters)

    def _count_hits(self, counters: list[tuple[str, int]]) -> list[tuple[int, int]]:
        if not counters:
            return []
        names = [(self.make_and_validate_key(key), seconds) for key, seconds in counters]
        # Writes go to the first server whatever the key (Django's RedisCache), so one pipeline serves all.
        pipe = self._cache.get_client(names[0][0], write=True).pipeline(transaction=False)
        for name, seconds in names:
            pipe.set(name, 0, ex=seconds, nx=True)  # Django's Redis serializer stores ints as plain ints
            pipe.incr(name)
            pipe.ttl(name)
        replies = pipe.execute()
        return [(int(replies[i + 1]), max(int(replies[i + 2]), 0)) for i in range(0, len(replies), 3)]

    def clear(self):
        """Delete this cache's keys, and only those.

        Django's RedisCache.clear() flushes the whole Redis database. Here that database may also hold
        Celery's queues (one REDIS_URL serves both) or another deployment's cache under another
        KEY_PREFIX, so clearing the cache must never drop queued tasks or other people's keys.
        """
        return self._guard("_clear_own_keys", None)

    def _clear_own_keys(self) -> bool:
        client = self._cache.get_client(write=True)
        # Keys are "<prefix>:<version>:<key>" (Django's default key function); escape the prefix for MATCH.
        prefix = "".join("\\" + c if c in "*?[]\\" else c for c in self.key_prefix)
        batch: list[bytes] = []
        for key in client.scan_iter(match=f"{prefix}:*", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                client.delete(*batch)
                batch.clear()
        if batch:
            client.delete(*batch)
        return True


def count_hit(key: str, seconds: int) -> tuple[int, int]:
    """Count one hit against `key` in a window that opens at its first hit and lasts `seconds`.

    Returns (hits in the window so far, seconds until it closes). A counter, not a list of request times,
    so it costs the same at any rate, and on Redis it is one round trip. When the cache is down it
    answers (0, 0): limits fail open (see the module's text)."""
    return count_hits([(key, seconds)])[0]


def count_hits(counters: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """`count_hit` for each (key, seconds), in one round trip on Redis."""
    from django.core.cache import cache

    counter = getattr(cache, "count_hits", None)
    if counter is not None:
        return counter(counters)
    return [_count_hit_elsewhere(cache, key, seconds) for key, seconds in counters]


def _count_hit_elsewhere(cache, key: str, seconds: int) -> tuple[int, int]:
    """Other backends (local memory when there is no Redis): the window's start is a second key."""
    now = time.time()
    cache.add(f"{key}:opened", now, timeout=seconds)
    cache.add(key, 0, timeout=seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(f"{key}:opened", now, timeout=seconds)
        cache.set(key, 1, timeout=seconds)
        count = 1
    opened = cache.get(f"{key}:opened", now)
    return count, max(int(opened + seconds - now + 0.999), 0)


class OneWaiting:
    """At most one task waiting in the queue per key (a consultation, say), for work that reads everything
    that arrived before it starts: `queue` sends the task unless one is waiting, and the task calls
    `release` before it reads, so what arrives after that queues the next. A claim lapses after `seconds`,
    so a lost task does not hold the next one back for long; with the cache unreachable every claim
    succeeds (tasks are then not spared, but none is lost)."""

    def __init__(self, prefix: str, seconds: int) -> None:
        self.prefix, self.seconds = prefix, seconds

    def _key(self, key) -> str:
        return f"{self.prefix}:{key}"

    def claim(self, key) -> bool:
        """True when no task is waiting for `key` (the caller queues one), False when one is."""
        from django.core.cache import cache

        name = self._key(key)
        return bool(cache.add(name, 1, timeout=self.seconds)) or cache.get(name) is None

    def release(self, key) -> None:
        from django.core.cache import cache

        cache.delete(self._key(key))

    def queue(self, task, key) -> bool:
        """`task.delay(key)` unless one is waiting. Never raises: with the broker down the claim is released
        (the next caller tries again) and False is returned."""
        if not self.claim(key):
            return True
        try:
            task.delay(key)
            return True
        except Exception as exc:  # noqa: BLE001 - kombu raises several kinds of connection errors
            self.release(key)
            logger.warning("task not queued", extra={"task": task.name, "reason": type(exc).__name__})
            return False
