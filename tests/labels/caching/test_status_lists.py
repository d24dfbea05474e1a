"""The status lists are signed when a label's state changes and read as stored: the endpoint
answers conditional requests, and the in-app credential check signs nothing."""

from __future__ import annotations

import json

import pytest
from django.db import transaction
from django.urls import reverse

from clusterlabel.credentials._encoding import b64url_decode
from clusterlabel.credentials.keys import create_key_directory, rotate
from clusterlabel.credentials.status_list import BitstringStatusList, StatusPurpose
from clusterlabel.labels import services
from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label, StoredStatusList
from tests.factories import UserFactory
from tests.labels.label_factories import make_label


@pytest.fixture
def label(loaded_schemes):
    return make_label()


def _revoke(label, state="revoked"):
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state=state, reason="x"
    )


def _status_list_url(purpose: str) -> str:
    return reverse("labels:status_list", args=[purpose])


def _is_set(token: str, index: int) -> bool:
    payload = json.loads(b64url_decode(token.split(".")[1]))
    encoded = payload["credentialSubject"]["encodedList"]
    return BitstringStatusList.decode(encoded).get(index)


def test_a_revocation_signs_the_revocation_list_again_in_the_same_transaction(label):
    assert not _is_set(
        credentials.signed_status_list(StatusPurpose.REVOCATION), label.status_list_index
    )
    with transaction.atomic():
        _revoke(label)
        stored = StoredStatusList.objects.get(issuer="", purpose="revocation")
        assert _is_set(stored.token, label.status_list_index)


def test_the_endpoint_serves_the_stored_list_and_answers_a_conditional_get(client, label):
    url = _status_list_url("revocation")
    first = client.get(url)
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"] and "public" in first["Cache-Control"]
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    _revoke(label)
    after = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert after.status_code == 200
    assert _is_set(after.content.decode(), label.status_list_index)
    assert after["ETag"] != first["ETag"]


def test_a_suspension_sets_the_bit_in_the_suspension_list_only(client, label):
    _revoke(label, "suspended")
    assert _is_set(
        client.get(_status_list_url("suspension")).content.decode(), label.status_list_index
    )
    assert not _is_set(
        client.get(_status_list_url("revocation")).content.decode(), label.status_list_index
    )


def test_the_in_app_check_reads_the_stored_lists_in_one_query(label, django_assert_num_queries):
    token = credentials.signed_label_credential(label)
    credentials.stored_status_lists()  # both stored (a new database has none yet)
    with django_assert_num_queries(1):
        report = credentials.verify_token(token)
    assert report.is_valid
    _revoke(label)
    with django_assert_num_queries(1):
        assert credentials.verify_token(token).status == "revoked"


def test_a_list_signed_with_a_retired_key_is_signed_again_with_the_active_one(
    label, settings, tmp_path
):
    settings.CLUSTERLABEL_KEYS_DIR = str(tmp_path / "keys")
    create_key_directory(tmp_path / "keys")
    old = credentials.stored_status_list(StatusPurpose.REVOCATION)
    rotate(tmp_path / "keys")
    new = credentials.stored_status_list(StatusPurpose.REVOCATION)
    assert new.kid != old.kid
    assert new.kid == credentials.keyring().active.kid
    assert credentials.verify_token(credentials.signed_label_credential(label)).is_valid


def test_an_imported_revoked_label_is_in_the_revocation_list(loaded_schemes):
    text = (
        "Clustername;Land;Label;Gültig bis;Labelstatus;Begründung;Status geändert am\n"
        "A e.V.;DE;ECEI Gold;30.09.2030;revoked;Widerrufen;01.03.2025\n"
        "B e.V.;DE;ECEI Gold;30.09.2030;active;;\n"
    )
    result = labels_import(data=text.encode(), actor=None, file_name="list.csv")
    assert result.written, result.errors
    revoked = Label.objects.get(organisation__cluster_name="A e.V.")
    active = Label.objects.get(organisation__cluster_name="B e.V.")
    assert revoked.state == "revoked"
    stored = StoredStatusList.objects.get(issuer="", purpose="revocation")
    assert _is_set(stored.token, revoked.status_list_index)
    assert not _is_set(stored.token, active.status_list_index)
