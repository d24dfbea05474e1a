"""One status entry per credential, told apart by the issuer's revocation list; URL kids that
belong to one issuer; credentials from before both changes; and input that must be refused
with a reason rather than crash the verifier."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from clusterlabel.credentials import KeyRing, LabelClaim, Verdict, build_credential
from clusterlabel.credentials.cli import verify_file
from clusterlabel.credentials.status_list import status_list_entry
from clusterlabel.credentials.vcjwt import KeyOutcome, StatusOutcome, sign_credential
from clusterlabel.credentials.vcjwt import verify_credential as verify

from .helpers import (
    INSIDE_VALIDITY,
    ISSUER,
    REVOCATION_LIST_URL,
    SUSPENSION_LIST_URL,
    b64url,
)
from .test_vcjwt import lists, signed_list


@pytest.fixture
def token(claim: LabelClaim, ring: KeyRing) -> str:
    return sign_credential(build_credential(claim), ring)


# ------------------------------------------------------- one entry, two kinds of "not valid"


def test_a_suspended_label_is_suspended(token: str, jwks: dict, ring: KeyRing) -> None:
    report = verify(token, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring, suspended=(4711,)))
    assert report.verdict is Verdict.SUSPENDED


def test_a_revoked_label_is_revoked_by_the_issuers_revocation_list(
    token: str, jwks: dict, ring: KeyRing
) -> None:
    report = verify(token, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring, revoked=(4711,)))
    assert report.verdict is Verdict.REVOKED and report.status is StatusOutcome.REVOKED
    assert any(line.startswith("revocation: revoked") for line in report.status_details)


def test_without_the_revocation_list_a_revoked_label_is_still_not_valid(
    token: str, jwks: dict, ring: KeyRing
) -> None:
    only_named = {SUSPENSION_LIST_URL: lists(ring, revoked=(4711,))[SUSPENSION_LIST_URL]}
    report = verify(token, jwks, now=INSIDE_VALIDITY, status_lists=only_named)
    assert report.verdict is Verdict.SUSPENDED and not report.is_valid


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"issuer": "https://evil.example"}, id="another-issuer"),
        pytest.param({"purpose": "suspension"}, id="not-a-revocation-list"),
    ],
)
def test_a_revocation_list_that_is_not_the_issuers_does_not_count(
    token: str, jwks: dict, ring: KeyRing, changes: dict[str, Any]
) -> None:
    given = lists(ring, suspended=(4711,))
    arguments = {"url": REVOCATION_LIST_URL, "purpose": "revocation", "set_bits": (4711,)}
    given[REVOCATION_LIST_URL] = signed_list(ring, **{**arguments, **changes})
    report = verify(token, jwks, now=INSIDE_VALIDITY, status_lists=given)
    assert report.verdict is Verdict.SUSPENDED


def test_a_credential_with_the_two_entries_of_before_still_verifies(
    claim: LabelClaim, jwks: dict, ring: KeyRing
) -> None:
    """Credentials issued before the change name both lists; they keep their meaning."""
    credential = build_credential(claim)
    credential["credentialStatus"] = [
        status_list_entry(list_url=REVOCATION_LIST_URL, index=4711, purpose="revocation"),
        status_list_entry(list_url=SUSPENSION_LIST_URL, index=4711, purpose="suspension"),
    ]
    old = sign_credential(credential, ring)
    assert verify(old, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring)).is_valid
    revoked = verify(old, jwks, now=INSIDE_VALIDITY, status_lists=lists(ring, revoked=(4711,)))
    assert revoked.verdict is Verdict.REVOKED
    suspended = lists(ring, suspended=(4711,))
    assert verify(old, jwks, now=INSIDE_VALIDITY, status_lists=suspended).verdict is (
        Verdict.SUSPENDED
    )


# ------------------------------------------------------------------------------ URL kids


def test_a_url_kid_verifies_for_its_issuer(claim: LabelClaim, ring: KeyRing) -> None:
    issuer_ring = ring.with_kid_base(f"{ISSUER}/keys/")
    token = sign_credential(build_credential(claim), issuer_ring)
    report = verify(
        token, issuer_ring.public_jwks(), now=INSIDE_VALIDITY, status_lists=lists(issuer_ring)
    )
    assert report.verdict is Verdict.VALID
    assert report.kid == f"{ISSUER}/keys/{ring.active.kid}"


def test_another_issuers_key_cannot_sign_for_this_issuer(
    claim: LabelClaim, ring: KeyRing, attacker_ring: KeyRing
) -> None:
    """One published set holds every issuer's keys; a key under another issuer's id is not
    this issuer's key, even though it is published and the signature is right."""
    other = attacker_ring.with_kid_base("https://labels.example.org.evil/issuers/other/keys/")
    published = {"keys": ring.public_jwks()["keys"] + other.public_jwks()["keys"]}
    token = sign_credential(build_credential(claim), other)
    report = verify(token, published, now=INSIDE_VALIDITY, status_lists=lists(ring))
    assert report.verdict is Verdict.UNKNOWN_KEY and report.key is KeyOutcome.UNKNOWN_KID
    assert "another issuer" in report.problems[0]


# ---------------------------------------------------------------------------- bad input


def _deeply_nested_header_token() -> str:
    header = b64url(("[" * 100_000 + "]" * 100_000).encode())
    return f"{header}.e30.c2ln"


def test_a_deeply_nested_header_is_malformed_not_a_crash(jwks: dict) -> None:
    report = verify(_deeply_nested_header_token(), jwks, now=INSIDE_VALIDITY)
    assert report.verdict is Verdict.MALFORMED
    assert "nested too deeply" in report.problems[0]


def test_the_cli_says_malformed_for_deep_nesting_not_signature_invalid(
    tmp_path: Path, jwks: dict
) -> None:
    (tmp_path / "deep.jwt").write_text(_deeply_nested_header_token())
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    code, lines = verify_file(tmp_path / "deep.jwt", tmp_path / "jwks.json", now=INSIDE_VALIDITY)
    assert code == Verdict.MALFORMED == 7
    assert "nested too deeply" in lines[-1]


def test_a_deeply_nested_jwks_file_is_an_input_error(tmp_path: Path, token: str) -> None:
    (tmp_path / "label.jwt").write_text(token)
    (tmp_path / "jwks.json").write_text("[" * 100_000 + "]" * 100_000)
    code, lines = verify_file(tmp_path / "label.jwt", tmp_path / "jwks.json", now=INSIDE_VALIDITY)
    assert code == Verdict.INPUT_ERROR
    assert "nested too deeply" in lines[-1]


def test_ten_megabytes_are_refused_quickly(token: str, jwks: dict) -> None:
    header, _payload, signature = token.split(".")
    huge = f"{header}.{b64url(b'{' + b' ' * 10_000_000 + b'}')}.{signature}"
    started = time.monotonic()
    report = verify(huge, jwks, now=datetime(2023, 6, 1, tzinfo=UTC))
    assert report.verdict is Verdict.SIGNATURE_INVALID  # the payload is not what was signed
    assert time.monotonic() - started < 5
