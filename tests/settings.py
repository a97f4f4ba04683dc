"""The test suite's settings: the project's own, as on a developer's machine over plain HTTP.

With DEBUG off the project's settings are secure by default (HTTPS redirect, Secure cookies, HSTS, a
SECRET_KEY of the deployment's own). The test client and the live server of the browser tests speak plain
HTTP, so the suite takes the explicit opt-out, PLAIN_HTTP (and with it this checkout's random key in
.secret_key), before the settings are read. Tests of the production defaults run `manage.py` in a
subprocess with an environment of their own (tests/ops/test_security.py)."""

import os

os.environ.setdefault("PLAIN_HTTP", "true")

from dhdigital.settings import *  # noqa: E402,F403
