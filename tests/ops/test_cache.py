"""The Redis cache clears only its own keys and fails open (dhdigital/lib/cache.py).

Needs a Redis server: REDIS_URL (as in CI), else the machine's default on 127.0.0.1:6379; skipped when none
answers.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
import redis

from dhdigital.lib.cache import ResilientRedisCache

URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"


@pytest.fixture
def raw():
    client = redis.Redis.from_url(URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {URL}")
    return client


def make_cache(prefix: str, location: str = URL) -> ResilientRedisCache:
    return ResilientRedisCache(location, {"KEY_PREFIX": prefix, "OPTIONS": {"socket_connect_timeout": 0.5}})


def test_clear_deletes_this_caches_keys_but_not_queued_tasks_or_other_prefixes(raw):
    tag = uuid.uuid4().hex[:8]
    mine, theirs = make_cache(f"t{tag}a"), make_cache(f"t{tag}b")
    queue = f"queue-{tag}"  # what a Celery queue on the same Redis database looks like: a plain list
    raw.rpush(queue, "task-1", "task-2")
    try:
        for i in range(1200):  # more than one SCAN/DEL batch
            mine.set(f"k{i}", i, 60)
        theirs.set("k0", "kept", 60)

        mine.clear()

        assert mine.get("k0") is None and mine.get("k1199") is None
        assert not list(raw.scan_iter(match=f"t{tag}a:*"))
        assert theirs.get("k0") == "kept"
        assert raw.lrange(queue, 0, -1) == [b"task-1", b"task-2"]
    finally:
        raw.delete(queue)
        theirs.clear()


def test_a_prefix_with_glob_characters_matches_only_itself(raw):
    tag = uuid.uuid4().hex[:8]
    star, plain = make_cache(f"s{tag}*"), make_cache(f"s{tag}x")
    star.set("k", 1, 60)
    plain.set("k", 2, 60)
    star.clear()
    assert star.get("k") is None
    assert plain.get("k") == 2
    plain.clear()


def test_clear_and_reads_fail_open_when_redis_is_unreachable():
    ResilientRedisCache._down_until = 0.0
    dead = make_cache("dead", "redis://127.0.0.1:1/0")  # nothing listens on port 1
    try:
        assert dead.clear() is None
        assert dead.get("anything", "fallback") == "fallback"
    finally:
        ResilientRedisCache._down_until = 0.0


def test_count_hit_counts_within_a_window_that_opens_at_the_first_hit(raw):
    tag = uuid.uuid4().hex[:8]
    cache = make_cache(f"c{tag}")
    try:
        assert [cache.count_hit("k", 60)[0] for _ in range(3)] == [1, 2, 3]
        assert 58 <= cache.count_hit("k", 60)[1] <= 60  # seconds until the window closes
        assert cache.count_hit("other", 60)[0] == 1  # each key counts apart
        raw.expire(cache.make_and_validate_key("k"), 1)  # the window closes ...
        time.sleep(1.1)
        assert cache.count_hit("k", 60)[0] == 1  # ... and the next hit opens a new one
    finally:
        cache.clear()


def test_count_hits_counts_several_windows_in_one_call(raw):
    tag = uuid.uuid4().hex[:8]
    cache = make_cache(f"c{tag}")
    try:
        assert cache.count_hits([]) == []
        first = cache.count_hits([("a", 60), ("b", 600)])
        second = cache.count_hits([("a", 60), ("b", 600), ("a", 60)])
        assert [c for c, _ in first] == [1, 1] and [c for c, _ in second] == [2, 2, 3]
        assert 58 <= second[0][1] <= 60 and 598 <= second[1][1] <= 600  # each its own window
    finally:
        cache.clear()


def test_count_hit_fails_open_when_redis_is_unreachable():
    ResilientRedisCache._down_until = 0.0
    dead = make_cache("dead", "redis://127.0.0.1:1/0")
    try:
        assert dead.count_hit("k", 60) == (0, 0)
        assert dead.count_hits([("k", 60), ("l", 60)]) == [(0, 0), (0, 0)]
    finally:
        ResilientRedisCache._down_until = 0.0


def test_count_hit_without_redis_keeps_the_same_window(settings):
    from django.core.cache import cache

    from dhdigital.lib.cache import count_hit

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    key = f"lm{uuid.uuid4().hex[:8]}"
    assert [count_hit(key, 60)[0] for _ in range(3)] == [1, 2, 3]
    assert 59 <= count_hit(key, 60)[1] <= 60
    assert not hasattr(cache, "count_hit")
