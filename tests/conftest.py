"""Personas and shared fixtures. Every role is a fixture; officials belong to `team`."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from contextlib import contextmanager, suppress

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from dhdigital.accounts.models import Role

# The real-browser fixtures (live_url, login, assert_no_axe_violations, screenshot, Chromium launch args) are
# shared by every app's *_browser.py tests, wherever they live under tests/.
from .browser.conftest import *  # noqa: E402,F401,F403
from .factories import ConsultationFactory, TeamFactory, UserFactory, add_member, make_document

# Under pytest -n the test processes already keep every core busy; the engine's torch and BLAS thread
# pools (one thread per core each) then only spin and switch against each other. One thread per test
# process measured the same wall time with ~15 % less CPU for the analysis tests. Set before numpy or
# torch is first imported (they read these once; nothing above imports them).
if os.environ.get("PYTEST_XDIST_WORKER"):
    for _threads in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_threads, "1")

# The theme matcher that `make models` may have built in this machine's model cache is not used by the
# tests: they see the packaged model, as CI and a fresh checkout do (tests of the matcher set it back).
os.environ.setdefault("DHD_MATCHER", "packaged")
# Likewise the stance model `make models` builds: tests see the rule-based stance (tests of the learned
# model load one they train themselves).
os.environ.setdefault("DHD_STANCE", "rules")


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


def _static_files_scanned_once() -> None:
    """Django's test client builds the middleware for each client, so every test that makes a request
    made WhiteNoise walk the ~1,400 collected static files and work out each one's headers again (about
    40 ms idle, far more on a busy machine). The files do not change during a run: the scan is kept per
    process, for the same root, prefix and WhiteNoise and static files settings, and each middleware
    gets the same entries the walk would give it."""
    from django.conf import settings
    from whitenoise.base import WhiteNoise

    scan = WhiteNoise.update_files_dictionary
    scans: dict[tuple, dict] = {}

    def update_files_dictionary(self, root, prefix):
        names = sorted(n for n in dir(settings) if n.startswith(("WHITENOISE_", "STATIC")))
        key = (
            type(self),
            root,
            prefix,
            settings.DEBUG,
            repr(settings.STORAGES.get("staticfiles")),
            tuple((n, repr(getattr(settings, n))) for n in names),
        )
        if key not in scans:
            earlier, self.files = self.files, {}
            scan(self, root, prefix)
            scans[key], self.files = self.files, earlier
        self.files.update(scans[key])

    WhiteNoise.update_files_dictionary = update_files_dictionary


_static_files_scanned_once()


class _ColdStart:
    """What a run on a new machine builds before its first tests can run: the migrated template database
    (tests/dbtemplate.py, about 40 CPU seconds of `migrate` while every test process waits for it) and
    the analysis models enrichment trains at first use (the evidence classifier embeds its 6,000 training
    sentences: about 85 CPU seconds, in the first test of each process that enriches a response). Under
    `pytest -n`, the controlling process starts both at the start of the session, so that they run while
    the test processes start and collect the tests (about 30 CPU seconds each) instead of after it, one
    core busy and the other waiting. The test processes wait for what is still being built (an advisory
    lock for the template, a file lock for each model: resources.cached_model), and train no model twice.
    On a machine where both exist this costs a connection and a short subprocess."""

    def __init__(self) -> None:
        self.template: threading.Thread | None = None
        self.models: subprocess.Popen | None = None

    def start(self, config) -> None:
        if getattr(config, "workerinput", None) is not None or not getattr(config.option, "numprocesses", 0):
            return  # a test process itself, or a run without -n
        if config.option.collectonly:
            return
        from django.conf import settings

        from . import dbtemplate

        db = settings.DATABASES["default"]
        if db["ENGINE"].endswith("postgresql"):
            self.template = threading.Thread(
                target=self._ensure, args=(dbtemplate, dict(db)), name="template-database", daemon=True
            )
            self.template.start()
        warm = "from policycycle.analysis import warm; warm.trained() or warm.warm_models()"
        env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        self.models = subprocess.Popen(  # noqa: S603 - this interpreter, a fixed program
            [sys.executable, "-c", warm],
            cwd=dbtemplate.ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    @staticmethod
    def _ensure(dbtemplate, db: dict) -> None:
        with suppress(Exception):  # the test processes try again and report the error
            dbtemplate.ensure(dbtemplate.admin_url(db), db["NAME"])

    def finish(self) -> None:
        if self.models is not None and self.models.poll() is None:
            self.models.terminate()  # a short run that needed no model; a model half trained is not kept
            self.models.wait()
        if self.template is not None:
            self.template.join()  # a template half migrated would be left behind


_cold_start = _ColdStart()


def pytest_sessionstart(session):
    _cold_start.start(session.config)


def pytest_unconfigure(config):
    _cold_start.finish()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On PostgreSQL each test database is a copy of a migrated template (tests/dbtemplate.py)."""
    from django.conf import settings

    from . import dbtemplate

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("postgresql"):
        db.setdefault("TEST", {})["TEMPLATE"] = dbtemplate.ensure(dbtemplate.admin_url(db), db["NAME"])


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fast_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LONG_TASKS_IN_THREAD = False  # in-process long tasks run inline (dhdigital.lib.background)
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


@contextmanager
def shared_rows(django_db_blocker, media_root):
    """For a module-scoped fixture: rows built once and read by many tests. The rows are written in a
    transaction that is rolled back when the fixture ends, and each test (`db`) runs in a savepoint
    inside it that is rolled back after the test, as usual: what one test writes, the next never sees.
    Builds with the settings `_fast_settings` gives a test and in-process tasks; a test reading files
    saved here must set MEDIA_ROOT to `media_root`. Request `django_db_setup` in the fixture so this
    runs on the test database."""
    from django.test import override_settings

    from dhdigital.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(
                PASSWORD_HASHERS=FAST_HASHERS,
                EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                MEDIA_ROOT=media_root,
            ),
            transaction.atomic(),
        ):
            yield
            transaction.set_rollback(True)
    finally:
        app.conf.task_always_eager = eager


def make_persona(name: str, *, team=None, other_team=None):
    """The personas the fixtures below give (officials in `team`; `outsider_official` in `other_team`)."""
    if name == "citizen":
        return UserFactory(email="citizen@example.org", display_name="Jo Citizen")
    if name == "other_citizen":
        return UserFactory(email="other.citizen@example.org", display_name="Sam Resident")
    if name == "unverified_citizen":
        return UserFactory(email="unverified@example.org", verified=False)
    if name == "moderator":
        return add_member(
            UserFactory(email="moderator@example.org", display_name="Mod"), team, Role.MODERATOR
        )
    if name == "analyst":
        return add_member(
            UserFactory(email="analyst@example.org", display_name="Analyst"), team, Role.ANALYST
        )
    if name == "publisher":
        return add_member(
            UserFactory(email="publisher@example.org", display_name="Publisher"), team, Role.PUBLISHER
        )
    if name == "outsider_official":
        return add_member(UserFactory(email="outsider@example.org"), other_team, Role.PUBLISHER)
    if name == "superuser":
        return UserFactory(email="admin@example.org", is_superuser=True, is_staff=True)
    raise ValueError(name)


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
    return make_persona("citizen")


@pytest.fixture
def other_citizen(db):
    return make_persona("other_citizen")


@pytest.fixture
def unverified_citizen(db):
    return make_persona("unverified_citizen")


@pytest.fixture
def moderator(team):
    return make_persona("moderator", team=team)


@pytest.fixture
def analyst(team):
    return make_persona("analyst", team=team)


@pytest.fixture
def publisher(team):
    return make_persona("publisher", team=team)


@pytest.fixture
def outsider_official(other_team):
    """A publisher, but of another team: must not act on `team`'s consultations."""
    return make_persona("outsider_official", other_team=other_team)


@pytest.fixture
def superuser(db):
    return make_persona("superuser")


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
