"""``clusterlabel`` with a configuration the settings refuse: one sentence saying what to set,
exit status 2, no traceback; help works with no configuration at all."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clusterlabel.cli import CONFIGURATION_ERROR

GOOD_KEY = "k3Jx9vQ2-production-like-secret-key-that-is-long-enough-4f8b1c7e9d"


def run_cli(args: list[str], env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """``clusterlabel ARGS`` in a fresh process whose environment holds only ``env`` (and the
    paths Python needs): nothing of the test settings leaks in."""
    clean = {
        "PATH": os.environ.get("PATH", "/usr/bin"),
        "HOME": str(tmp_path),
        "CLUSTERLABEL_DATA_DIR": str(tmp_path / "data"),
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "clusterlabel", *args],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_sentence(result: subprocess.CompletedProcess, *names: str) -> None:
    assert result.returncode == CONFIGURATION_ERROR, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("clusterlabel: ")
    for name in names:
        assert name in lines[0]


@pytest.mark.parametrize("args", [["schemes", "list"], ["migrate"], ["send-reminders"]])
def test_a_command_without_secret_key_says_what_to_set(tmp_path, args):
    result = run_cli(args, {}, tmp_path)
    assert_one_sentence(result, "SECRET_KEY is not set", "DEBUG=1")


def test_a_placeholder_key_is_refused_in_one_sentence(tmp_path):
    result = run_cli(["schemes", "list"], {"SECRET_KEY": "change-me-please"}, tmp_path)
    assert_one_sentence(result, "SECRET_KEY", "placeholder")


@pytest.mark.parametrize("url", ["foo://bar/baz", "postgres://user:hunter2@db:port/name"])
def test_a_bad_database_url_is_refused_without_repeating_its_password(tmp_path, url):
    result = run_cli(["schemes", "list"], {"SECRET_KEY": GOOD_KEY, "DATABASE_URL": url}, tmp_path)
    assert_one_sentence(result, "DATABASE_URL", "postgres://user:password@host:5432/name")
    assert "hunter2" not in result.stderr


def test_an_unclear_boolean_is_refused_in_one_sentence(tmp_path):
    result = run_cli(["--help"], {"DEBUG": "maybe"}, tmp_path)
    assert_one_sentence(result, "DEBUG must be one of")


@pytest.mark.parametrize("args", [["--help"], ["help"], [], ["help", "schemes"], ["demo", "-h"]])
def test_help_works_without_any_configuration(tmp_path, args):
    result = run_cli(args, {}, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "SECRET_KEY" not in result.stdout + result.stderr
    assert "schemes" in result.stdout
    # Help neither creates a database nor keeps a key.
    assert not (tmp_path / "data").exists()


def test_a_configured_command_runs(tmp_path):
    import clusterlabel

    scheme = Path(clusterlabel.__file__).parent / "schemes" / "shipped" / "ecei-gold-2026.2.yaml"
    env = {"SECRET_KEY": GOOD_KEY, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = run_cli(["schemes", "check", str(scheme)], env, tmp_path)
    assert result.returncode == 0, result.stderr
