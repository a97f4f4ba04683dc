"""Settings read from the environment (django-environ). SQLite and in-process tasks by default."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from dhdigital.lib.secret_key import secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(environ.Env().str("DHDIGITAL_SHARED_DATA", default=str(BASE_DIR.parent / "shared" / "data")))

env = environ.Env(
    DEBUG=(bool, False),
    ALLOWED_HOSTS=(list, ["127.0.0.1", "localhost", "[::1]"]),
    CSRF_TRUSTED_ORIGINS=(list, []),
)
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env("DEBUG")
# With DEBUG off the portal is served as in production unless told otherwise: HTTPS redirect, Secure
# cookies, HSTS, and a SECRET_KEY of its own. PLAIN_HTTP=true is the explicit opt-out for your own machine
# (make run, the tests, the load test): plain HTTP, and a random key kept in .secret_key in the checkout.
PLAIN_HTTP = env.bool("PLAIN_HTTP", default=False)
SECURE_BY_DEFAULT = not DEBUG and not PLAIN_HTTP
# Without a real key, commands that serve nothing (makemigrations, collectstatic) still run; the WSGI
# application, the Celery app and `check --deploy` refuse with SECRET_KEY_REFUSAL (dhdigital.lib.secret_key).
try:
    SECRET_KEY = secret_key(env.str("SECRET_KEY", default=""), local=DEBUG or PLAIN_HTTP, checkout=BASE_DIR)
    SECRET_KEY_REFUSAL = ""
except ImproperlyConfigured as refused:
    SECRET_KEY, SECRET_KEY_REFUSAL = "", str(refused)
ALLOWED_HOSTS = env("ALLOWED_HOSTS")
# Behind a TLS-terminating proxy (docs/deploy.md): trust its X-Forwarded-Proto, and take the client's
# address from X-Forwarded-For as TRUSTED_PROXY_COUNT proxies (each appending the address it saw) wrote
# it. Every per-address limit reads it through dhdigital.lib.client_address.client_ip.
BEHIND_PROXY = env.bool("BEHIND_PROXY", default=False)
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1 if BEHIND_PROXY else 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is the number of proxies in front: 0 or more")
CSRF_TRUSTED_ORIGINS = env("CSRF_TRUSTED_ORIGINS")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = "dhdigital"
SITE_ID = 1

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "simple_history",
    "allauth",
    "allauth.account",
    "allauth.mfa",  # optional two-step sign-in (TOTP app + recovery codes), offered to officials
    "csp",
    "axes",
    "dhdigital.accounts",
    "dhdigital.lib",
    "consultations",
    "comments",
    "responses",
    "insights",
    "outcomes",
    "dashboards",
    "policycycle",
    "api",
    "notices",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "dhdigital.lib.middleware.RequestIdMiddleware",  # request id on every response and log line
    "dhdigital.lib.middleware.HealthCheckMiddleware",  # /healthz, /readyz before host and TLS checks
    "dhdigital.lib.middleware.DatabaseUnavailableMiddleware",  # lost database: 503 + Retry-After, not 500
    "dhdigital.lib.pagecache.PublicPageCacheMiddleware",  # anonymous readers' pages, before the rest
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out sign-in into the lockout page
    "policycycle.visitors.ConsultationVisitMiddleware",
]

ROOT_URLCONF = "dhdigital.urls"
WSGI_APPLICATION = "dhdigital.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dhdigital.lib.context_processors.site",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# Persistent connections are checked before reuse, so one killed by a database restart is replaced.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "dhdigital.accounts.lockout.LockoutBackend",  # django-axes: refuses locked-out accounts first
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the login; citizens must verify it before they take part.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[dhdigital] "
ACCOUNT_FORMS = {"signup": "dhdigital.accounts.forms.SignupForm"}

# Login throttling and lockout (django-axes; docs/adr/0007-login-lockout.md). Per account, not per IP:
# guessing one password from many addresses is the threat; a shared library or office IP is not.
from datetime import timedelta  # noqa: E402

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 wants the IP in the lockout key; per-IP *throttling* of failed sign-ins is allauth's
# (ACCOUNT_RATE_LIMITS login_failed, 10/min/IP), which slows credential stuffing without locking a
# whole library or office network out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# allauth's per-address failure limit is replaced by axes' lockout (one lockout, one page, and an
# administrator's reset works); its per-IP throttle stays.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip"}
# allauth's limits take the client's address from the adapter, which asks dhdigital.lib.client_address
# like every other limit (the proxy's own address would put every visitor in one bucket).
ACCOUNT_ADAPTER = "dhdigital.accounts.adapter.AccountAdapter"
# Optional two-step sign-in (allauth.mfa): an authenticator app code after the password, with recovery
# codes. Managed at /accounts/2fa/; GOV.UK templates in templates/mfa/.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="dhdigital")
AXES_USERNAME_CALLABLE = "dhdigital.accounts.lockout.username_from_request"
AXES_LOCKOUT_CALLABLE = "dhdigital.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no table of every sign-in with its IP address
AXES_CLIENT_IP_CALLABLE = "dhdigital.lib.client_address.client_ip"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND", default="whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
MAX_UPLOAD_BYTES = env.int("MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
# Attached files are read in the worker (responses.extraction) within these limits, else a person reads them.
ATTACHMENT_TEXT_MAX_BYTES = env.int("ATTACHMENT_TEXT_MAX_BYTES", default=20 * 1024 * 1024)
ATTACHMENT_TEXT_SECONDS = env.float("ATTACHMENT_TEXT_SECONDS", default=30.0)
# One document import in the worker: CPU seconds, and memory the reading may take (docs/importers.md).
IMPORT_TIME_LIMIT_S = env.float("IMPORT_TIME_LIMIT_S", default=60.0)
IMPORT_MEMORY_LIMIT_MB = env.int("IMPORT_MEMORY_LIMIT_MB", default=768)
# A CSV of offline responses: 100,000 rows of real-length answers is about 90 MB.
RESPONSE_IMPORT_MAX_BYTES = env.int("RESPONSE_IMPORT_MAX_BYTES", default=100 * 1024 * 1024)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="dhdigital <no-reply@dhdigital.example>")
# The service team's address, shown on the statements and used for feedback (a deployment sets its own).
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")
# Where to report a vulnerability: one or more addresses or https URLs for /.well-known/security.txt (RFC
# 9116) and the /security/ page; without it, reports go to CONTACT_EMAIL (docs/security.md).
SECURITY_CONTACT = env.list("SECURITY_CONTACT", default=[])

# Redis is optional: without it, cache is local memory and Celery runs tasks in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # fails open: Redis down means cache misses, not errors (dhdigital/lib/cache.py)
            "BACKEND": "dhdigital.lib.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Parallel test processes (pytest-xdist sets PYTEST_XDIST_WORKER) keep apart by prefix.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="dhd")
            + env.str("PYTEST_XDIST_WORKER", default=""),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Public consultation pages as anonymous readers see them, kept this many seconds (0: off).
# dhdigital/lib/pagecache.py; a publisher's change or a moderation decision shows at once.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=30)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="dhdigital")
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5, "max_retries": 1}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "consultations-open-and-close": {
        "task": "consultations.tasks.consultations_transition_due",
        "schedule": 60.0,
    },
    # Enrichment missed while Redis was down, or lost with a worker, is caught up here.
    "insights-enrichment-sweep": {"task": "insights.tasks.enrichment_sweep", "schedule": 300.0},
}

# Privacy: respondents' names, emails and addresses are wiped this many days after a consultation
# concludes or is withdrawn (dhdigital/accounts/privacy.py), by a daily beat task.
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=365)
CELERY_BEAT_SCHEDULE["privacy-retention"] = {
    "task": "dhdigital.accounts.tasks.personal_data_retention",
    "schedule": 24 * 60 * 60.0,
}

# Security headers. CSP forbids inline scripts and styles: put JavaScript in static files.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Secure by default whenever DEBUG is off (PLAIN_HTTP=true opts out); each can still be set on its own.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SECURE_BY_DEFAULT)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=SECURE_BY_DEFAULT)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "dhdigital.lib.views.csrf_failure"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if SECURE_BY_DEFAULT else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "api.authentication.TokenAuthentication",
    ],
    # Public API (api app): one error body shape, per-IP and per-user throttles (cache-backed).
    "EXCEPTION_HANDLER": "api.exceptions.api_exception_handler",
    # JSON with a bound on nesting (api/parsers.py); forms and uploads as usual.
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Per-IP throttles read the address through dhdigital.lib.client_address (api/throttles.py); DRF's
    # own reading, for any throttle of its own, counts the same proxies.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/min"),
        "user": env.str("API_USER_RATE", default="600/min"),
        "bulk": env.str("API_BULK_RATE", default="30/hour"),
        "ip": env.str("API_IP_RATE", default="1200/min"),
    },
}
SPECTACULAR_SETTINGS = {"TITLE": "dhdigital API", "VERSION": "1.0.0"}
SPECTACULAR_SETTINGS.update(
    {
        "DESCRIPTION": "Open data and the public API of dhdigital. Usage policy: /api/.",
        "LICENSE": {
            "name": "Open Government Licence v3.0",
            "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
        },
        "SCHEMA_PATH_PREFIX": "/api/v1",
        "SERVE_INCLUDE_SCHEMA": False,
        "COMPONENT_SPLIT_REQUEST": True,
        "SWAGGER_UI_DIST": "SIDECAR",
        # No deep links: Swagger UI puts them inside each operation's button (nested controls, WCAG 4.1.2).
        "SWAGGER_UI_SETTINGS": {
            "deepLinking": False,
            "displayOperationId": False,
            "syntaxHighlight": {"activated": False},  # its colours fail contrast on the dark panel
        },
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "REDOC_DIST": "SIDECAR",
        "ENUM_NAME_OVERRIDES": {
            "ConsultationKindEnum": "consultations.models.Consultation.Kind",
            "ConsultationStateEnum": "consultations.models.Consultation.State",
            "DocumentStateEnum": "consultations.models.Document.State",
            "SectionKindEnum": "consultations.models.Section.Kind",
            "CommentStatusEnum": "comments.models.Comment.Status",
            "ResponseStatusEnum": "responses.models.Response.Status",
            "IdeaStatusEnum": "responses.models.Idea.Status",
            "SanctionKindEnum": "comments.models.Sanction.Kind",
        },
    }
)
WEBHOOK_TIMEOUT_SECONDS = env.int("WEBHOOK_TIMEOUT_SECONDS", default=5)
# Webhooks may call this machine and private networks (plain http to 127.0.0.1 too): for development
# and tests only. Off, a receiver must be an https address on the public internet, checked when it is
# registered and again before each delivery (no server-side request forgery into the private network).
WEBHOOK_ALLOW_PRIVATE_HOSTS = env.bool("WEBHOOK_ALLOW_PRIVATE_HOSTS", default=False)
CELERY_BEAT_SCHEDULE["api-webhooks-retry-due"] = {"task": "api.tasks.webhooks_retry_due", "schedule": 60.0}
# Analysis runs: re-queue or fail runs whose worker died (stale heartbeat); nightly runs while open.
from celery.schedules import crontab  # noqa: E402

ANALYSIS_RUN_STALE_SECONDS = env.int("ANALYSIS_RUN_STALE_SECONDS", default=300)
# Load the models the request path uses in the background when a server process starts
# (insights/apps.py), so the first comment after a start does not wait 5-60 s for them.
WARM_ANALYSIS_MODELS = env.bool("WARM_ANALYSIS_MODELS", default=True)
# The audit trail keeps a change's whole reason (a moderator's note, a withdrawal's reason, a theme's old
# label), not the first 100 characters: django-simple-history stores it as text.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# "auto": `embeddings` up to 30,000 responses, `basic` above (measured; docs/analysis.md). Or one engine.
ANALYSIS_DEFAULT_ENGINE = env.str("ANALYSIS_DEFAULT_ENGINE", default="auto")
if ANALYSIS_DEFAULT_ENGINE not in ("auto", "basic", "embeddings", "llm"):
    raise ImproperlyConfigured("ANALYSIS_DEFAULT_ENGINE must be auto, basic, embeddings or llm")
CELERY_BEAT_SCHEDULE["insights-runs-recover-stale"] = {
    "task": "insights.tasks.runs_recover_stale",
    "schedule": 120.0,
}
CELERY_BEAT_SCHEDULE["insights-nightly-analysis"] = {
    "task": "insights.tasks.analysis_runs_nightly",
    "schedule": crontab(hour=2, minute=30),
}
# Forget yesterday's cookieless visitor hashes and salts, keeping one count per day (policycycle/visitors.py).
CELERY_BEAT_SCHEDULE["policycycle-visitors-roll-up"] = {
    "task": "policycycle.tasks.visitors_roll_up",
    "schedule": 60 * 60.0,
}

# House rules and moderation knobs (comments app).
COMMENT_MAX_LENGTH = env.int("COMMENT_MAX_LENGTH", default=5000)
COMMENT_EDIT_WINDOW_MINUTES = env.int("COMMENT_EDIT_WINDOW_MINUTES", default=15)
# Posting limits (comments/ratelimit.py), "count/seconds"; raised only by the load test (one IP).
COMMENT_RATE_PER_USER = env.str("COMMENT_RATE_PER_USER", default="10/600")
COMMENT_RATE_PER_IP = env.str("COMMENT_RATE_PER_IP", default="30/600")
FLAGS_TO_AUTO_HOLD = env.int("FLAGS_TO_AUTO_HOLD", default=3)
# Daily digest of new comments for people who follow a clause, document or consultation "once a day".
CELERY_BEAT_SCHEDULE["comments-daily-digest"] = {
    "task": "comments.tasks.send_daily_digests",
    "schedule": crontab(hour=7, minute=0),
}
# Notices (consultation closed, response published...) for people who chose a daily digest; and a sweep
# that fans out any event whose task was lost (broker down when it was queued).
CELERY_BEAT_SCHEDULE["notices-daily-digest"] = {
    "task": "notices.tasks.send_digests",
    "schedule": crontab(hour=7, minute=5),
}
CELERY_BEAT_SCHEDULE["notices-sweep"] = {"task": "notices.tasks.sweep", "schedule": 300.0}
SMALL_NUMBER_THRESHOLD = env.int("SMALL_NUMBER_THRESHOLD", default=5)

# Optional OpenAI-compatible endpoint for the `llm` analysis engine. Never required.
LLM_BASE_URL = env.str("LLM_BASE_URL", default="")
LLM_API_KEY = env.str("LLM_API_KEY", default="")
LLM_MODEL = env.str("LLM_MODEL", default="")
# With the `llm` engine, the retrained tagger asks the model about scopes up to this many responses (about
# one call per 20); larger scopes keep the vector tagger (insights/tagger.py).
LLM_TAG_MAX_RESPONSES = env.int("LLM_TAG_MAX_RESPONSES", default=2_000)

# JSON lines with request ids; emails and IP addresses scrubbed (dhdigital/lib/logging.py).
# LOG_FORMAT=plain for human-readable lines in development.
from dhdigital.lib.logging import logging_config  # noqa: E402

LOGGING = logging_config(
    fmt=env.str("LOG_FORMAT", default="json"), level=env.str("LOG_LEVEL", default="INFO")
)
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING too
