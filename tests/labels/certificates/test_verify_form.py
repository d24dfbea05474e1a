"""Checking a credential by pasting or uploading it: each check, the verdict, what a genuine
credential states, and specific errors for bad input."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from clusterlabel.credentials.keys import KeyRing, generate_private_key
from clusterlabel.credentials.vcjwt import sign_credential
from clusterlabel.labels import services
from clusterlabel.labels.certificates.credentials import label_credential, signed_label_credential
from clusterlabel.labels.forms import MAX_CREDENTIAL_BYTES
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import attribute, element, elements, text
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db

URL = reverse("labels:verify_form")


@pytest.fixture
def label(loaded_schemes):
    today = timezone.localdate()
    return make_label(
        scheme_id="ecei-silver",
        organisation=OrganisationFactory(
            legal_name="Cluster Süd & Partner e. V.", cluster_name="Mobilität <BW>"
        ),
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=700),
    )


def verdict_of(page: str) -> str | None:
    """The verdict's key (valid, revoked, malformed, ...) from its box's class; None without."""
    verdicts = elements(page, "div", class_="verdict")
    if not verdicts:
        return None
    (verdict,) = verdicts
    (key,) = [c for c in (attribute(verdict, "class") or "").split() if c.startswith("verdict-")]
    return key.removeprefix("verdict-")


def checks_of(page: str) -> dict[str, str]:
    """Check name -> ok / failed / skipped, from the checks table."""
    table = element(page, "table", class_="credential-checks")
    states = {}
    for row in elements(element(table, "tbody"), "tr"):
        (state,) = (attribute(row, "class") or "").split()
        states[text(element(row, "th", scope="row"))] = state.removeprefix("check-")
    return states


def test_the_empty_form(english_client):
    page = english_client.get(URL).content.decode()
    form = element(page, "form", enctype="multipart/form-data")
    assert element(form, "textarea", name="token")
    assert attribute(element(form, "input", type="file"), "accept") == ".jwt,.json,.txt,.svg"
    assert verdict_of(page) is None


def test_the_button_is_a_verb_in_german(client):
    form = element(client.get(URL).content.decode(), "form", enctype="multipart/form-data")
    assert text(element(form, "button", type="submit")) == "Prüfen"  # not the noun "Prüfung"


def test_a_genuine_credential_verifies_and_shows_what_it_states(english_client, label):
    page = english_client.post(URL, {"token": signed_label_credential(label)}).content.decode()
    assert verdict_of(page) == "valid"
    assert checks_of(page) == {
        "Signature": "ok",
        "Key": "ok",
        "Validity dates": "ok",
        "Revocation and suspension": "ok",
    }
    shown = text(page)
    assert "Cluster Süd & Partner e. V." in shown
    assert "Mobilität <BW>" in shown
    assert "ECEI Silver Label - Silver" in shown
    assert "European Clusters Labelling Excellence Structure (EUCLES)" in shown
    verify_url = reverse("labels:verify", args=[label.certificate_number])
    assert label.certificate_number in [text(a) for a in elements(page, "a", href=verify_url)]
    assert f"Open the verification page of {label.certificate_number}" in shown
    assert not elements(page, role="alert")


def test_a_wrapped_pasted_credential_and_an_uploaded_file_verify(client, label):
    token = signed_label_credential(label)
    wrapped = "\n".join(token[i : i + 76] for i in range(0, len(token), 76))
    assert verdict_of(client.post(URL, {"token": f"  {wrapped}\n"}).content.decode()) == "valid"
    for name, content in (
        ("label.jwt", token),
        ("label.txt", token + "\n"),
        ("label.json", json.dumps(token)),
        (
            "enveloped.json",
            json.dumps(
                {
                    "@context": ["https://www.w3.org/ns/credentials/v2"],
                    "type": "EnvelopedVerifiableCredential",
                    "id": f"data:application/vc+jwt,{token}",
                }
            ),
        ),
    ):
        upload = SimpleUploadedFile(name, content.encode(), content_type="application/octet-stream")
        page = client.post(URL, {"file": upload}).content.decode()
        assert verdict_of(page) == "valid", name


def test_a_tampered_credential_has_an_invalid_signature_and_shows_no_details(english_client, label):
    header, payload, signature = signed_label_credential(label).split(".")
    middle = len(payload) // 2
    flipped = "B" if payload[middle] != "B" else "C"
    tampered = ".".join((header, payload[:middle] + flipped + payload[middle + 1 :], signature))
    page = english_client.post(URL, {"token": tampered}).content.decode()
    assert verdict_of(page) == "signature_invalid"
    assert "Invalid signature" in page
    assert checks_of(page)["Signature"] == "failed"
    assert checks_of(page)["Key"] == "ok"
    assert checks_of(page)["Validity dates"] == "skipped"
    # Raw on purpose: nothing from an unverified token is anywhere in the page.
    assert "Cluster Süd" not in page


def test_a_revoked_labels_credential_shows_revoked(english_client, label):
    token = signed_label_credential(label)
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    page = english_client.post(URL, {"token": token}).content.decode()
    assert verdict_of(page) == "revoked"
    assert checks_of(page)["Revocation and suspension"] == "failed"
    assert checks_of(page)["Signature"] == "ok"
    assert "Cluster Süd &amp; Partner e. V." in page  # genuine, so its statements are shown


def test_a_suspended_and_an_expired_credential(client, loaded_schemes):
    today = timezone.localdate()
    suspended = make_label()
    services.label_change_state(
        label=suspended, actor=UserFactory(role="secretariat"), new_state="suspended", reason="x"
    )
    page = client.post(URL, {"token": signed_label_credential(suspended)}).content.decode()
    assert verdict_of(page) == "suspended"
    expired = make_label(valid_from=today - timedelta(days=800), valid_until=today - timedelta(2))
    page = client.post(URL, {"token": signed_label_credential(expired)}).content.decode()
    assert verdict_of(page) == "expired"


def test_a_credential_signed_with_a_foreign_key_is_an_unknown_key(english_client, label, tmp_path):
    foreign = KeyRing(active=generate_private_key(tmp_path / "active.pem", key_size=2048))
    token = sign_credential(label_credential(label), foreign)
    page = english_client.post(URL, {"token": token}).content.decode()
    assert verdict_of(page) == "unknown_key"
    assert "Unknown key" in page
    assert checks_of(page)["Key"] == "failed"
    assert "Cluster Süd" not in page


def test_garbage_is_malformed_and_the_text_is_kept(english_client, loaded_schemes):
    garbage = "this is <not> a credential"
    page = english_client.post(URL, {"token": garbage}).content.decode()
    assert verdict_of(page) == "malformed"
    assert elements(page, role="alert")
    assert "This is not a signed credential" in text(page)
    assert text(element(page, "textarea", name="token")) == "this is <not> a credential"
    # Three dot-separated parts that are not base64url JSON: malformed as well.
    page = english_client.post(URL, {"token": "a.b.c"}).content.decode()
    assert verdict_of(page) == "malformed"


def test_empty_input_and_both_inputs_are_refused(english_client, label):
    page = english_client.post(URL, {"token": "   "}).content.decode()
    assert verdict_of(page) is None
    assert "Please paste a credential or choose a file to check." in page
    token = signed_label_credential(label)
    upload = SimpleUploadedFile("label.jwt", token.encode())
    page = english_client.post(URL, {"token": token, "file": upload}).content.decode()
    assert verdict_of(page) is None
    assert "Please paste a credential or upload a file, not both." in page
    assert token in page  # the pasted text is kept


def test_too_large_wrong_type_and_binary_files_are_refused_with_the_reason(english_client, label):
    big = SimpleUploadedFile("huge.jwt", b"a" * (MAX_CREDENTIAL_BYTES + 1))
    page = english_client.post(URL, {"file": big}).content.decode()
    assert verdict_of(page) is None
    assert (
        "The file “huge.jwt” has 65,537 bytes; at most 65,536 bytes (64 KiB) are accepted." in page
    )
    page = english_client.post(URL, {"token": "x" * (MAX_CREDENTIAL_BYTES + 1)}).content.decode()
    assert verdict_of(page) is None
    assert "The pasted text has 65,537 bytes; a credential has at most 65,536 bytes" in page
    pdf = SimpleUploadedFile("certificate.pdf", b"%PDF-1.4")
    page = english_client.post(URL, {"file": pdf}).content.decode()
    assert "“certificate.pdf” is not a .jwt, .json, .txt or .svg file." in page
    binary = SimpleUploadedFile("label.jwt", b"\xff\xfe\x00\x81")
    page = english_client.post(URL, {"file": binary}).content.decode()
    assert "The file “label.jwt” is not a text file." in page
    unsigned = SimpleUploadedFile("label.json", json.dumps(label_credential(label)).encode())
    page = english_client.post(URL, {"file": unsigned}).content.decode()
    assert verdict_of(page) is None
    assert "This file holds an unsigned credential." in page


def test_nothing_but_get_and_post(client):
    assert client.put(URL).status_code == 405
