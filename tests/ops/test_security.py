"""Security settings as deployed: `check --deploy`, headers, sign-in lockout, password rules."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(64),
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_COOKIES": "true",
    "SECURE_SSL_REDIRECT": "true",
    "ALLOWED_HOSTS": "consult.example.gov.uk",
    "CSRF_TRUSTED_ORIGINS": "https://consult.example.gov.uk",
    "BEHIND_PROXY": "true",
    "LOG_LEVEL": "ERROR",
}


# What a process needs to run at all; every setting comes from the test's own `env`, not from the
# environment the suite runs in (which opts out of the production defaults: tests/settings.py).
BARE = ("PATH", "HOME", "LANG", "DHDIGITAL_SHARED_DATA")


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run([sys.executable, "manage.py", *args], env)


def _run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={
            **{k: v for k, v in os.environ.items() if k in BARE},
            "DJANGO_SETTINGS_MODULE": "dhdigital.settings",
            **env,
        },
    )


def test_deploy_check_is_clean_under_production_settings():
    proc = _manage("check", "--deploy", env=PRODUCTION_ENV)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]  # no errors at all
    issues = re.findall(r"\(([a-z_]+\.[EW]\d+)\)", output)
    # drf-spectacular's W001 is about OpenAPI component naming, not deployment; every other warning,
    # and any security, axes or CSP one, fails the check.
    assert [i for i in issues if not i.startswith("drf_spectacular.")] == [], output[-3000:]


def test_deploy_check_is_clean_with_only_debug_off_a_secret_key_and_the_hosts():
    """Secure is the default whenever DEBUG is off: HTTPS redirect, Secure cookies, HSTS (issue 16,
    finding 14: W004, W008, W012 and W016 were reported with these three variables alone)."""
    env = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "consult.example.gov.uk",
    }
    proc = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert re.findall(r"\(([a-z_]+\.[EW]\d+)\)", output) == [], output[-3000:]


def test_plain_http_on_your_own_machine_is_an_explicit_opt_out():
    env = {"DEBUG": "false", "PLAIN_HTTP": "true", "ALLOWED_HOSTS": "127.0.0.1"}
    proc = _manage("check", "--deploy", "--tag", "security", env=env)
    output = proc.stdout + proc.stderr
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in output, output[-3000:]
    assert "security.W009" not in output  # this checkout's own random key, not a published one


PUBLISHED_KEYS = [
    "",
    # the placeholder a deployment copies from .env.example and may forget to change
    next(
        line.split("=", 1)[1]
        for line in (ROOT / ".env.example").read_text().splitlines()
        if line.startswith("SECRET_KEY=")
    ),
    "django-insecure-" + "k" * 50,
]


@pytest.mark.parametrize("key", PUBLISHED_KEYS, ids=["unset", "env.example", "django-insecure"])
@pytest.mark.parametrize(
    "start",
    [
        ["manage.py", "check", "--deploy"],
        ["-c", "import dhdigital.wsgi"],  # gunicorn, and runserver, which loads the same application
        ["-m", "celery", "-A", "dhdigital", "report"],
    ],
    ids=["manage.py", "wsgi", "celery"],
)
def test_with_debug_off_the_portal_refuses_to_start_without_a_real_secret_key(key, start):
    """Issue 16, finding 5: a published default key was used silently, and with it email confirmation
    links could be forged. Commands that serve and sign nothing still run (the next test)."""
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "consult.example.gov.uk"}
    if key:
        env["SECRET_KEY"] = key
    proc = _run([sys.executable, *start], env)
    assert proc.returncode != 0
    assert "SECRET_KEY is not set, or is a published placeholder" in proc.stderr


def test_commands_that_serve_nothing_run_without_a_key():
    """makemigrations and collectstatic in a checkout with no key and no PLAIN_HTTP (a fresh clone, a
    build step) sign nothing: they run, with an empty key."""
    env = {"DEBUG": "false", "ALLOWED_HOSTS": "consult.example.gov.uk"}
    proc = _run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "No changes detected" in proc.stdout


def test_the_local_key_is_random_private_and_the_same_for_every_process(tmp_path):
    from django.core.exceptions import ImproperlyConfigured

    from dhdigital.lib.secret_key import secret_key

    first = secret_key("", local=True, checkout=tmp_path)
    assert len(first) >= 50 and first == secret_key("", local=True, checkout=tmp_path)
    assert (tmp_path / ".secret_key").stat().st_mode & 0o777 == 0o600
    assert secret_key("change-me-please", local=True, checkout=tmp_path) == first
    assert secret_key("a-real-key-" + "r" * 50, local=False, checkout=tmp_path) == "a-real-key-" + "r" * 50
    with pytest.raises(ImproperlyConfigured):
        secret_key("", local=False, checkout=tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    assert secret_key("", local=True, checkout=other) != first


def test_deploy_check_fails_with_the_development_defaults():
    """The same check catches a deployment that forgot its production settings."""
    proc = _manage(
        "check",
        "--deploy",
        "--tag",
        "security",
        env={"DEBUG": "true", "SECRET_KEY": "", "LOG_LEVEL": "ERROR"},
    )
    output = proc.stdout + proc.stderr
    assert "security.W004" in output  # HSTS not set
    assert "security.W012" in output  # session cookie not secure
    assert "security.W018" in output  # DEBUG on


@pytest.mark.django_db
def test_pages_send_the_security_headers(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    response = client.get(reverse("account_login"), secure=True)
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp


@pytest.mark.django_db
def test_production_cookies_are_secure_and_http_only(client, settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    user = UserFactory(email="cookie.test@example.org")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}, secure=True)
    assert response.status_code == 302
    session = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session["secure"] and session["httponly"]
    assert response.cookies["csrftoken"]["secure"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth's own sign-in rate limits live in the cache; start each test with none used."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def lockable(db):
    user = UserFactory(email="lock.me@example.org")
    yield user
    axes_reset(username=user.email)


def _fail(client, email: str):
    return client.post(reverse("account_login"), {"login": email, "password": "wrong-password-123"})


def test_five_wrong_passwords_lock_the_account_with_an_explanation(client, lockable, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _fail(client, lockable.email).status_code == 200  # the form again, with its error
    locked = _fail(client, lockable.email)
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many attempts to sign in" in body
    assert "15 minutes" in body
    assert "reset your password" in body
    assert lockable.email not in body


def test_a_locked_account_refuses_even_the_right_password(client, lockable, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, lockable.email)
    response = client.post(reverse("account_login"), {"login": lockable.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_counts_the_address_whatever_its_case(client, lockable, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, lockable.email.upper() if n % 2 else lockable.email)
    assert AccessAttempt.objects.filter(username=lockable.email).get().failures_since_start == 5


def test_an_administrator_can_lift_a_lockout(client, lockable, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, lockable.email)
    axes_reset(username=lockable.email)
    response = client.post(reverse("account_login"), {"login": lockable.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lockable.pk)


def test_other_accounts_are_not_locked_by_someone_elses_failures(client, lockable, settings):
    other = UserFactory(email="not.locked@example.org")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _fail(client, lockable.email)
    response = client.post(reverse("account_login"), {"login": other.email, "password": PASSWORD})
    assert response.status_code == 302


def test_failed_sign_ins_record_no_access_log_of_successful_ones(client, lockable):
    from axes.models import AccessLog

    client.post(reverse("account_login"), {"login": lockable.email, "password": PASSWORD})
    assert AccessLog.objects.count() == 0


def test_test_client_login_still_works_without_a_request(client, db):
    user = UserFactory(email="programmatic@example.org")
    assert client.login(email=user.email, password=PASSWORD)


@pytest.mark.parametrize(
    ("password", "reason"),
    [("short1", "too short"), ("password123", "too common"), ("12345678901234", "entirely numeric")],
)
def test_weak_passwords_are_refused(password, reason):
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password)
    assert reason in " ".join(excinfo.value.messages)


def test_a_long_unusual_passphrase_is_accepted():
    assert validate_password("violet-harbour-ledger-1912") is None


# --- CSP: nothing inline anywhere ------------------------------------------------------------------------

INLINE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style= attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "on* event handler attribute"),
    (re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I), "javascript: URL"),
]
TEMPLATE_COMMENTS = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.S)
# A self-contained file for download (and WeasyPrint's source for the PDF): opened from disk, never
# served as a page under the site's CSP, so its styles are inside it.
STANDALONE_FILES = {"dashboards/templates/dashboards/report_file.html"}


def _project_templates() -> list[Path]:
    skip = ("node_modules", ".venv", "static", "staticfiles", ".git")
    return [p for p in ROOT.rglob("*.html") if not any(part in skip for part in p.relative_to(ROOT).parts)]


def test_no_template_has_inline_script_style_or_event_handlers():
    """The CSP (script-src and style-src 'self') would block them: everything goes in static files."""
    templates = _project_templates()
    assert len(templates) > 50  # the walk found the project's templates
    found = []
    for path in templates:
        if str(path.relative_to(ROOT)) in STANDALONE_FILES:
            continue
        text = TEMPLATE_COMMENTS.sub(
            lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8")
        )
        for pattern, what in INLINE:
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert found == []


def test_python_code_builds_no_inline_script_or_style_into_html():
    sources = [
        p
        for app in (
            "dhdigital",
            "consultations",
            "comments",
            "responses",
            "insights",
            "dashboards",
            "policycycle",
            "api",
        )
        for p in (ROOT / app).rglob("*.py")
        if "migrations" not in p.parts
    ]
    pattern = re.compile(
        r"<script\b(?![^>]*\bsrc=)|<style\b|\sstyle=\\?[\"']|\son(click|load|change|submit)=", re.I
    )
    found = [str(p.relative_to(ROOT)) for p in sources if pattern.search(p.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.django_db
def test_the_csp_forbids_inline_styles_and_scripts_on_every_kind_of_page(client):
    for url in ("/", "/accounts/login/", "/api/docs/", "/privacy/"):
        csp = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'", url
        assert directives["style-src"] == "'self'", url
        assert directives["object-src"] == "'none'", url


@pytest.mark.django_db
def test_the_django_admin_has_no_sign_in_form_of_its_own(client, settings):
    """Its password form would skip the lockout's page and the two-step code: it sends people to ours."""
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    page = client.get("/django-admin/login/?next=/django-admin/")
    assert page.status_code == 302 and page["Location"].startswith(reverse("account_login"))
    posted = client.post("/django-admin/login/", {"username": admin.email, "password": PASSWORD})
    assert posted.status_code == 302 and posted["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
