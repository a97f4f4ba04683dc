"""When each load-test user sends its next request (locust's wait_time)."""

from __future__ import annotations

import random
import time

CATCH_UP_SECONDS = 1.0


def poisson_pacing(rate: float, *, clock=time.monotonic, rng: random.Random | None = None):
    """Each user's requests arrive as a Poisson process of `rate` per second: independent people, whose
    requests together arrive at random moments, not in step.

    Locust's constant_throughput fires every user once per period, and users spawned together stay in
    step: measured here, the 50 participants' posts reached the server as one burst of about 50 in 300 ms
    every half second, then nothing, so each post waited behind the burst (about 150 ms at p50 in the
    load generator, against 12 ms for a post sent on its own during the same run).

    The schedule is kept whatever the server's answer time (an open system, as people arrive), except
    that a user at most one second behind catches up: a stall does not turn into a stampede.
    Call `start` from the user's on_start: its first request, too, comes at a random moment, so all the
    users can start at once and the arrivals are steady from the first second (no ramp-up to leave out of
    the figures). `clock` and `rng` are for tests."""
    draw = (rng or random).expovariate

    def start(user) -> float:
        """Seconds to wait before the user's first request."""
        delay = draw(rate)
        user._next_request_at = clock() + delay
        return delay

    def wait_time(user) -> float:
        now = clock()
        scheduled = getattr(user, "_next_request_at", now)
        scheduled = max(scheduled + draw(rate), now - CATCH_UP_SECONDS)
        user._next_request_at = scheduled
        return max(0.0, scheduled - now)

    wait_time.start = start
    return wait_time
