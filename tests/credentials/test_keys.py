"""Key generation, the key ring, rotation and the public JWKS."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from clusterlabel.credentials import KeyFileError, KeyRing, generate_private_key, rotate
from clusterlabel.credentials.keys import (
    ACTIVE_KEY_FILENAME,
    PRIVATE_JWK_MEMBERS,
    SigningKey,
    jwks_rsa_keys,
    load_private_key,
)

from .helpers import b64url

PUBLISHED_MEMBERS = {"kty", "n", "e", "kid", "alg", "use"}


def _assert_public_only(jwks: dict) -> None:
    """Every key has exactly the public members, and no private member anywhere."""
    assert jwks["keys"], "a JWKS without keys is useless"
    for jwk in jwks["keys"]:
        assert set(jwk) == PUBLISHED_MEMBERS
        assert not PRIVATE_JWK_MEMBERS & set(jwk)
        assert jwk["alg"] == "RS256" and jwk["use"] == "sig" and jwk["kty"] == "RSA"
    text = json.dumps(jwks)
    for member in ("d", "p", "q", "dp", "dq", "qi"):
        assert f'"{member}"' not in text


def test_generate_private_key_defaults_to_3072_bits_pkcs8_mode_0600(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "label-signing.pem"
    key = generate_private_key(path)
    assert key.public_key.key_size == 3072
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert load_private_key(path).kid == key.kid


def test_generate_private_key_never_overwrites(tmp_path: Path) -> None:
    path = tmp_path / "key.pem"
    generate_private_key(path, key_size=2048)
    before = path.read_bytes()
    with pytest.raises(FileExistsError):
        generate_private_key(path, key_size=2048)
    assert path.read_bytes() == before


def test_generate_private_key_refuses_small_keys(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="2048"):
        generate_private_key(tmp_path / "key.pem", key_size=1024)


def test_kid_is_the_rfc7638_thumbprint(ring: KeyRing) -> None:
    numbers = ring.active.public_key.public_numbers()
    n = numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")
    e = numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")
    # RFC 7638 section 3: required members only, lexicographic order, no whitespace.
    canonical = f'{{"e":"{b64url(e)}","kty":"RSA","n":"{b64url(n)}"}}'.encode()
    assert ring.active.kid == b64url(hashlib.sha256(canonical).digest())


def test_public_jwks_has_public_members_only(ring: KeyRing) -> None:
    jwks = ring.public_jwks()
    _assert_public_only(jwks)
    assert [jwk["kid"] for jwk in jwks["keys"]] == [ring.active.kid]


def test_load_refuses_group_readable_private_key(key_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "active.pem"
    shutil.copy(key_dir / ACTIVE_KEY_FILENAME, copy)
    os.chmod(copy, 0o640)
    with pytest.raises(KeyFileError, match="chmod 600"):
        load_private_key(copy)


def test_load_refuses_keys_below_2048_bits(tmp_path: Path) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    path = tmp_path / "small.pem"
    path.write_bytes(
        small.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    os.chmod(path, 0o600)
    with pytest.raises(KeyFileError, match="too small"):
        load_private_key(path)


def test_key_ring_needs_a_private_active_key(ring: KeyRing) -> None:
    with pytest.raises(KeyFileError, match="active key"):
        KeyRing(active=SigningKey.from_public(ring.active.public_key))


def test_retired_key_cannot_sign(ring: KeyRing) -> None:
    with pytest.raises(KeyFileError, match="retired"):
        SigningKey.from_public(ring.active.public_key).joserfc_private_key()


def test_rotate_keeps_old_key_public_only_and_in_jwks(key_dir: Path, tmp_path: Path) -> None:
    directory = tmp_path / "keys"
    shutil.copytree(key_dir, directory)
    before = KeyRing.from_directory(directory)

    after = rotate(directory)

    assert after.active.kid != before.active.kid
    assert [key.kid for key in after.retired] == [before.active.kid]
    assert after.retired[0].private_key is None
    retired_file = directory / f"retired-{before.active.kid}.pem"
    assert retired_file.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    # The old private key is gone: active.pem now holds the new key, nothing else is private.
    assert load_private_key(directory / ACTIVE_KEY_FILENAME).kid == after.active.kid
    private_files = [p for p in directory.iterdir() if b"PRIVATE KEY" in p.read_bytes()]
    assert private_files == [directory / ACTIVE_KEY_FILENAME]
    assert stat.S_IMODE((directory / ACTIVE_KEY_FILENAME).stat().st_mode) == 0o600

    jwks = after.public_jwks()
    _assert_public_only(jwks)
    assert [jwk["kid"] for jwk in jwks["keys"]] == [after.active.kid, before.active.kid]

    twice = rotate(directory)
    assert {key.kid for key in twice.retired} == {before.active.kid, after.active.kid}
    _assert_public_only(twice.public_jwks())


def test_from_directory_ignores_a_retired_copy_of_the_active_key(key_dir: Path, tmp_path: Path):
    """A rotation interrupted after writing the retired file must not duplicate the kid."""
    directory = tmp_path / "keys"
    shutil.copytree(key_dir, directory)
    active = KeyRing.from_directory(directory).active
    (directory / f"retired-{active.kid}.pem").write_bytes(
        active.public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    ring = KeyRing.from_directory(directory)
    assert ring.retired == ()


def test_from_directory_without_active_key_says_so(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no active signing key"):
        KeyRing.from_directory(tmp_path)


def test_jwks_parsing_never_turns_private_or_symmetric_members_into_keys(ring: KeyRing) -> None:
    public = ring.active.public_jwk()
    hostile = {
        "keys": [
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            {**public, "kid": "with-private", "d": "AAAA", "p": "AAAA"},
            {**public, "kid": "encryption", "use": "enc"},
            {**public, "kid": "es", "alg": "ES256"},
            public,
        ]
    }
    keys = jwks_rsa_keys(hostile)
    assert set(keys) == {"with-private", public["kid"]}
    assert all(not key.is_private for key in keys.values())
    with pytest.raises(ValueError, match="JWK Set"):
        jwks_rsa_keys({"kty": "RSA"})
