"""Signing and verifying label credentials (VC-JWT): every way a token can be wrong."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from clusterlabel.credentials import (
    AlgorithmOutcome,
    BitstringStatusList,
    DatesOutcome,
    KeyOutcome,
    KeyRing,
    LabelClaim,
    SignatureOutcome,
    StatusOutcome,
    Verdict,
    build_credential,
    build_status_list_credential,
    rotate,
    sign_credential,
    verify_credential,
)

from .helpers import (
    INSIDE_VALIDITY,
    ISSUER,
    REVOCATION_LIST_URL,
    SUSPENSION_LIST_URL,
    b64url,
    decode_part,
    unb64url,
    with_part,
)


def signed_list(
    ring: KeyRing,
    *,
    url: str,
    purpose: str,
    set_bits: tuple[int, ...] = (),
    issuer: str = ISSUER,
) -> str:
    """A signed status-list credential with the given bits set."""
    status = BitstringStatusList()
    for index in set_bits:
        status.set(index)
    credential = build_status_list_credential(
        list_url=url,
        issuer_id=issuer,
        purpose=purpose,
        status_list=status,
        valid_from=datetime(2022, 1, 1, tzinfo=UTC),
    )
    return sign_credential(credential, ring)


def lists(
    ring: KeyRing, *, revoked: tuple[int, ...] = (), suspended: tuple[int, ...] = ()
) -> dict[str, str]:
    """Both signed status lists of the issuer, as the platform publishes them: the suspension
    list (the one a credential names) marks suspended *and* revoked labels."""
    return {
        REVOCATION_LIST_URL: signed_list(
            ring, url=REVOCATION_LIST_URL, purpose="revocation", set_bits=revoked
        ),
        SUSPENSION_LIST_URL: signed_list(
            ring, url=SUSPENSION_LIST_URL, purpose="suspension", set_bits=suspended + revoked
        ),
    }


@pytest.fixture
def token(claim: LabelClaim, ring: KeyRing) -> str:
    return sign_credential(build_credential(claim), ring)


def sign_raw(header: dict[str, Any], payload: dict[str, Any] | bytes, ring: KeyRing) -> str:
    """Sign arbitrary header/payload with the issuer's real key (to test the claim checks)."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return jws.serialize_compact(header, data, ring.active.joserfc_private_key(), ["RS256"])


def flip_byte(segment: str, position: int) -> str:
    """Flip the low bit of one decoded byte of a base64url segment."""
    raw = bytearray(unb64url(segment))
    raw[position] ^= 0x01
    return b64url(bytes(raw))


# ------------------------------------------------------------------------ round trip


def test_round_trip_is_valid_with_both_status_lists(
    token: str, jwks: dict, ring: KeyRing, claim: LabelClaim
) -> None:
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring))
    assert report.verdict is Verdict.VALID and report.exit_code == 0 and report.is_valid
    assert report.signature is SignatureOutcome.VALID
    assert report.key is KeyOutcome.KNOWN and report.kid == ring.active.kid
    assert report.algorithm is AlgorithmOutcome.ACCEPTED and report.alg == "RS256"
    assert report.dates is DatesOutcome.VALID
    assert report.status is StatusOutcome.VALID
    assert report.credential == build_credential(claim)
    assert report.valid_until == datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)


def test_header_and_claims_follow_ob3(token: str, ring: KeyRing, claim: LabelClaim) -> None:
    assert decode_part(token, 0) == {"alg": "RS256", "kid": ring.active.kid, "typ": "JWT"}
    payload = decode_part(token, 1)
    assert "vc" not in payload  # OB 3.0 / VC 2.0: the payload is the credential itself
    assert payload["iss"] == claim.issuer_id == payload["issuer"]["id"]
    assert payload["jti"] == claim.credential_id == payload["id"]
    assert payload["sub"] == claim.organisation_id == payload["credentialSubject"]["id"]
    assert payload["nbf"] == int(datetime(2022, 3, 1, tzinfo=UTC).timestamp())
    assert payload["exp"] == int(datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC).timestamp())
    assert {k: v for k, v in payload.items() if k not in {"iss", "jti", "sub", "nbf", "exp"}} == (
        build_credential(claim)
    )


def test_without_status_list_the_verdict_is_never_valid(token: str, jwks: dict) -> None:
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.STATUS_NOT_CHECKED and report.exit_code == 8
    assert report.status is StatusOutcome.NOT_CHECKED
    assert not report.is_valid
    assert report.signature is SignatureOutcome.VALID and report.dates is DatesOutcome.VALID


def test_with_only_one_list_the_status_is_not_checked(
    token: str, jwks: dict, ring: KeyRing
) -> None:
    only_revocation = {REVOCATION_LIST_URL: lists(ring)[REVOCATION_LIST_URL]}
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=only_revocation)
    assert report.verdict is Verdict.STATUS_NOT_CHECKED
    assert any("suspension: not checked" in line for line in report.status_details)


# ------------------------------------------------------------------------ tampering


def test_flipped_byte_in_signature_is_refused(token: str, jwks: dict, ring: KeyRing) -> None:
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{flip_byte(signature, 100)}"
    report = verify_credential(tampered, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring))
    assert report.verdict is Verdict.SIGNATURE_INVALID and report.exit_code == 1
    assert report.signature is SignatureOutcome.INVALID
    assert report.key is KeyOutcome.KNOWN
    assert report.credential is None  # nothing from an unverified token is handed out


@pytest.mark.parametrize("position", [0, 1, 200, -1])
def test_flipped_byte_in_payload_is_refused(
    token: str, jwks: dict, ring: KeyRing, position: int
) -> None:
    header, payload, signature = token.split(".")
    raw = unb64url(payload)
    tampered = f"{header}.{flip_byte(payload, position % len(raw))}.{signature}"
    report = verify_credential(tampered, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring))
    # The signature is checked over the raw bytes before the payload is even parsed.
    assert report.verdict is Verdict.SIGNATURE_INVALID
    assert report.signature is SignatureOutcome.INVALID


def test_edited_organisation_name_breaks_the_signature(token: str, jwks: dict) -> None:
    payload = decode_part(token, 1)
    payload["credentialSubject"]["identifier"][0]["identityHash"] = "Fake Cluster GmbH"
    report = verify_credential(with_part(token, 1, payload), jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.SIGNATURE_INVALID


def test_edited_valid_until_breaks_the_signature(token: str, jwks: dict, ring: KeyRing) -> None:
    payload = decode_part(token, 1)
    payload["validUntil"] = "2099-12-31T23:59:59Z"
    payload["exp"] = int(datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp())
    later = datetime(2030, 1, 1, tzinfo=UTC)
    report = verify_credential(
        with_part(token, 1, payload), jwks, now=later, status_lists=lists(ring)
    )
    assert report.verdict is Verdict.SIGNATURE_INVALID
    assert report.dates is DatesOutcome.NOT_CHECKED


# ------------------------------------------------------------------------ algorithms


@pytest.mark.parametrize("signature", ["", "c2lnbmF0dXJl"])
@pytest.mark.parametrize("with_kid", [True, False])
def test_alg_none_is_refused(
    token: str, jwks: dict, ring: KeyRing, signature: str, with_kid: bool
) -> None:
    header: dict[str, Any] = {"alg": "none", "typ": "JWT"}
    if with_kid:
        header["kid"] = ring.active.kid
    forged = with_part(token, 0, header).rsplit(".", 1)[0] + "." + signature
    report = verify_credential(forged, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring))
    assert report.verdict is Verdict.SIGNATURE_INVALID
    assert report.algorithm is AlgorithmOutcome.REFUSED and report.alg == "none"
    assert report.signature is SignatureOutcome.INVALID


def _hs256_forgery(token: str, kid: str, secret: bytes) -> str:
    """Re-sign the genuine payload with HMAC-SHA256, the public key material as the secret."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    payload = token.split(".")[1]
    mac = hmac.new(secret, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{b64url(mac)}"


@pytest.mark.parametrize("secret_form", ["pem", "jwk", "jwks"])
def test_hs256_with_the_public_key_as_secret_is_refused(
    token: str, jwks: dict, ring: KeyRing, secret_form: str
) -> None:
    secret = {
        "pem": ring.active.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "jwk": json.dumps(ring.active.public_jwk()).encode(),
        "jwks": json.dumps(jwks).encode(),
    }[secret_form]
    forged = _hs256_forgery(token, ring.active.kid, secret)
    report = verify_credential(forged, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring))
    assert report.verdict is Verdict.SIGNATURE_INVALID
    assert report.algorithm is AlgorithmOutcome.REFUSED and report.alg == "HS256"
    # And the library call itself, with the pinned algorithm list, refuses it as well.
    with pytest.raises(JoseError):
        jws.deserialize_compact(forged, RSAKey.import_key(ring.active.public_jwk()), ["RS256"])


# ------------------------------------------------------------------------ keys


def test_kid_the_issuer_never_published_is_an_unknown_key(
    claim: LabelClaim, jwks: dict, attacker_ring: KeyRing
) -> None:
    forged = sign_credential(build_credential(claim), attacker_ring)
    report = verify_credential(forged, jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.UNKNOWN_KEY and report.exit_code == 2
    assert report.key is KeyOutcome.UNKNOWN_KID and report.kid == attacker_ring.active.kid
    assert report.signature is SignatureOutcome.NOT_CHECKED


def test_foreign_key_under_the_issuers_kid_is_a_bad_signature(
    claim: LabelClaim, jwks: dict, ring: KeyRing, attacker_ring: KeyRing
) -> None:
    header = {"alg": "RS256", "kid": ring.active.kid, "typ": "JWT"}
    payload = decode_part(sign_credential(build_credential(claim), ring), 1)
    forged = jws.serialize_compact(
        header, json.dumps(payload).encode(), attacker_ring.active.joserfc_private_key(), ["RS256"]
    )
    report = verify_credential(forged, jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.SIGNATURE_INVALID and report.key is KeyOutcome.KNOWN


def test_embedded_jwk_is_only_a_lookup_never_a_key(
    token: str, jwks: dict, ring: KeyRing, attacker_ring: KeyRing
) -> None:
    payload = decode_part(token, 1)
    # The attacker embeds their own public key: it is not in the set, so it is refused.
    attacker_header = {"alg": "RS256", "typ": "JWT", "jwk": attacker_ring.active.public_jwk()}
    forged = sign_raw(attacker_header, payload, attacker_ring)
    report = verify_credential(forged, jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.UNKNOWN_KEY and report.key is KeyOutcome.NOT_IN_SET
    # The issuer's own key embedded instead of a kid is found by its thumbprint.
    genuine_header = {"alg": "RS256", "typ": "JWT", "jwk": ring.active.public_jwk()}
    report = verify_credential(
        sign_raw(genuine_header, payload, ring), jwks, now=INSIDE_VALIDITY, status_lists=lists(ring)
    )
    assert report.verdict is Verdict.VALID and report.kid == ring.active.kid


def test_token_without_any_key_reference_is_not_in_set(token: str, jwks: dict) -> None:
    header = {"alg": "RS256", "typ": "JWT"}
    report = verify_credential(with_part(token, 0, header), jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.UNKNOWN_KEY and report.key is KeyOutcome.NOT_IN_SET


def test_credential_signed_before_rotation_verifies_after_it(
    key_dir: Path, tmp_path: Path, claim: LabelClaim
) -> None:
    directory = tmp_path / "keys"
    shutil.copytree(key_dir, directory)
    old_ring = KeyRing.from_directory(directory)
    old_token = sign_credential(build_credential(claim), old_ring)

    new_ring = rotate(directory)
    new_jwks = new_ring.public_jwks()
    status = lists(new_ring)  # the status lists are signed with the new active key

    report = verify_credential(old_token, new_jwks, now=INSIDE_VALIDITY, status_lists=status)
    assert report.verdict is Verdict.VALID and report.kid == old_ring.active.kid

    new_token = sign_credential(build_credential(claim), new_ring)
    assert decode_part(new_token, 0)["kid"] == new_ring.active.kid != old_ring.active.kid
    assert verify_credential(new_token, new_jwks, now=INSIDE_VALIDITY, status_lists=status).is_valid
    # A verifier still holding the JWKS from before the rotation does not know the new key.
    old_jwks_report = verify_credential(new_token, old_ring.public_jwks(), now=INSIDE_VALIDITY)
    assert old_jwks_report.verdict is Verdict.UNKNOWN_KEY


# ------------------------------------------------------------------------ dates


@pytest.mark.parametrize(
    ("now", "verdict", "dates"),
    [
        (datetime(2024, 3, 1, tzinfo=UTC), Verdict.EXPIRED, DatesOutcome.EXPIRED),
        (datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC), Verdict.VALID, DatesOutcome.VALID),
        (datetime(2022, 3, 1, tzinfo=UTC), Verdict.VALID, DatesOutcome.VALID),
        (
            datetime(2022, 2, 28, 23, 59, 59, tzinfo=UTC),
            Verdict.NOT_YET_VALID,
            DatesOutcome.NOT_YET_VALID,
        ),
    ],
)
def test_dates_with_a_fixed_now(
    token: str, jwks: dict, ring: KeyRing, now: datetime, verdict: Verdict, dates: DatesOutcome
) -> None:
    report = verify_credential(token, jwks, now=now, status_lists=lists(ring))
    assert (report.verdict, report.dates) == (verdict, dates)


def test_expired_without_status_list_is_reported_as_expired(token: str, jwks: dict) -> None:
    report = verify_credential(token, jwks, now=datetime(2025, 1, 1, tzinfo=UTC))
    assert report.verdict is Verdict.EXPIRED and report.exit_code == 3


def test_now_must_be_timezone_aware(token: str, jwks: dict) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        verify_credential(token, jwks, now=datetime(2023, 1, 1))


# ------------------------------------------------------------------------ status


def test_revoked_and_unrevoked_again(token: str, jwks: dict, ring: KeyRing) -> None:
    revoked = lists(ring, revoked=(4711,))
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=revoked)
    assert report.verdict is Verdict.REVOKED and report.exit_code == 5
    assert report.status is StatusOutcome.REVOKED
    # Neighbouring bits do not matter; clearing ours makes the credential valid again.
    others = lists(ring, revoked=(4710, 4712))
    assert verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=others).is_valid


def test_suspended_and_lifted(token: str, jwks: dict, ring: KeyRing) -> None:
    status = BitstringStatusList()
    status.set(4711)
    raw_lists = {REVOCATION_LIST_URL: BitstringStatusList().encode()}
    raw_lists[SUSPENSION_LIST_URL] = status.encode()
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=raw_lists)
    assert report.verdict is Verdict.SUSPENDED and report.exit_code == 6
    assert any("unsigned encoded list" in line for line in report.status_details)
    status.clear(4711)
    raw_lists[SUSPENSION_LIST_URL] = status.encode()
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=raw_lists)
    assert report.verdict is Verdict.VALID


def test_revocation_wins_over_suspension_and_expiry(token: str, jwks: dict, ring: KeyRing) -> None:
    both = lists(ring, revoked=(4711,), suspended=(4711,))
    later = datetime(2030, 1, 1, tzinfo=UTC)
    report = verify_credential(token, jwks, now=later, status_lists=both)
    assert report.verdict is Verdict.REVOKED and report.dates is DatesOutcome.EXPIRED


def test_status_lists_given_as_bytes(token: str, jwks: dict, ring: KeyRing) -> None:
    as_bytes = {url: value.encode() for url, value in lists(ring, suspended=(4711,)).items()}
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=as_bytes)
    assert report.verdict is Verdict.SUSPENDED


def _status_list_with(ring: KeyRing, **changes: Any) -> dict[str, str]:
    """Both lists, the suspension one (which the credential names) built with ``changes``."""
    result = lists(ring)
    arguments = {"url": SUSPENSION_LIST_URL, "purpose": "suspension", **changes}
    result[SUSPENSION_LIST_URL] = signed_list(ring, **arguments)
    return result


@pytest.mark.parametrize(
    "make_lists",
    [
        pytest.param(lambda ring, attacker: lists(attacker), id="signed-by-unpublished-key"),
        pytest.param(
            lambda ring, attacker: _status_list_with(ring, purpose="revocation"),
            id="wrong-purpose",
        ),
        pytest.param(
            lambda ring, attacker: _status_list_with(ring, url=REVOCATION_LIST_URL),
            id="list-of-another-url",
        ),
        pytest.param(
            lambda ring, attacker: _status_list_with(ring, issuer="https://evil.example"),
            id="another-issuer",
        ),
        pytest.param(
            lambda ring, attacker: {
                **lists(ring),
                SUSPENSION_LIST_URL: "uH4sIAAAAAAAAA-not-a-list",
            },
            id="garbage",
        ),
    ],
)
def test_untrustworthy_status_lists_are_invalid(
    token: str, jwks: dict, ring: KeyRing, attacker_ring: KeyRing, make_lists: Any
) -> None:
    report = verify_credential(
        token, jwks, now=INSIDE_VALIDITY, status_lists=make_lists(ring, attacker_ring)
    )
    assert report.verdict is Verdict.STATUS_LIST_INVALID and report.exit_code == 9
    assert report.status is StatusOutcome.LIST_INVALID


def test_tampered_status_list_cannot_hide_a_revocation(
    token: str, jwks: dict, ring: KeyRing
) -> None:
    """Clearing the bit inside a signed list breaks the list's signature."""
    revoked = lists(ring, revoked=(4711,))
    payload = decode_part(revoked[SUSPENSION_LIST_URL], 1)
    payload["credentialSubject"]["encodedList"] = BitstringStatusList().encode()
    revoked[SUSPENSION_LIST_URL] = with_part(revoked[SUSPENSION_LIST_URL], 1, payload)
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=revoked)
    assert report.verdict is Verdict.STATUS_LIST_INVALID


def test_index_outside_the_list_is_a_list_problem(
    claim: LabelClaim, jwks: dict, ring: KeyRing
) -> None:
    far = dataclasses.replace(claim, status_list_index=10_000_000)
    token = sign_credential(build_credential(far), ring)
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring))
    assert report.verdict is Verdict.STATUS_LIST_INVALID


# ------------------------------------------------------------------------ malformed


def test_claims_that_contradict_the_credential_are_malformed(
    token: str, jwks: dict, ring: KeyRing
) -> None:
    payload = decode_part(token, 1)
    payload["exp"] += 86_400  # a day more than validUntil says
    report = verify_credential(
        sign_raw(decode_part(token, 0), payload, ring), jwks, now=INSIDE_VALIDITY
    )
    assert report.verdict is Verdict.MALFORMED and report.exit_code == 7
    assert report.signature is SignatureOutcome.VALID
    assert "exp" in report.problems[0]


@pytest.mark.parametrize("missing", ["iss", "jti", "sub", "nbf"])
def test_missing_registered_claims_are_malformed(
    token: str, jwks: dict, ring: KeyRing, missing: str
) -> None:
    payload = decode_part(token, 1)
    del payload[missing]
    report = verify_credential(
        sign_raw(decode_part(token, 0), payload, ring), jwks, now=INSIDE_VALIDITY
    )
    assert report.verdict is Verdict.MALFORMED


def test_vc_wrapped_payload_is_malformed(token: str, jwks: dict, ring: KeyRing) -> None:
    payload = decode_part(token, 1)
    claims = {name: payload.pop(name) for name in ("iss", "jti", "sub", "nbf", "exp")}
    report = verify_credential(
        sign_raw(decode_part(token, 0), {**claims, "vc": payload}, ring), jwks, now=INSIDE_VALIDITY
    )
    assert report.verdict is Verdict.MALFORMED


def test_duplicate_json_members_are_malformed(token: str, jwks: dict, ring: KeyRing) -> None:
    body = json.dumps(decode_part(token, 1))[:-1] + ', "iss": "https://evil.example"}'
    report = verify_credential(
        sign_raw(decode_part(token, 0), body.encode(), ring), jwks, now=INSIDE_VALIDITY
    )
    assert report.verdict is Verdict.MALFORMED
    assert "duplicate" in report.problems[0]


@pytest.mark.parametrize(
    "header",
    [
        {"alg": "RS256", "typ": "JWT", "kid": "x", "jku": "https://evil.example/jwks.json"},
        {"alg": "RS256", "typ": "JWT", "kid": "x", "x5u": "https://evil.example/cert.pem"},
        {"alg": "RS256", "typ": "JWT", "kid": "x", "x5c": ["MIIB"]},
        {"alg": "RS256", "typ": "JWT", "kid": "x", "crit": ["exp"], "exp": 1},
        {"alg": "RS256", "typ": "JWT", "kid": "x", "b64": False},
        {"alg": "RS256", "typ": "JOSE+JSON", "kid": "x"},
        {"alg": "RS256", "typ": ["JWT"], "kid": "x"},
        {"alg": "RS256", "typ": "JWT", "kid": 7},
    ],
)
def test_header_members_outside_ob3_are_malformed(
    token: str, jwks: dict, ring: KeyRing, header: dict[str, Any]
) -> None:
    header = {**header, "kid": ring.active.kid} if header["kid"] == "x" else header
    report = verify_credential(with_part(token, 0, header), jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.MALFORMED


@pytest.mark.parametrize(
    "garbage",
    ["", "not a token", "a.b", "a.b.c.d", "!!!.???.***", b"\xff\xfe.a.b", "e30.e30.e30.e30"],
)
def test_garbage_is_malformed(jwks: dict, garbage: str | bytes) -> None:
    report = verify_credential(garbage, jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.MALFORMED and report.credential is None


def test_sign_credential_refuses_jwt_claim_names(claim: LabelClaim, ring: KeyRing) -> None:
    for name in ("iss", "exp", "vc"):
        with pytest.raises(ValueError, match="JWT claim names"):
            sign_credential({**build_credential(claim), name: "x"}, ring)


def test_verifier_refuses_something_that_is_not_a_jwks(token: str) -> None:
    with pytest.raises(ValueError, match="JWK Set"):
        verify_credential(token, {"kty": "RSA"}, now=INSIDE_VALIDITY)


def test_signing_is_deterministic_for_the_same_credential(claim: LabelClaim, ring: KeyRing):
    """RSASSA-PKCS1-v1_5 is deterministic: the same credential yields the same token."""
    credential = build_credential(claim)
    assert sign_credential(credential, ring) == sign_credential(credential, ring)
    later = dataclasses.replace(claim, valid_until=claim.valid_until + timedelta(days=1))
    assert sign_credential(build_credential(later), ring) != sign_credential(credential, ring)


def _revocation_list_valid(ring: KeyRing, valid_from: datetime, valid_until: datetime | None):
    """Both lists; the suspension list (named by the credential) with the given validity."""
    credential = build_status_list_credential(
        list_url=SUSPENSION_LIST_URL,
        issuer_id=ISSUER,
        purpose="suspension",
        status_list=BitstringStatusList(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    return {**lists(ring), SUSPENSION_LIST_URL: sign_credential(credential, ring)}


def test_status_list_signed_a_moment_ago_tolerates_clock_skew(
    token: str, jwks: dict, ring: KeyRing
) -> None:
    just_signed = _revocation_list_valid(ring, INSIDE_VALIDITY + timedelta(minutes=2), None)
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=just_signed)
    assert report.verdict is Verdict.VALID
    future = _revocation_list_valid(ring, INSIDE_VALIDITY + timedelta(hours=1), None)
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=future)
    assert report.verdict is Verdict.STATUS_LIST_INVALID


def test_expired_status_list_is_invalid(token: str, jwks: dict, ring: KeyRing) -> None:
    stale = _revocation_list_valid(
        ring, datetime(2023, 1, 1, tzinfo=UTC), datetime(2023, 1, 2, tzinfo=UTC)
    )
    report = verify_credential(token, jwks, now=INSIDE_VALIDITY, status_lists=stale)
    assert report.verdict is Verdict.STATUS_LIST_INVALID
    assert any("expired" in line for line in report.status_details)


def test_a_signed_status_list_is_not_a_label_credential(jwks: dict, ring: KeyRing) -> None:
    status_list_token = lists(ring)[REVOCATION_LIST_URL]
    report = verify_credential(status_list_token, jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.MALFORMED and report.signature is SignatureOutcome.VALID
    assert "OpenBadgeCredential" in report.problems[0]
