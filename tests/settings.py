"""Settings for the test suite: the application's settings with a fixed test key and fast hashing.

``DATABASE_URL`` picks the database as in production (SQLite when unset, PostgreSQL in CI's
second run).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 60)
os.environ.setdefault("CLUSTERLABEL_DATA_DIR", tempfile.mkdtemp(prefix="clusterlabel-tests-"))
# pytest-xdist's workers inherit the directory from the process that started them: each works
# in its own below it (keys, uploads), so that two workers never write the same file.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _worker and os.path.basename(os.environ["CLUSTERLABEL_DATA_DIR"]) != _worker:
    os.environ["CLUSTERLABEL_DATA_DIR"] = os.path.join(os.environ["CLUSTERLABEL_DATA_DIR"], _worker)
    os.makedirs(os.environ["CLUSTERLABEL_DATA_DIR"], exist_ok=True)

from clusterlabel.settings import *  # noqa: E402, F403

# Each test database starts at data generation 0, so two test runs (or two xdist workers)
# sharing one Redis (REDIS_URL) would find each other's public pages: each run keeps its own
# keys. ``tests/conftest.py`` clears the cache around every test.
_cache = globals().get("CACHES", {}).get("default", {})
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        **_cache,
        "KEY_PREFIX": f"tests-{os.getpid()}-{_worker or 'main'}",
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns when it is missing

# Tests log in many times with the same password, and call authenticate() without a request;
# the lockout tests switch django-axes on for themselves.
AXES_ENABLED = False
# Tests of the second factor switch it on for themselves.
CLUSTERLABEL_REQUIRE_SECOND_FACTOR = False
