"""Personas and shared fixtures. Every role is a fixture; officials belong to `team`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from dhdigital.accounts.models import Role

# The real-browser fixtures (live_url, login, assert_no_axe_violations, screenshot, Chromium launch args) are
# shared by every app's *_browser.py tests, wherever they live under tests/.
from .browser.conftest import *  # noqa: E402,F401,F403
from .factories import ConsultationFactory, TeamFactory, UserFactory, add_member, make_document


def _flush_with_delete() -> None:
    """Tests that commit (`django_db(transaction=True)`, the live server of the browser tests) end with
    Django's `flush`, which on PostgreSQL is one TRUNCATE of every table: about 0.4 s idle and 1 to 4 s on
    a busy 2-core machine, because TRUNCATE swaps every table's and index's files. A test leaves a few
    rows behind, so DELETE FROM every table empties the same tables in a few milliseconds. Django makes
    every foreign key DEFERRABLE INITIALLY DEFERRED, so the order of the DELETEs does not matter (they
    run in one transaction), and the sequences are left alone as Django's TRUNCATE leaves them
    (`reset_sequences=False`). Anything else (reset_sequences, CASCADE) still gets Django's TRUNCATE."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade or not tables:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [f"DELETE FROM {self.quote_name(table)};" for table in tables]  # noqa: S608 - table names

    DatabaseOperations.sql_flush = sql_flush


_flush_with_delete()


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def team(db):
    return TeamFactory()


@pytest.fixture
def other_team(db):
    return TeamFactory()


@pytest.fixture
def anonymous():
    return AnonymousUser()


@pytest.fixture
def citizen(db):
    return UserFactory(email="citizen@example.org", display_name="Jo Citizen")


@pytest.fixture
def other_citizen(db):
    return UserFactory(email="other.citizen@example.org", display_name="Sam Resident")


@pytest.fixture
def unverified_citizen(db):
    return UserFactory(email="unverified@example.org", verified=False)


@pytest.fixture
def moderator(team):
    return add_member(UserFactory(email="moderator@example.org", display_name="Mod"), team, Role.MODERATOR)


@pytest.fixture
def analyst(team):
    return add_member(UserFactory(email="analyst@example.org", display_name="Analyst"), team, Role.ANALYST)


@pytest.fixture
def publisher(team):
    return add_member(
        UserFactory(email="publisher@example.org", display_name="Publisher"), team, Role.PUBLISHER
    )


@pytest.fixture
def outsider_official(other_team):
    """A publisher, but of another team: must not act on `team`'s consultations."""
    return add_member(UserFactory(email="outsider@example.org"), other_team, Role.PUBLISHER)


@pytest.fixture
def superuser(db):
    return UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def consultation(team):
    return ConsultationFactory(team=team)


@pytest.fixture
def document(consultation):
    return make_document(consultation=consultation, clauses=5)


@pytest.fixture
def shared_data():
    from django.conf import settings

    return settings.DATA_DIR


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    """Pages are rendered fresh in tests (the cache, shared Redis in CI, outlives each test's rollback);
    tests/consultations/test_page_cache.py turns it on."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _celery_mode(request):
    """Tasks run in-process, except in tests marked `worker`, which need the real worker that .ci/run starts
    (CELERY_WORKER_RUNNING=1, REDIS_URL and the worker on the test database)."""
    import os

    from dhdigital.celery import app

    if request.node.get_closest_marker("worker"):
        if os.environ.get("CELERY_WORKER_RUNNING") != "1" or not os.environ.get("REDIS_URL"):
            pytest.skip("needs a real Celery worker on Redis (run through .ci/run)")
        app.conf.task_always_eager = False
    else:
        app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = True
