"""Personas and shared fixtures. Every role is a fixture; officials belong to `team`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from dhdigital.accounts.models import Role

# The real-browser fixtures (live_url, login, assert_no_axe_violations, screenshot, Chromium launch args) are
# shared by every app's *_browser.py tests, wherever they live under tests/.
from .browser.conftest import *  # noqa: E402,F401,F403
from .factories import ConsultationFactory, TeamFactory, UserFactory, add_member, make_document


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _forget_process_memos():
    """What a server process remembers between requests (policycycle.visitors) must not outlive the test
    whose database rolled back under it."""
    from policycycle.visitors import memo_reset

    memo_reset()
    yield
    memo_reset()


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
