"""Production settings: refuse to start insecurely; `check --deploy` is clean when configured
as the README documents."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Jx9vQ2-production-like-secret-key-that-is-long-enough-4f8b1c7e9d",
    "ALLOWED_HOSTS": "labels.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://labels.example.org",
    "SITE_URL": "https://labels.example.org",
    "USE_X_FORWARDED_PROTO": "1",
}


def run_django(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    ignored = {"SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in ignored}
    clean.update(
        {
            "DJANGO_SETTINGS_MODULE": "clusterlabel.settings",
            "CLUSTERLABEL_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "django", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_documented_production_settings(tmp_path):
    result = run_django(["check", "--deploy", "--fail-level", "WARNING"], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    ("secret_key", "message"),
    [
        ("", "SECRET_KEY is not set"),
        ("django-insecure-abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnop", "placeholder"),
        ("too-short-key", "shorter than 50 characters"),
    ],
)
def test_production_refuses_missing_or_default_secret_key(tmp_path, secret_key, message):
    env = {**PRODUCTION_ENV, "SECRET_KEY": secret_key}
    result = run_django(["check"], env, tmp_path)
    assert result.returncode != 0
    assert message in result.stderr


def test_debug_mode_generates_and_keeps_a_secret_key(tmp_path):
    env = {"DEBUG": "1"}
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_django(["shell", "-c", code], env, tmp_path)
    second = run_django(["shell", "-c", code], env, tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == second.stdout.strip()
    assert len(first.stdout.strip()) >= 50
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_unclear_boolean_is_refused(tmp_path):
    result = run_django(["check"], {**PRODUCTION_ENV, "DEBUG": "maybe"}, tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr
