"""The data directory, the SQLite database and the signing keys are the owner's only."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler
from django.test import override_settings

from clusterlabel.private_files import private_directory, private_file

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def _permissive_umask():
    """The usual 022 umask, so a mode that is 0700 was made so, not left by the umask."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_private_directory_and_its_missing_parents_are_0700(tmp_path):
    private_directory(tmp_path / "data" / "keys")
    assert mode(tmp_path / "data") == 0o700
    assert mode(tmp_path / "data" / "keys") == 0o700


def test_an_existing_open_directory_is_narrowed(tmp_path):
    (tmp_path / "data").mkdir(mode=0o755)
    private_directory(tmp_path / "data")
    assert mode(tmp_path / "data") == 0o700


def test_a_private_file_is_0600_and_keeps_its_content(tmp_path):
    existing = tmp_path / "existing"
    existing.write_text("kept")
    existing.chmod(0o644)

    private_file(existing)
    private_file(tmp_path / "new")

    assert mode(existing) == 0o600 and existing.read_text() == "kept"
    assert mode(tmp_path / "new") == 0o600


@pytest.mark.django_db
def test_the_sqlite_database_file_is_created_private(tmp_path):
    database = tmp_path / "data" / "clusterlabel.sqlite3"
    handler = ConnectionHandler(
        {"default": {"ENGINE": "clusterlabel.private_sqlite", "NAME": str(database)}}
    )
    connection = handler["default"]
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE t (x INTEGER)")
    connection.close()

    assert mode(database) == 0o600
    assert mode(database.parent) == 0o700


def test_the_settings_use_the_private_backend_for_sqlite(settings):
    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.skip("this run uses PostgreSQL")
    assert settings.DATABASES["default"]["ENGINE"] == "clusterlabel.private_sqlite"


def test_the_signing_keys_are_private(tmp_path):
    from clusterlabel.labels.certificates.credentials import ensure_keys

    keys = tmp_path / "data" / "keys"
    with override_settings(CLUSTERLABEL_KEYS_DIR=keys):
        assert ensure_keys() is True

    assert mode(tmp_path / "data") == 0o700
    assert mode(keys) == 0o700
    assert mode(keys / "active.pem") == 0o600


def test_the_demo_secret_key_and_data_directory_are_private(tmp_path):
    data = tmp_path / "fresh"
    environment = {**os.environ, "DEBUG": "1", "CLUSTERLABEL_DATA_DIR": str(data)}
    environment.pop("SECRET_KEY", None)
    subprocess.run(
        [sys.executable, "-c", "import clusterlabel.settings"],
        env=environment,
        check=True,
        capture_output=True,
    )
    assert mode(data) == 0o700
    assert mode(data / "secret_key") == 0o600


def test_debug_is_off_unless_asked_for(tmp_path):
    environment = {
        **os.environ,
        "SECRET_KEY": "environment-test-" + "y" * 60,
        "CLUSTERLABEL_DATA_DIR": str(tmp_path),
    }
    environment.pop("DEBUG", None)
    output = subprocess.run(
        [sys.executable, "-c", "import clusterlabel.settings as s; print(s.DEBUG)"],
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert output == "False"
