"""Django settings for clusterlabel, read from the environment.

Every setting an operator may need is an environment variable; the README's configuration
table lists them. Defaults suit the embedded demo (SQLite in a data directory); production sets
``DATABASE_URL``, ``SECRET_KEY`` and ``ALLOWED_HOSTS`` and leaves ``DEBUG`` off.
"""

from __future__ import annotations

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from clusterlabel.core.logs import logging_config
from clusterlabel.core.object_storage import default_storage
from clusterlabel.private_files import private_directory, private_file

PACKAGE_DIR = Path(__file__).resolve().parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean variable; refuse anything that is not clearly true or false."""
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def default_data_dir() -> Path:
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "clusterlabel"


DEBUG = env_bool("DEBUG", default=False)

DATA_DIR = Path(os.environ.get("CLUSTERLABEL_DATA_DIR") or default_data_dir()).expanduser()

# A key that is missing, a Django placeholder or too short must never reach production.
_INSECURE_KEY_PREFIXES = ("django-insecure", "change-me", "changeme", "secret")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "").strip()
    if key:
        if not DEBUG and (len(key) < 50 or key.lower().startswith(_INSECURE_KEY_PREFIXES)):
            raise ImproperlyConfigured(
                "SECRET_KEY is a placeholder or shorter than 50 characters: set it to a random "
                "string such as the output of "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(64))'`."
            )
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it to a random string of at least 50 characters "
            "(`python3 -c 'import secrets; print(secrets.token_urlsafe(64))'`), "
            "or set DEBUG=1 on a development machine."
        )
    # Development and demo: a random key kept in the data directory, so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    private_directory(DATA_DIR)
    key = secrets.token_urlsafe(64)
    private_file(key_file).write_text(key, encoding="utf-8")
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# Public base URL, used in e-mails, certificates and QR codes.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The logo and signature block of an operator's certificates and decision letters, keyed by the
# operator's key in the scheme files, as JSON: {"eucles": {"logo": "/srv/eucles.png",
# "signatory": "Dr. A. Muster", "signatory_role": {"de": "Vorsitz", "en": "Chair"},
# "signature": "/srv/signature.png"}} (labels.certificates.pdf.operator_branding). None by default.
CERTIFICATE_OPERATORS = json.loads(os.environ.get("CERTIFICATE_OPERATORS") or "{}")
# Invoices (clusterlabel.invoices.parties): the seller's details per operator key of the scheme
# files, as JSON: {"vdivde-innovation-technik-gmbh": {"prefix": "VDIVDE", "address": "Steinplatz
# 1", "postcode": "10623", "city": "Berlin", "vat_id": "DE...", "iban": "DE...", "contact":
# "rechnung@example.org"}}; the invoiced third parties (subsidy payers) per name as in the scheme
# file: {"Ministerium ...": {"address": "...", "postcode": "...", "city": "Stuttgart",
# "buyer_reference": "<Leitweg-ID>", "public": true, "language": "de"}}; days to pay.
INVOICE_SELLERS = json.loads(os.environ.get("INVOICE_SELLERS") or "{}")
INVOICE_PAYERS = json.loads(os.environ.get("INVOICE_PAYERS") or "{}")
# Per operator key: who is responsible for personal data (the privacy page), e.g.
# {"eucles": {"name": "...", "address": "...", "email": "...", "dpo": "..."}}.
PRIVACY_CONTACTS = json.loads(os.environ.get("PRIVACY_CONTACTS") or "{}")
INVOICE_PAYMENT_DAYS = env_int("INVOICE_PAYMENT_DAYS", 30)
# Webhooks (clusterlabel.webhooks): seconds a receiver has to answer; whether endpoints may be
# plain http or private/loopback addresses (production refuses both unless allowed; development
# and the demo allow them); whether deliveries are sent right after the commit in a background
# thread (the demo and development) instead of only by `clusterlabel webhooks deliver`.
WEBHOOK_TIMEOUT_SECONDS: float = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", default=DEBUG)
WEBHOOK_DELIVER_ON_COMMIT = env_bool("WEBHOOK_DELIVER_ON_COMMIT", default=DEBUG)
# An http://host:port proxy for the webhooks' requests; none: sent directly.
WEBHOOK_PROXY = os.environ.get("WEBHOOK_PROXY", "")

INSTALLED_APPS = [
    "clusterlabel.portal",
    "clusterlabel.core",
    "clusterlabel.accounts",
    "clusterlabel.access",
    "clusterlabel.schemes",
    "clusterlabel.audit",
    "clusterlabel.organisations",
    "clusterlabel.assessors",
    "clusterlabel.procedures",
    "clusterlabel.reports",
    "clusterlabel.labels",
    "clusterlabel.invoices",
    "clusterlabel.benchmarks",
    "clusterlabel.programmes",
    "clusterlabel.privacy",
    "clusterlabel.webhooks",
    "clusterlabel.scheduling",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served from the package (no CDN)
]

MIDDLEWARE = [
    # First, so that every log line of the request carries its id (core.logs).
    "clusterlabel.core.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "clusterlabel.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "clusterlabel.urls"
WSGI_APPLICATION = "clusterlabel.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clusterlabel.portal.context_processors.navigation",
            ],
        },
    },
]

try:
    DATABASES = {
        "default": dj_database_url.config(
            env="DATABASE_URL",
            default=f"sqlite:///{DATA_DIR / 'clusterlabel.sqlite3'}",
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
            conn_health_checks=True,
        )
    }
except ValueError as exc:  # an unknown scheme, a port that is not a number
    # Only the scheme is repeated: the address may hold a password.
    _scheme = os.environ.get("DATABASE_URL", "").partition(":")[0]
    raise ImproperlyConfigured(
        f"DATABASE_URL (beginning {_scheme!r}) is not a database address clusterlabel can use: "
        "set it like postgres://user:password@host:5432/name or sqlite:////path/to/db.sqlite3."
    ) from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, but a new database file (and its directory) is readable by its owner
    # only: it holds password hashes and the second-factor secrets.
    DATABASES["default"]["ENGINE"] = "clusterlabel.private_sqlite"
    # WAL lets the demo serve pages while a command writes; a busy timeout instead of
    # "database is locked" under light concurrency.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            # Take the write lock when a transaction starts, so a transaction that read first
            # never fails half-way with "database is locked" (the audit chain relies on it).
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:start"
LOGOUT_REDIRECT_URL = "portal:start"

# django-axes counts failed logins in the database, so a lockout holds across every application
# server. It refuses further attempts for a username (and for a username from one address) after
# LOGIN_FAILURE_LIMIT failures, for LOGIN_LOCKOUT_MINUTES; never for an address alone, so one
# office behind one address cannot lock out its colleagues. Its backend must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Behind the TLS-terminating proxy the client address is the proxy's last X-Forwarded-For entry;
# without a proxy the header is ignored, so nobody can spoof the address part of the lockout.
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("USE_X_FORWARDED_PROTO", default=False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    if env_bool("USE_X_FORWARDED_PROTO", default=False)
    else ("REMOTE_ADDR",)
)
AXES_LOCKOUT_CALLABLE = "clusterlabel.accounts.lockout.lockout_response"

# A second factor (an authenticator app, or a recovery code) for everybody whose grants reach
# beyond their own organisation; see clusterlabel.accounts.second_factor.
CLUSTERLABEL_REQUIRE_SECOND_FACTOR = env_bool("CLUSTERLABEL_REQUIRE_SECOND_FACTOR", default=True)
OTP_TOTP_ISSUER = "clusterlabel"

# How long the link in an invitation e-mail (`clusterlabel users create` without a password)
# lets the new person set their password.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
SIGNUP_LIMIT_PER_HOUR = env_int("SIGNUP_LIMIT_PER_HOUR", 10)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Our own date and number formats: English dates day first (UK), never "01/12/2027".
FORMAT_MODULE_PATH = ["clusterlabel.core.formats"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Berlin")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("CLUSTERLABEL_STATIC_DIR") or DATA_DIR / "static")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("CLUSTERLABEL_MEDIA_DIR") or DATA_DIR / "media")
# Uploaded files: MEDIA_ROOT, or the S3-compatible bucket of STORAGE_S3_BUCKET (private; served
# only through the permission-checked views), see core.object_storage. Static files stay with
# whitenoise, collected into the image.
STORAGES = {
    "default": default_storage(os.environ),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# The demo runs without collectstatic: whitenoise serves straight from the app directories.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Evidence uploads: larger files are refused with the reason.
EVIDENCE_MAX_UPLOAD_BYTES = env_int("EVIDENCE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# No form takes a larger file (the label import 5 MiB, a credential 64 KiB): beyond this a
# file's bytes are counted, not stored, and its form refuses it by size (core.upload_limit).
FILE_UPLOAD_MAX_BYTES = max(EVIDENCE_MAX_UPLOAD_BYTES, 5 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "clusterlabel.core.upload_limit.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# The issuer's signing keys (PEM files, outside the database): active.pem and retired-*.pem.
CLUSTERLABEL_KEYS_DIR = Path(os.environ.get("CLUSTERLABEL_KEYS_DIR") or DATA_DIR / "keys")

# Reminders before a label expires, in days (and one on the day of expiry).
REMINDER_DAYS_BEFORE_EXPIRY = [
    int(days) for days in env_list("REMINDER_DAYS_BEFORE_EXPIRY", ["180", "90", "30"])
]

# Reminders of a procedure step's deadline, in days before the due date: 0 on the day, a
# negative number after it (-1: once overdue). Sent to whoever must act in that step.
DEADLINE_REMINDER_DAYS = [
    int(days) for days in env_list("DEADLINE_REMINDER_DAYS", ["7", "0", "-1"])
]

# Extra scheme files an operator adds (official catalogues, new versions), loaded besides the
# shipped ones by `clusterlabel schemes load`.
SCHEMES_DIR = Path(os.environ.get("CLUSTERLABEL_SCHEMES_DIR") or DATA_DIR / "schemes")

# Every e-mail goes through the task queue (core.mail.QueuedEmailBackend), which hands it to
# EMAIL_DELIVERY_BACKEND (SMTP, with EMAIL_TIMEOUT seconds), retrying a failed one; setting
# EMAIL_BACKEND sends directly instead.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "clusterlabel.core.mail.QueuedEmailBackend")
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_DELIVERY_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Background work (e-mails): "immediate" runs each task in the process that queues it (the demo,
# a small installation); "database" stores it for `clusterlabel db_worker` (several application
# servers: run one or more workers beside them).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
if TASKS_BACKEND not in ("immediate", "database"):
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be immediate or database, not {TASKS_BACKEND!r}."
    )
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASKS_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "clusterlabel <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: on by default in production, behind a TLS-terminating proxy.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers ask the health check over plain HTTP, straight at the application server.
SECURE_REDIRECT_EXEMPT = [r"^health/$", r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# No inline script or style anywhere (the Django admin ships files too); nobody may frame us.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "img-src": [SELF, "data:"],
        "script-src": [SELF],
        "style-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

# The REST API (/api/v1/, clusterlabel.api_urls): the registry without login, the rest with a
# personal API token; JSON only; a request rate per client address (``API_ANON_RATE``, e.g.
# "120/minute") and per token (``API_TOKEN_RATE``). The address is REMOTE_ADDR unless
# API_NUM_PROXIES proxies of our own stand in front: a client's own X-Forwarded-For header must
# not give it a new address per request.
API_ANON_RATE = os.environ.get("API_ANON_RATE", "120/minute")
API_TOKEN_RATE = os.environ.get("API_TOKEN_RATE", "600/minute")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DEFAULT_PERMISSION_CLASSES": ["clusterlabel.core.api.ReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": ["clusterlabel.core.api.AddressRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "NUM_PROXIES": env_int("API_NUM_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "clusterlabel registry API",
    "DESCRIPTION": (
        "The public register of quality labels for cluster management organisations: labels, "
        "holders and statistics, read-only, no login, open data without personal data. With a "
        "personal API token (Authorization: Bearer cl_…, made under Account → API tokens): the "
        "procedures and programmes its owner may see, with the owner's rights and no more."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v[0-9]+",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# LOG_FORMAT=text (the message alone) or json (one object per line: time, level, logger,
# message, request_id, exception), see core.logs.
LOGGING = logging_config(os.environ.get("LOG_FORMAT", "text"), os.environ.get("LOG_LEVEL", "INFO"))
