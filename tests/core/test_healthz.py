"""/healthz, the readiness check: 200 when the database, the cache, the file storage and the
signing keys work; 503 naming each that does not, without its error's text; never a 500, never
cached, not redirected to HTTPS."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from django.core.cache.backends.dummy import DummyCache
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError
from django.urls import reverse

from clusterlabel.core import health
from clusterlabel.labels.certificates import credentials

pytestmark = pytest.mark.django_db

CHECKS = ["database", "cache", "storage", "signing_keys"]
# What a failing backend might say: none of it may reach the answer.
SECRET_DETAIL = "db.internal:5432 password=hunter2 AKIAEXAMPLEKEY"


def answer(client) -> tuple[int, dict]:
    response = client.get(reverse("healthz"))
    assert response["Content-Type"] == "application/json"
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies
    assert SECRET_DETAIL.encode() not in response.content
    return response.status_code, json.loads(response.content)


def test_healthz_is_at_the_documented_address():
    assert reverse("healthz") == "/healthz"


def test_every_check_passes_and_leaves_no_probe_file(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    status, body = answer(client)
    assert status == 200
    assert body == {"status": "ok", "checks": dict.fromkeys(CHECKS, "ok")}
    # The probe file was written, read and deleted again.
    assert list((tmp_path / "media" / health.PROBE_DIRECTORY).iterdir()) == []


def failed_with(client, name: str) -> None:
    status, body = answer(client)
    assert status == 503
    assert body["status"] == "unavailable"
    assert body["failed"] == [name]
    assert body["checks"] == {check: ("failed" if check == name else "ok") for check in CHECKS}


class BrokenConnection:
    """A database that does not answer, as when PostgreSQL is down."""

    def cursor(self):
        raise OperationalError(f"could not connect to server at {SECRET_DETAIL}")


def test_an_unreachable_database_is_named(client, monkeypatch, caplog):
    monkeypatch.setattr(health, "connection", BrokenConnection())
    failed_with(client, "database")
    # The operator finds the reason in the log, with the exception.
    record = next(r for r in caplog.records if r.getMessage() == "Readiness check database failed")
    assert record.levelname == "ERROR"
    assert SECRET_DETAIL in str(record.exc_info[1])


def test_a_cache_that_keeps_nothing_is_named(client, monkeypatch):
    monkeypatch.setattr(health, "cache", DummyCache("dummy", {}))
    failed_with(client, "cache")


class RaisingCache(DummyCache):
    def set(self, *args, **kwargs):
        raise ConnectionError(f"Error 111 connecting to {SECRET_DETAIL}")

    def delete(self, *args, **kwargs):
        raise ConnectionError(f"Error 111 connecting to {SECRET_DETAIL}")


def test_an_unreachable_cache_is_named(client, monkeypatch):
    monkeypatch.setattr(health, "cache", RaisingCache("redis", {}))
    failed_with(client, "cache")


def test_a_storage_that_cannot_write_is_named(client, monkeypatch, tmp_path):
    # A regular file where the storage's directory should be: every write fails, as on a full
    # or read-only disk.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    monkeypatch.setattr(health, "default_storage", FileSystemStorage(location=blocker))
    failed_with(client, "storage")


class ForgetfulStorage(FileSystemStorage):
    """Takes files but returns other bytes, as a misconfigured object store might."""

    def _open(self, name, mode="rb"):
        stored = super()._open(name, mode)
        stored.read = lambda *args: b"something else"
        return stored


def test_a_storage_that_returns_other_bytes_is_named_and_the_probe_is_deleted(
    client, monkeypatch, tmp_path
):
    monkeypatch.setattr(health, "default_storage", ForgetfulStorage(location=tmp_path))
    failed_with(client, "storage")
    assert list((tmp_path / health.PROBE_DIRECTORY).iterdir()) == []


def keys_copy(tmp_path: Path) -> Path:
    """A copy of the test run's working keys, to break."""
    directory = tmp_path / "keys"
    shutil.copytree(credentials.keys_dir(), directory)
    return directory


def test_missing_signing_keys_are_named(client, settings, tmp_path):
    settings.CLUSTERLABEL_KEYS_DIR = tmp_path / "no-keys-here"
    failed_with(client, "signing_keys")


def test_a_key_file_others_can_read_is_named(client, settings, tmp_path):
    directory = keys_copy(tmp_path)
    (directory / "active.pem").chmod(0o644)
    settings.CLUSTERLABEL_KEYS_DIR = directory
    failed_with(client, "signing_keys")


def test_a_broken_issuer_key_is_named(client, settings, tmp_path):
    directory = keys_copy(tmp_path)
    settings.CLUSTERLABEL_KEYS_DIR = directory
    # The copied keys work ...
    assert answer(client)[0] == 200
    # ... until an awarding authority's key file is damaged.
    issuer = directory / credentials.ISSUERS_SUBDIRECTORY / "some-authority"
    issuer.mkdir(parents=True)
    (issuer / "active.pem").write_text("-----BEGIN PRIVATE KEY-----\nbroken\n")
    (issuer / "active.pem").chmod(0o600)
    failed_with(client, "signing_keys")


def test_several_failures_are_all_named(client, monkeypatch, settings, tmp_path):
    monkeypatch.setattr(health, "cache", DummyCache("dummy", {}))
    settings.CLUSTERLABEL_KEYS_DIR = tmp_path / "no-keys-here"
    status, body = answer(client)
    assert status == 503
    assert body["failed"] == ["cache", "signing_keys"]


def test_healthz_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("healthz")).status_code == 200
    assert client.get("/healthz/").status_code == 301  # the exemption is this exact path


def test_healthz_refuses_a_write(client):
    assert client.post(reverse("healthz")).status_code == 405
