"""The pure helper behind ``clusterlabel verify``: exit codes and the five lines of text."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clusterlabel.credentials import (
    BitstringStatusList,
    KeyRing,
    LabelClaim,
    Verdict,
    build_credential,
    sign_credential,
)
from clusterlabel.credentials.cli import verify_file

from .helpers import INSIDE_VALIDITY, REVOCATION_LIST_URL, SUSPENSION_LIST_URL, decode_part
from .test_vcjwt import lists, with_part

LABELS = ("signature: ", "key: ", "dates: ", "status: ", "verdict: ")


@pytest.fixture
def files(tmp_path: Path, claim: LabelClaim, ring: KeyRing) -> dict[str, Path]:
    """The credential, the JWKS and both signed status lists as files."""
    paths = {
        "credential": tmp_path / "label.jwt",
        "jwks": tmp_path / "jwks.json",
        "revocation": tmp_path / "revocation.jwt",
        "suspension": tmp_path / "suspension.jwt",
    }
    paths["credential"].write_text(sign_credential(build_credential(claim), ring) + "\n")
    paths["jwks"].write_text(json.dumps(ring.public_jwks()))
    signed = lists(ring)
    paths["revocation"].write_text(signed[REVOCATION_LIST_URL])
    paths["suspension"].write_text(signed[SUSPENSION_LIST_URL])
    return paths


def _assert_five_lines(lines: list[str]) -> None:
    assert len(lines) == 5
    for line, label in zip(lines, LABELS, strict=True):
        assert line.startswith(label)


def test_valid_with_signed_status_lists(files: dict[str, Path], ring: KeyRing) -> None:
    code, lines = verify_file(
        files["credential"],
        files["jwks"],
        [files["revocation"], files["suspension"]],
        INSIDE_VALIDITY,
    )
    assert code == 0
    _assert_five_lines(lines)
    assert lines[0] == "signature: valid"
    assert lines[1] == f"key: known kid {ring.active.kid}"
    assert lines[2] == "dates: valid (2022-03-01T00:00:00Z to 2024-02-29T23:59:59Z)"
    assert lines[3] == "status: valid (suspension: not suspended (index 4711, signed list))"
    assert lines[4] == "verdict: valid (exit 0)"


def test_without_status_list_says_status_not_checked(files: dict[str, Path]) -> None:
    code, lines = verify_file(files["credential"], files["jwks"], [], INSIDE_VALIDITY)
    assert code == Verdict.STATUS_NOT_CHECKED == 8
    _assert_five_lines(lines)
    assert lines[3].startswith("status: status not checked")
    assert lines[4] != "verdict: valid (exit 0)"
    assert lines[4].startswith("verdict: NOT CONFIRMED") and lines[4].endswith("(exit 8)")


def test_raw_status_list_needs_its_url(files: dict[str, Path], tmp_path: Path) -> None:
    suspended = BitstringStatusList()
    suspended.set(4711)
    raw = tmp_path / "suspension.txt"
    raw.write_text(suspended.encode())

    code, lines = verify_file(
        files["credential"],
        files["jwks"],
        [files["revocation"], f"{SUSPENSION_LIST_URL}={raw}"],
        INSIDE_VALIDITY,
    )
    assert code == Verdict.SUSPENDED == 6
    assert lines[3].startswith("status: suspended")
    assert lines[4] == "verdict: NOT VALID - suspended (exit 6)"

    code, lines = verify_file(files["credential"], files["jwks"], [raw], INSIDE_VALIDITY)
    assert code == Verdict.INPUT_ERROR == 10
    assert "URL=FILE" in lines[4]


def test_tampered_credential_file(files: dict[str, Path]) -> None:
    token = files["credential"].read_text().strip()
    payload = decode_part(token, 1)
    payload["credentialSubject"]["licenseNumber"] = "ECEI-G-2022-0001"
    files["credential"].write_text(with_part(token, 1, payload))
    code, lines = verify_file(
        files["credential"],
        files["jwks"],
        [files["revocation"], files["suspension"]],
        INSIDE_VALIDITY,
    )
    assert code == 1
    _assert_five_lines(lines)
    assert lines[0].startswith("signature: invalid")
    assert lines[2] == "dates: not checked" and lines[3].startswith("status: status not checked")
    assert lines[4] == "verdict: NOT VALID - the signature is invalid (exit 1)"


def test_expired(files: dict[str, Path]) -> None:
    code, lines = verify_file(
        files["credential"],
        files["jwks"],
        [files["revocation"], files["suspension"]],
        datetime(2024, 3, 1, tzinfo=UTC),
    )
    assert code == 3
    assert lines[2].startswith("dates: expired")


def test_unknown_key(files: dict[str, Path], attacker_ring: KeyRing) -> None:
    files["jwks"].write_text(json.dumps(attacker_ring.public_jwks()))
    code, lines = verify_file(files["credential"], files["jwks"], [], INSIDE_VALIDITY)
    assert code == 2
    assert lines[1].startswith("key: unknown kid")


@pytest.mark.parametrize(
    "break_input",
    [
        lambda files: files["jwks"].unlink(),
        lambda files: files["jwks"].write_text("{not json"),
        lambda files: files["jwks"].write_text('{"kty": "RSA"}'),
        lambda files: files["credential"].unlink(),
        lambda files: files["revocation"].unlink(),
    ],
)
def test_unreadable_inputs_are_input_errors(files: dict[str, Path], break_input) -> None:
    break_input(files)
    code, lines = verify_file(
        files["credential"], files["jwks"], [files["revocation"]], INSIDE_VALIDITY
    )
    assert code == Verdict.INPUT_ERROR
    _assert_five_lines(lines)
    assert lines[4].startswith("verdict: NOT VERIFIED")


def test_malformed_file(files: dict[str, Path]) -> None:
    files["credential"].write_text("this is not a credential")
    code, lines = verify_file(files["credential"], files["jwks"], [], INSIDE_VALIDITY)
    assert code == 7
    assert lines[4].startswith("verdict: NOT VALID - malformed credential (exit 7)")


def test_now_is_required(files: dict[str, Path]) -> None:
    with pytest.raises(ValueError):
        verify_file(files["credential"], files["jwks"], [])
