"""The test suite's settings: the project's own, as on a developer's machine over plain HTTP.

With DEBUG off the project's settings are secure by default (HTTPS redirect, Secure cookies, HSTS, a
SECRET_KEY of the deployment's own). The test client and the live server of the browser tests speak plain
HTTP, so the suite takes the explicit opt-out, PLAIN_HTTP (and with it this checkout's random key in
.secret_key), before the settings are read. Tests of the production defaults run `manage.py` in a
subprocess with an environment of their own (tests/ops/test_security.py)."""

import os

os.environ.setdefault("PLAIN_HTTP", "true")

from dhdigital.settings import *  # noqa: E402,F403

# A test database is thrown away after the run: its commits need not wait for the WAL to reach the disk.
# PostgreSQL's synchronous_commit=off keeps every transaction atomic and consistent and only gives up
# durability of the last few commits on a crash (PostgreSQL manual, "Asynchronous Commit"). The tests that
# commit (the browser tests' live server, transactional tests, their flushes) then no longer wait on fsync.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    _options = DATABASES["default"].setdefault("OPTIONS", {})  # noqa: F405
    _options["options"] = f"{_options.get('options', '')} -c synchronous_commit=off".strip()
