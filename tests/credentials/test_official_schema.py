"""Conformance with what other software checks: the official 1EdTech OB 3.0 JSON Schema, the
OB 3.0 VC-JWT rules, and two verifiers that are not ours (PyJWT, openbadgeslib).

The schema is the official file, vendored in ``official/`` (see its README for source, licence
and the one adjustment: OB 3.0.3 credentials carry ``validFrom`` where the schema file, written
for the VC Data Model 1.1, requires ``issuanceDate``).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from jsonschema import Draft201909Validator
from openbadgeslib.ob3 import OB3Verifier
from openbadgeslib.ob3.verifier import OB3VerificationError

from clusterlabel.credentials import (
    BitstringStatusList,
    KeyRing,
    LabelClaim,
    build_credential,
    build_status_list_credential,
    sign_credential,
)

from .helpers import ISSUER, SUSPENSION_LIST_URL, decode_part

OFFICIAL = Path(__file__).with_name("official") / "ob_v3p0_achievementcredential_schema.json"
#: A moment inside the fixture claim's validity, for the third-party verifiers that read the
#: real clock: they are given a claim valid until 2099.
FAR_FUTURE = date(2099, 12, 31)


def official_validator() -> Draft201909Validator:
    schema = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    Draft201909Validator.check_schema(schema)
    # The one adjustment (README): VC Data Model 2.0 names the issuance date validFrom.
    schema["required"] = ["validFrom" if r == "issuanceDate" else r for r in schema["required"]]
    return Draft201909Validator(schema)


def test_the_vendored_schema_is_the_official_one() -> None:
    schema = json.loads(OFFICIAL.read_text(encoding="utf-8"))
    assert schema["$id"] == (
        "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
    )
    assert schema["properties"]["credentialStatus"] == {"$ref": "#/$defs/CredentialStatus"}
    assert schema["$defs"]["CredentialStatus"]["type"] == "object"


def test_a_label_credential_validates_against_the_official_schema(claim: LabelClaim) -> None:
    issuer_details = LabelClaim(
        **{
            **claim.__dict__,
            "issuer_email": "labels@eucles.example",
            "issuer_image": f"{ISSUER}/static/clusterlabel/favicon.svg",
        }
    )
    for credential in (build_credential(claim), build_credential(issuer_details)):
        errors = [e.message for e in official_validator().iter_errors(credential)]
        assert errors == []


def test_the_official_schema_refuses_the_two_entry_status_of_before(claim: LabelClaim) -> None:
    """What the issue found: an array of two status entries fails the official schema."""
    credential = copy.deepcopy(build_credential(claim))
    entry = credential["credentialStatus"]
    credential["credentialStatus"] = [entry, {**entry, "statusPurpose": "revocation"}]
    errors = list(official_validator().iter_errors(credential))
    assert errors and "credentialStatus" in errors[0].json_path


# ------------------------------------------------------------------- VC-JWT, OB 3.0 rules


def test_header_is_what_ob3_allows(claim: LabelClaim, ring: KeyRing) -> None:
    """OB 3.0: alg RS256, typ (if present) JWT, kid; no other JOSE header (so no cty)."""
    token = sign_credential(build_credential(claim), ring.with_kid_base(f"{ISSUER}/keys/"))
    header = decode_part(token, 0)
    assert header == {"alg": "RS256", "typ": "JWT", "kid": f"{ISSUER}/keys/{ring.active.kid}"}


def _far_claim(claim: LabelClaim) -> LabelClaim:
    return LabelClaim(**{**claim.__dict__, "valid_until": FAR_FUTURE})


def _public_pem(ring: KeyRing) -> bytes:
    return ring.active.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def test_pyjwt_verifies_the_token_and_its_registered_claims(
    claim: LabelClaim, ring: KeyRing
) -> None:
    far = _far_claim(claim)
    token = sign_credential(build_credential(far), ring)
    payload = jwt.decode(
        token,
        ring.active.public_key,
        algorithms=["RS256"],
        options={"require": ["iss", "sub", "nbf", "exp", "jti"]},
    )
    assert payload["iss"] == far.issuer_id == payload["issuer"]["id"]
    assert payload["sub"] == far.organisation_id
    assert payload["jti"] == far.credential_id
    assert payload["exp"] == int(datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())
    assert payload["nbf"] == int(datetime(2022, 3, 1, tzinfo=UTC).timestamp())


def test_pyjwt_refuses_a_token_signed_by_another_key(
    claim: LabelClaim, ring: KeyRing, attacker_ring: KeyRing
) -> None:
    token = sign_credential(build_credential(_far_claim(claim)), attacker_ring)
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, ring.active.public_key, algorithms=["RS256"])


def _suspension_list(ring: KeyRing, *set_bits: int) -> str:
    bits = BitstringStatusList()
    for index in set_bits:
        bits.set(index)
    return sign_credential(
        build_status_list_credential(
            list_url=SUSPENSION_LIST_URL,
            issuer_id=ISSUER,
            purpose="suspension",
            status_list=bits,
            valid_from=datetime(2022, 1, 1, tzinfo=UTC),
        ),
        ring,
    )


def _openbadgeslib_verify(token: str, ring: KeyRing, status_list: str) -> Any:
    def download(url: str) -> bytes:  # offline: the list we would publish at that URL
        assert url == SUSPENSION_LIST_URL
        return status_list.encode()

    return OB3Verifier(pubkey_pem=_public_pem(ring)).verify(
        token, check_status=True, verify_status_list=True, download=download
    )


def test_openbadgeslib_accepts_a_valid_label_and_checks_its_status(
    claim: LabelClaim, ring: KeyRing
) -> None:
    far = _far_claim(claim)
    token = sign_credential(build_credential(far), ring)
    credential = _openbadgeslib_verify(token, ring, _suspension_list(ring, 4710, 4712))
    assert credential.issuer.id == far.issuer_id


def test_a_w3c_status_check_never_reports_a_suspended_or_revoked_label_valid(
    claim: LabelClaim, ring: KeyRing
) -> None:
    """openbadgeslib follows the W3C Bitstring Status List and knows nothing of our revocation
    list: the one list the credential names marks suspended and revoked labels alike."""
    token = sign_credential(build_credential(_far_claim(claim)), ring)
    with pytest.raises(OB3VerificationError, match="suspension"):
        _openbadgeslib_verify(token, ring, _suspension_list(ring, claim.status_list_index))
