"""Each awarding authority is its own credential issuer: a profile at its id, its own keys at
URL kids, its own status lists; the platform's key and lists from before stay published, so
credentials issued then keep verifying. The documents verifiers fetch are open to any origin.
Status-list positions are random and unique."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from jsonschema import Draft201909Validator

from clusterlabel.credentials.status_list import (
    BitstringStatusList,
    StatusPurpose,
    status_list_entry,
)
from clusterlabel.credentials.vcjwt import Verdict, sign_credential
from clusterlabel.labels import services
from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.models import Label
from clusterlabel.schemes.services import SHIPPED_DIR, scheme_version_load
from tests.factories import UserFactory
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db

OFFICIAL = (
    Path(__file__).parents[2]
    / "credentials"
    / "official"
    / "ob_v3p0_achievementcredential_schema.json"
)


def _path(url: str) -> str:
    return urlsplit(url).path


def _payload(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _header(token: str) -> dict[str, Any]:
    return jwt.get_unverified_header(token)


@pytest.fixture
def ecei(loaded_schemes) -> Label:
    return make_label(scheme_id="ecei-gold")


@pytest.fixture
def state_label(loaded_schemes) -> Label:
    return make_label(scheme_id="bw-cluster-excellence")


def test_the_ministry_and_eucles_are_two_issuers_with_two_keys(ecei, state_label):
    eucles, ministry = (
        _payload(credentials.signed_label_credential(x)) for x in (ecei, state_label)
    )
    assert eucles["iss"] != ministry["iss"]
    assert eucles["issuer"]["name"] == "European Clusters Labelling Excellence Structure (EUCLES)"
    assert eucles["iss"].endswith("/issuers/eucles/")
    assert ministry["issuer"]["name"].startswith("Ministerium für Wirtschaft")
    kids = {_header(credentials.signed_label_credential(x))["kid"] for x in (ecei, state_label)}
    assert len(kids) == 2
    for label in (ecei, state_label):
        kid = _header(credentials.signed_label_credential(label))["kid"]
        assert kid.startswith(credentials.issuer_of(label).id + "keys/")


def test_a_label_of_the_version_before_keeps_its_issuer_and_verifies(ecei):
    """ECEI 2026.1 named ESCA as awarding authority, 2026.2 EUCLES: a label issued under 2026.1
    is signed by ESCA with ESCA's keys, one under 2026.2 by EUCLES; both verify."""
    text = (SHIPPED_DIR / "ecei-gold-2026.2.yaml").read_text(encoding="utf-8")
    eucles = "European Clusters Labelling Excellence Structure (EUCLES)"
    text = text.replace('version: "2026.2"', 'version: "2026.1-before"', 1).replace(
        f'{{id: eucles, name: "{eucles}", country: BE}}',
        '{name: "European Secretariat for Cluster Analysis (ESCA)", country: DE}',
        1,
    )
    assert eucles not in text
    before = scheme_version_load(text=text, source_name="before", make_current=False).scheme_version
    older = make_label(scheme_id="ecei-gold")
    older.scheme_version = before
    older.save(update_fields=["scheme_version"])
    older_token = credentials.signed_label_credential(older)
    assert (
        _payload(older_token)["issuer"]["name"]
        == "European Secretariat for Cluster Analysis (ESCA)"
    )
    assert credentials.issuer_of(older).key != credentials.issuer_of(ecei).key
    for label, token in ((older, older_token), (ecei, credentials.signed_label_credential(ecei))):
        assert credentials.verify_token(token).verdict is Verdict.VALID, label


def test_the_issuer_id_resolves_to_an_ob3_profile(client, ecei):
    issuer = _payload(credentials.signed_label_credential(ecei))["issuer"]
    response = client.get(_path(issuer["id"]))
    assert response.status_code == 200
    profile = response.json()
    assert profile["id"] == issuer["id"] and "Profile" in profile["type"]
    assert profile["name"] == issuer["name"]
    assert profile["url"].startswith("http") and "@" in profile["email"]
    assert profile["image"]["type"] == "Image"
    schema = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    validator = Draft201909Validator({**schema["$defs"]["Profile"], "$defs": schema["$defs"]})
    assert list(validator.iter_errors(profile)) == []
    assert client.get("/issuers/nobody/").status_code == 404


def test_issued_credentials_validate_against_the_official_schema(ecei, state_label):
    schema = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    # VC Data Model 2.0 names the issuance date validFrom (tests/credentials/official/README.md).
    schema["required"] = ["validFrom" if r == "issuanceDate" else r for r in schema["required"]]
    validator = Draft201909Validator(schema)
    for label in (ecei, state_label):
        payload = _payload(credentials.signed_label_credential(label))
        credential = {
            k: v for k, v in payload.items() if k not in {"iss", "sub", "jti", "nbf", "exp"}
        }
        assert [error.message for error in validator.iter_errors(credential)] == []


def test_the_kid_resolves_to_the_public_key_that_verifies_the_credential(client, ecei):
    token = credentials.signed_label_credential(ecei)
    kid = _header(token)["kid"]
    response = client.get(_path(kid))
    assert response.status_code == 200 and response["Content-Type"] == "application/jwk+json"
    jwk = response.json()
    assert jwk["kid"] == kid and not {"d", "p", "q"} & set(jwk)
    public_key = jwt.PyJWK(jwk).key
    assert jwt.decode(token, public_key, algorithms=["RS256"], options={"verify_exp": False})
    issuer_jwks = client.get(_path(credentials.issuer_of(ecei).id) + "jwks.json").json()
    assert kid in [key["kid"] for key in issuer_jwks["keys"]]
    assert client.get(_path(kid) + "x").status_code == 404


def test_the_credential_names_one_status_entry_of_its_issuers_list(client, ecei):
    credential = _payload(credentials.signed_label_credential(ecei))
    status = credential["credentialStatus"]
    assert isinstance(status, dict) and status["statusPurpose"] == "suspension"
    assert status["statusListCredential"].startswith(credential["iss"])
    listed = client.get(_path(status["statusListCredential"]))
    assert listed.status_code == 200
    assert _payload(listed.content.decode())["issuer"] == credential["iss"]


def _revoke(label: Label, state: str = "revoked") -> None:
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state=state, reason="x"
    )


def test_the_in_app_check_tells_suspended_from_revoked(ecei, state_label):
    suspended_token = credentials.signed_label_credential(ecei)
    revoked_token = credentials.signed_label_credential(state_label)
    assert credentials.verify_token(suspended_token).is_valid
    _revoke(ecei, "suspended")
    _revoke(state_label)
    assert credentials.verify_token(suspended_token).verdict is Verdict.SUSPENDED
    assert credentials.verify_token(revoked_token).verdict is Verdict.REVOKED


def _bit(token: str, index: int) -> bool:
    encoded = _payload(token)["credentialSubject"]["encodedList"]
    return BitstringStatusList.decode(encoded).get(index)


def test_a_revoked_labels_bit_stays_set_in_both_lists(ecei, loaded_schemes):
    _revoke(ecei)
    _revoke(make_label(scheme_id="ecei-gold"), "suspended")  # later writes re-sign the lists
    key = credentials.issuer_of(ecei).key
    for purpose in StatusPurpose:
        assert _bit(credentials.signed_status_list(purpose, key), ecei.status_list_index)


def test_a_credential_issued_before_issuers_still_verifies(ecei):
    """Issued by the platform (issuer SITE_URL/, kid = bare thumbprint, two status entries at
    /status/...), as every credential was before this change."""
    credential = credentials.label_credential(ecei)
    credential["issuer"] = {**credential["issuer"], "id": credentials.issuer_id()}
    credential["credentialStatus"] = [
        status_list_entry(
            list_url=credentials.status_list_url(purpose),
            index=ecei.status_list_index,
            purpose=purpose,
        )
        for purpose in StatusPurpose
    ]
    old = sign_credential(credential, credentials.keyring())
    assert ":" not in _header(old)["kid"]
    assert credentials.verify_token(old).is_valid
    _revoke(ecei)
    assert credentials.verify_token(old).verdict is Verdict.REVOKED


def test_the_platform_jwks_keeps_the_old_key_and_has_every_issuers(client, ecei, state_label):
    for label in (ecei, state_label):
        credentials.signed_label_credential(label)
    kids = [key["kid"] for key in client.get("/.well-known/jwks.json").json()["keys"]]
    assert credentials.keyring().active.kid in kids
    for label in (ecei, state_label):
        assert credentials.issuer_keyring(credentials.issuer_of(label)).active.kid in kids


# ------------------------------------------------------------------------------- CORS


def _documents(label: Label) -> list[str]:
    token = credentials.signed_label_credential(label)
    issuer = credentials.issuer_of(label)
    return [
        "/.well-known/jwks.json",
        _path(issuer.id),
        _path(issuer.id) + "jwks.json",
        _path(_header(token)["kid"]),
        _path(credentials.status_list_url(StatusPurpose.SUSPENSION, issuer.key)),
        _path(credentials.status_list_url(StatusPurpose.REVOCATION)),
        f"/labels/{label.certificate_number}/credential.jwt",
    ]


def test_verifier_documents_are_readable_from_any_origin(client, ecei):
    for path in _documents(ecei):
        response = client.get(path, HTTP_ORIGIN="https://verifier.example")
        assert response.status_code == 200, path
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert "ETag" in response["Access-Control-Expose-Headers"]
        preflight = client.options(
            path,
            HTTP_ORIGIN="https://verifier.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        )
        assert preflight.status_code == 204, path
        assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
        assert preflight["Access-Control-Allow-Origin"] == "*"
        assert client.post(path).status_code == 405, path


def test_an_issuers_status_list_is_cached_briefly_and_revalidated(client, ecei):
    path = _path(
        credentials.status_list_url(StatusPurpose.SUSPENSION, credentials.issuer_of(ecei).key)
    )
    first = client.get(path)
    assert first["Cache-Control"] == "public, max-age=60, must-revalidate"
    assert first["Content-Type"] == "application/vc+jwt"
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    _revoke(ecei, "suspended")
    again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 200 and _bit(again.content.decode(), ecei.status_list_index)


# ---------------------------------------------------------------------- list positions


def test_positions_are_random_and_unique(loaded_schemes):
    labels = [make_label(scheme_id="ecei-gold") for _ in range(12)]
    positions = [label.status_list_index for label in labels]
    assert len(set(positions)) == 12
    # In issue order they would be consecutive; twelve random draws from 131,072 are not.
    assert sorted(positions) != list(range(min(positions), min(positions) + 12))


def test_the_database_refuses_a_shared_or_out_of_list_position(ecei, loaded_schemes):
    other = make_label(scheme_id="ecei-gold")
    for position in (ecei.status_list_index, 131_072):
        other.status_list_index = position
        with pytest.raises(IntegrityError), transaction.atomic():
            other.save(update_fields=["status_list_index"])


# ------------------------------------------------------------------------------ bad input


def test_a_deeply_nested_paste_is_a_bad_request_with_a_reason(english_client):
    header = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).rstrip(b"=").decode()
    response = english_client.post("/verify/", {"token": f"{header}.e30.c2ln"})
    assert response.status_code == 400
    assert "This is not a signed credential" in response.content.decode()


def test_a_ten_megabyte_paste_is_a_bad_request_with_a_reason(english_client):
    response = english_client.post("/verify/", {"token": "e" * 10_000_000})
    assert response.status_code == 400
    assert "too large" in response.content.decode()


def test_a_ten_megabyte_post_is_refused_with_the_reason_before_the_view(loaded_schemes):
    """In production the CSRF check reads the form first: the 400 page itself says why."""
    browser = Client(enforce_csrf_checks=True, headers={"accept-language": "en"})
    browser.get("/verify/")
    token = browser.cookies["csrftoken"].value
    response = browser.post("/verify/", {"token": "e" * 10_000_000, "csrfmiddlewaretoken": token})
    assert response.status_code == 400
    assert "at most 5 MiB of form data" in response.content.decode()
