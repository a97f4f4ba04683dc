"""Denormalised counts stay right when many readers act at once (PostgreSQL: real row locks).

Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>; skipped on SQLite, which serialises
writers anyway."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.db import connection

from comments import services
from comments.models import Comment, Reaction
from tests.factories import UserFactory

from .conftest import post, reply

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not settings.IS_POSTGRES, reason="needs PostgreSQL for concurrent writers"),
]


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connection.close()

    return run


def test_concurrent_reactions_and_replies_keep_counts_exact(citizen, clause, real_texts):
    root = post(citizen, clause, real_texts[0])
    users = [UserFactory() for _ in range(16)]

    @_in_thread
    def act(i: int) -> None:
        user = users[i]
        comment = Comment.objects.get(pk=root.pk)
        services.reaction_set(comment=comment, user=user, value="agree" if i % 3 else "disagree")
        reply(user, comment, real_texts[1 + i % 5], idempotency_key=f"k{i}")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(act, range(16)))
    root.refresh_from_db()
    assert root.agree_count == Reaction.objects.filter(comment=root, value="agree").count() == 10
    assert root.disagree_count == Reaction.objects.filter(comment=root, value="disagree").count() == 6
    assert root.reply_count == Comment.objects.filter(parent=root).count() == 16
