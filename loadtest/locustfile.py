"""Load profile: readers page through a real bill while participants post comments through the API.

Driven by loadtest/run.py, which sets these environment variables:
  LOADTEST_PLAN      JSON file: consultation slug, document id/slug, clause ids and anchors, API tokens
  LOADTEST_ACCEPTED  directory where each locust process appends the idempotency keys the server accepted
  LOADTEST_READ_RPS / LOADTEST_POST_RPS   target rates per user (Poisson arrivals, see poisson_pacing)
Comment text is real (Polis, The Computational Democracy Project, CC BY 4.0).
"""

from __future__ import annotations

import json
import os
import random
import sys
import uuid
from pathlib import Path

import gevent
from locust import events, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from loadtest.pacing import poisson_pacing  # noqa: E402

PLAN = json.loads(Path(os.environ["LOADTEST_PLAN"]).read_text())
ACCEPTED_DIR = Path(os.environ["LOADTEST_ACCEPTED"])
_accepted_file = None


def _accepted():
    global _accepted_file
    if _accepted_file is None:
        ACCEPTED_DIR.mkdir(parents=True, exist_ok=True)
        _accepted_file = (ACCEPTED_DIR / f"accepted-{os.getpid()}.txt").open("a", buffering=1)
    return _accepted_file


@events.quitting.add_listener
def _close(environment, **_kwargs):
    if _accepted_file is not None:
        _accepted_file.close()


class Reader(FastHttpUser):
    """Someone reading the consultation: its page, the document's contents, then clause after clause.
    Each reader is a different visitor (its own User-Agent), as the visitor count sees people."""

    weight = int(os.environ.get("LOADTEST_READERS", "10"))
    wait_time = poisson_pacing(float(os.environ.get("LOADTEST_READ_RPS", "5")))

    def on_start(self):
        self.headers = {"User-Agent": f"Mozilla/5.0 (dhdigital load test reader {uuid.uuid4().hex})"}
        gevent.sleep(self.wait_time.start(self))

    @task(1)
    def consultation_page(self):
        self.client.get(
            f"/consultations/{PLAN['consultation']}/", name="consultation page", headers=self.headers
        )

    @task(2)
    def document_page(self):
        self.client.get(
            f"/consultations/{PLAN['consultation']}/{PLAN['document_slug']}/",
            name="document page",
            headers=self.headers,
        )

    @task(6)
    def clause_page(self):
        anchor = random.choice(PLAN["anchors"])  # noqa: S311 - load generation, not security
        self.client.get(
            f"/consultations/{PLAN['consultation']}/{PLAN['document_slug']}/{anchor}/",
            name="clause page",
            headers=self.headers,
        )


class Participant(FastHttpUser):
    """Someone commenting on clauses through the API, retrying once with the same idempotency key."""

    weight = int(os.environ.get("LOADTEST_POSTERS", "2"))
    wait_time = poisson_pacing(float(os.environ.get("LOADTEST_POST_RPS", "2")))

    def on_start(self):
        self.token = random.choice(PLAN["tokens"])  # noqa: S311 - spread users over the accounts
        gevent.sleep(self.wait_time.start(self))

    @task
    def post_comment(self):
        key = uuid.uuid4().hex
        body = {
            "consultation": PLAN["consultation"],
            "document": PLAN["document"],
            "section": random.choice(PLAN["clauses"]),  # noqa: S311
            "category": "drafting",
            "body": random.choice(PLAN["texts"]),  # noqa: S311
        }
        headers = {"Authorization": f"Token {self.token}", "Idempotency-Key": key}
        for attempt in (1, 2):
            with self.client.post(
                "/api/v1/comments/", json=body, headers=headers, name="post comment", catch_response=True
            ) as resp:
                if resp.status_code in (200, 201):
                    _accepted().write(key + "\n")
                    resp.success()
                    return
                if attempt == 1 and (resp.status_code == 0 or resp.status_code >= 500):
                    resp.failure(f"{resp.status_code}: retried with the same key")
                    continue
                resp.failure(f"{resp.status_code}: {(resp.text or '')[:120]}")
                return
