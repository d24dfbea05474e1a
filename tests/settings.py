"""Settings for the test suite: the application's settings with a fixed test key and fast hashing.

``DATABASE_URL`` picks the database as in production (SQLite when unset, PostgreSQL in CI's
second run).
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-" + "x" * 60)
os.environ.setdefault("CLUSTERLABEL_DATA_DIR", tempfile.mkdtemp(prefix="clusterlabel-tests-"))

from clusterlabel.settings import *  # noqa: F403

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
