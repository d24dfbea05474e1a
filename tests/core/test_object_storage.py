"""Uploaded files in the data directory or in a private S3-compatible bucket, from the
environment (core.object_storage, the settings' STORAGES); an incomplete environment is refused
with one sentence. No network: the S3 storage is built, never asked."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from storages.backends.s3 import S3Storage

from clusterlabel.core.object_storage import FILE_SYSTEM_BACKEND, S3_BACKEND, default_storage
from tests.core.test_settings import PRODUCTION_ENV, run_django
from tests.test_cli import assert_one_sentence, run_cli

MINIO = {
    "STORAGE_S3_BUCKET": "clusterlabel-uploads",
    "STORAGE_S3_ENDPOINT_URL": "http://minio:9000",
    "STORAGE_S3_ACCESS_KEY": "uploads-user-7f3a",
    "STORAGE_S3_SECRET_KEY": "a-long-secret-of-the-object-store",
    "STORAGE_S3_REGION": "eu-central-1",
}


def test_no_variables_keep_the_files_in_the_data_directory():
    assert default_storage({}) == {"BACKEND": FILE_SYSTEM_BACKEND}
    assert default_storage({"STORAGE_S3_BUCKET": "  "}) == {"BACKEND": FILE_SYSTEM_BACKEND}


def test_a_bucket_gives_the_private_s3_backend():
    storage = default_storage(MINIO)
    assert storage["BACKEND"] == S3_BACKEND
    assert storage["OPTIONS"] == {
        "bucket_name": "clusterlabel-uploads",
        "endpoint_url": "http://minio:9000",
        "access_key": "uploads-user-7f3a",
        "secret_key": "a-long-secret-of-the-object-store",
        "region_name": "eu-central-1",
        "addressing_style": "path",
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": 300,
        "file_overwrite": False,
    }


def test_aws_without_an_endpoint_lets_boto_choose_the_addressing():
    environ = {key: value for key, value in MINIO.items() if key != "STORAGE_S3_ENDPOINT_URL"}
    options = default_storage(environ)["OPTIONS"]
    assert options["endpoint_url"] is None
    assert options["addressing_style"] == "auto"


def test_the_backend_accepts_the_options_and_signs_every_url():
    """django-storages takes every option as given; a URL (which no page hands out: downloads
    go through the views) is signed and expires, never a public address."""
    storage = S3Storage(**default_storage(MINIO)["OPTIONS"])
    assert storage.bucket_name == "clusterlabel-uploads"
    assert storage.default_acl is None
    assert storage.file_overwrite is False
    url = urlsplit(storage.url("evidence/7/abc"))
    assert (url.scheme, url.netloc, url.path) == (
        "http",
        "minio:9000",
        "/clusterlabel-uploads/evidence/7/abc",
    )
    query = parse_qs(url.query)
    assert query["X-Amz-Expires"] == ["300"]
    assert "X-Amz-Signature" in query


@pytest.mark.parametrize(
    ("missing", "sentence"),
    [
        ("STORAGE_S3_SECRET_KEY", "STORAGE_S3_BUCKET is set, but STORAGE_S3_SECRET_KEY is not"),
        ("STORAGE_S3_ACCESS_KEY", "STORAGE_S3_BUCKET is set, but STORAGE_S3_ACCESS_KEY is not"),
    ],
)
def test_a_missing_key_is_refused(missing, sentence):
    environ = {key: value for key, value in MINIO.items() if key != missing}
    with pytest.raises(ImproperlyConfigured, match=sentence):
        default_storage(environ)


def test_both_keys_missing_are_named_together():
    environ = {"STORAGE_S3_BUCKET": "uploads"}
    with pytest.raises(ImproperlyConfigured) as refused:
        default_storage(environ)
    assert "STORAGE_S3_ACCESS_KEY and STORAGE_S3_SECRET_KEY are not" in str(refused.value)


def test_object_store_variables_without_a_bucket_are_refused():
    environ = {key: value for key, value in MINIO.items() if key != "STORAGE_S3_BUCKET"}
    with pytest.raises(ImproperlyConfigured) as refused:
        default_storage(environ)
    message = str(refused.value)
    assert message.startswith("STORAGE_S3_ENDPOINT_URL, STORAGE_S3_ACCESS_KEY,")
    assert "but STORAGE_S3_BUCKET is not" in message
    # The sentence names the variables, never a value.
    assert MINIO["STORAGE_S3_SECRET_KEY"] not in message


@pytest.mark.parametrize(
    ("variable", "value", "sentence"),
    [
        ("STORAGE_S3_ENDPOINT_URL", "minio:9000", "must be an http:// or https:// address"),
        ("STORAGE_S3_ADDRESSING_STYLE", "dns", "must be one of auto, path, virtual"),
        ("STORAGE_S3_URL_EXPIRY_SECONDS", "5m", "must be a whole number"),
    ],
)
def test_unclear_values_are_refused(variable, value, sentence):
    with pytest.raises(ImproperlyConfigured, match=sentence):
        default_storage({**MINIO, variable: value})


def test_without_django_storages_the_sentence_names_the_extra(monkeypatch):
    monkeypatch.setattr("importlib.util.find_spec", lambda name: None)
    with pytest.raises(ImproperlyConfigured, match=r"pip install 'clusterlabel\[s3\]'"):
        default_storage(MINIO)


# The settings module itself, as a server process reads it.

STORAGE_OF = (
    "from django.conf import settings; from django.core.files.storage import storages; "
    "print(settings.STORAGES['default']['BACKEND']); print(type(storages['default']).__name__); "
    "print(getattr(storages['default'], 'bucket_name', '-'))"
)


def test_settings_without_the_variables_use_the_file_system(tmp_path):
    result = run_django(["shell", "--no-imports", "-c", STORAGE_OF], PRODUCTION_ENV, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [FILE_SYSTEM_BACKEND, "FileSystemStorage", "-"]


def test_settings_with_the_variables_use_the_bucket(tmp_path):
    result = run_django(
        ["shell", "--no-imports", "-c", STORAGE_OF], {**PRODUCTION_ENV, **MINIO}, tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [S3_BACKEND, "S3Storage", "clusterlabel-uploads"]


def test_the_command_refuses_a_missing_secret_with_the_sentence(tmp_path):
    environ = {**PRODUCTION_ENV, **MINIO, "STORAGE_S3_SECRET_KEY": ""}
    result = run_cli(["migrate"], environ, tmp_path)
    assert_one_sentence(result, "STORAGE_S3_BUCKET is set, but STORAGE_S3_SECRET_KEY is not")
    assert MINIO["STORAGE_S3_ACCESS_KEY"] not in result.stderr
