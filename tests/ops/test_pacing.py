"""loadtest.pacing: the load test's users send requests as independent people would, at their rate."""

from __future__ import annotations

import random
from collections import Counter

from loadtest.pacing import CATCH_UP_SECONDS, poisson_pacing


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class User:
    pass


def arrivals(users: int, rate: float, seconds: float, *, service: float = 0.02, seed: int = 7):
    """Request times (from 0) of `users` users started together, each request taking `service` seconds
    to answer; one user's requests follow each other, as in locust."""
    clock = Clock()
    wait_time = poisson_pacing(rate, clock=clock, rng=random.Random(seed))
    start = clock.now
    times = []
    for _ in range(users):
        user = User()
        clock.now = start
        at = start + wait_time.start(user)
        while at - start < seconds:
            times.append(at - start)
            clock.now = at + service
            at = clock.now + wait_time(user)
    return sorted(times)


def test_each_user_keeps_its_rate_whatever_the_answer_time():
    for service in (0.01, 0.3):
        times = arrivals(1, rate=2.0, seconds=5000, service=service)
        assert abs(len(times) / 5000 - 2.0) < 0.06, (service, len(times))


def test_users_started_together_do_not_arrive_in_step():
    # 50 participants at 2 posts/s: 100/s on average, so 5 in each 50 ms. Locust's constant_throughput
    # sent them as a burst of about 50 within 300 ms every half second, then nothing.
    times = arrivals(50, rate=2.0, seconds=20)
    assert abs(len(times) / 20 - 100) < 5
    bins = Counter(int(t / 0.05) for t in times)
    per_bin = [bins.get(i, 0) for i in range(400)]
    assert max(per_bin) <= 16  # a Poisson stream of mean 5: never a crowd
    assert sum(1 for n in per_bin if n == 0) < 10  # and never long silences
    first_second = sum(1 for t in times if t < 1)
    assert 70 <= first_second <= 130  # steady from the first second: the first requests are spread too


def test_a_user_behind_catches_up_at_most_one_second_of_requests():
    clock = Clock()
    wait_time = poisson_pacing(5.0, clock=clock, rng=random.Random(3))
    user = User()
    clock.now += wait_time.start(user)
    clock.now += 30  # the server stalled for 30 s on this user's request
    at_once = 0
    while wait_time(user) == 0.0:
        at_once += 1
    assert at_once <= 5.0 * CATCH_UP_SECONDS + 5  # not the 150 requests the 30 s would have held
