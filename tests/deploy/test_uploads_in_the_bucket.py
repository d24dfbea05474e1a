"""Uploaded evidence in an S3 bucket, as compose.yaml runs it: the upload through the page lands
in the bucket without a public grant, the download streams it back through the checked view,
strangers still get 404, a vanished object is a 404 and not a 500, and /healthz's storage check
works on the bucket. The bucket is moto's in-process S3: no network, no MinIO."""

from __future__ import annotations

import json

import boto3
import pytest
from django.core.files.storage import default_storage as storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto import mock_aws

from clusterlabel.accounts.choices import Role
from clusterlabel.core.object_storage import S3_BACKEND, default_storage
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Evidence
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import PDF, login
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

BUCKET = "clusterlabel-uploads"
REGION = "eu-central-1"
ENVIRONMENT = {
    "STORAGE_S3_BUCKET": BUCKET,
    "STORAGE_S3_ACCESS_KEY": "uploads-user-7f3a",
    "STORAGE_S3_SECRET_KEY": "a-long-secret-of-the-object-store",
    "STORAGE_S3_REGION": REGION,
}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture
def bucket(settings):
    """An empty private bucket, and the settings' default storage on it."""
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        settings.STORAGES = {**settings.STORAGES, "default": default_storage(ENVIRONMENT)}
        assert settings.STORAGES["default"]["BACKEND"] == S3_BACKEND
        yield client


@pytest.fixture
def builder():
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.CONTRACTED)
    return builder


def upload(client, builder) -> Evidence:
    login(client, builder.manager, language="en")
    response = client.post(
        reverse("procedures:evidence_upload", args=[builder.procedure.pk]),
        {"indicator_id": "STR-01", "file": SimpleUploadedFile("Prüfbericht.pdf", PDF)},
    )
    assert response.status_code == 302
    return Evidence.objects.get()


def download_url(evidence: Evidence) -> str:
    return reverse("procedures:evidence_download", args=[evidence.procedure_id, evidence.pk])


def test_an_upload_lands_in_the_bucket_privately_and_comes_back_through_the_view(
    client, bucket, builder
):
    evidence = upload(client, builder)

    (stored,) = bucket.list_objects_v2(Bucket=BUCKET)["Contents"]
    assert stored["Key"] == evidence.file.name
    assert stored["Key"].startswith(f"evidence/{builder.procedure.pk}/")
    assert bucket.get_object(Bucket=BUCKET, Key=stored["Key"])["Body"].read() == PDF
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=stored["Key"])["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]  # the owner alone
    assert not [grant for grant in grants if grant["Grantee"].get("URI") == ALL_USERS]

    response = client.get(download_url(evidence))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-cache"


def test_strangers_still_get_404_for_a_file_in_the_bucket(client, bucket, builder):
    evidence = upload(client, builder)
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    client.force_login(stranger)
    assert client.get(download_url(evidence)).status_code == 404


def test_a_second_file_with_the_same_name_never_replaces_the_first(bucket):
    first = storage.save("evidence/1/same", SimpleUploadedFile("a", b"first"))
    second = storage.save("evidence/1/same", SimpleUploadedFile("b", b"second"))
    assert first != second
    with storage.open(first, "rb") as stored:
        assert stored.read() == b"first"


def test_a_vanished_object_is_a_404(client, bucket, builder):
    evidence = upload(client, builder)
    bucket.delete_object(Bucket=BUCKET, Key=evidence.file.name)
    assert client.get(download_url(evidence)).status_code == 404


def test_healthz_checks_the_bucket(client, bucket):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content)["checks"]["storage"] == "ok"
    # The probe file is gone again.
    assert "Contents" not in bucket.list_objects_v2(Bucket=BUCKET)

    bucket.delete_bucket(Bucket=BUCKET)
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["failed"] == ["storage"]
