"""RSA signing keys for label credentials: generation, the key ring, rotation, the JWKS.

Layout of a key directory (its path comes from the Django settings, never the database)::

    <directory>/active.pem              the one private key that signs (PKCS #8, mode 0600)
    <directory>/retired-<kid>.pem       public keys of earlier active keys (SubjectPublicKeyInfo)

``rotate(directory)`` makes a new active key and keeps only the *public* half of the old one:
a retired key stays in the published JWKS so credentials it signed keep verifying, but its
private half is destroyed, so a stolen backup can no longer forge back-dated credentials.

The ``kid`` of a key is its RFC 7638 JWK thumbprint (SHA-256, base64url), so a kid can be
recomputed from the public key alone and can never point at the wrong key; an issuer publishes
it behind a URL prefix (``KeyRing.with_kid_base``), so that the kid is a URL a verifier can
dereference to the key, as Open Badges 3.0 asks.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc.jwk import RSAKey

from ._encoding import b64url_encode

ACTIVE_KEY_FILENAME = "active.pem"
RETIRED_KEY_PREFIX = "retired-"
SIGNING_ALGORITHM = "RS256"
DEFAULT_KEY_SIZE = 3072
MINIMUM_KEY_SIZE = 2048

#: JWK members that reveal private key material (RFC 7518 section 6.3.2). None of them may ever
#: leave this module in a published key.
PRIVATE_JWK_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})

#: The only members a published JWK carries.
PUBLIC_JWK_MEMBERS = ("kty", "n", "e", "kid", "alg", "use")


class KeyFileError(ValueError):
    """A key file is missing, unreadable, of the wrong kind or too widely readable."""


def rsa_public_jwk_members(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """The RFC 7638 required members of an RSA public key: ``e``, ``kty``, ``n``."""
    numbers = public_key.public_numbers()
    return {
        "e": b64url_encode(numbers.e.to_bytes((numbers.e.bit_length() + 7) // 8, "big")),
        "kty": "RSA",
        "n": b64url_encode(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
    }


def thumbprint(public_key: rsa.RSAPublicKey) -> str:
    """RFC 7638 JWK thumbprint (SHA-256, base64url) of an RSA public key; used as the ``kid``."""
    # joserfc takes a JWK dict whose values may also be lists; ours are strings only.
    jwk: dict[str, str | list[str]] = dict(rsa_public_jwk_members(public_key))
    return RSAKey.import_key(jwk).thumbprint()


@dataclass(frozen=True)
class SigningKey:
    """One RSA key of the ring. ``private_key`` is ``None`` for retired (public-only) keys."""

    kid: str
    public_key: rsa.RSAPublicKey
    private_key: rsa.RSAPrivateKey | None = None

    @classmethod
    def from_private(cls, private_key: rsa.RSAPrivateKey) -> SigningKey:
        """Wrap a private key; the kid is derived from its public half."""
        public_key = private_key.public_key()
        return cls(kid=thumbprint(public_key), public_key=public_key, private_key=private_key)

    @classmethod
    def from_public(cls, public_key: rsa.RSAPublicKey) -> SigningKey:
        """Wrap a public key (a retired key only verifies)."""
        return cls(kid=thumbprint(public_key), public_key=public_key)

    def public_jwk(self) -> dict[str, str]:
        """The published JWK: exactly ``kty n e kid alg use``, built from public numbers only.

        It is assembled member by member (never by filtering a private JWK), so no private
        member can appear even if a library changes what it exports.
        """
        jwk = {**rsa_public_jwk_members(self.public_key)}
        jwk.update(kid=self.kid, alg=SIGNING_ALGORITHM, use="sig")
        return {name: jwk[name] for name in PUBLIC_JWK_MEMBERS}

    def joserfc_private_key(self) -> RSAKey:
        """The private key as a joserfc key, for signing; raises if this key is public-only."""
        if self.private_key is None:
            raise KeyFileError(f"key {self.kid} is retired (public only) and cannot sign")
        return RSAKey.import_key(self.private_key, {"kid": self.kid, "alg": SIGNING_ALGORITHM})


def _check_key_size(public_key: rsa.RSAPublicKey, path: Path) -> None:
    """Refuse RSA keys below 2048 bits (NIST SP 800-131A)."""
    if public_key.key_size < MINIMUM_KEY_SIZE:
        raise KeyFileError(f"{path}: RSA key of {public_key.key_size} bits is too small")


def _check_private_file_mode(path: Path) -> None:
    """Refuse a private key file that group or others can read or write."""
    mode = path.stat().st_mode
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyFileError(
            f"{path}: private key file is accessible by group/others "
            f"(mode {stat.S_IMODE(mode):04o}); run chmod 600"
        )


def load_private_key(path: Path | str, *, check_permissions: bool = True) -> SigningKey:
    """Load an unencrypted PEM RSA private key (PKCS #8 or PKCS #1) as the signing key."""
    path = Path(path)
    if check_permissions:
        _check_private_file_mode(path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a readable, unencrypted PEM private key") from exc
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFileError(f"{path}: not an RSA private key")
    _check_key_size(key.public_key(), path)
    return SigningKey.from_private(key)


def load_public_key(path: Path | str) -> SigningKey:
    """Load a PEM RSA key as a verify-only key; a private PEM is accepted and reduced to public."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"{path}: cannot read") from exc
    public_key: Any
    try:
        public_key = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            public_key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError) as exc:
            raise KeyFileError(f"{path}: not a PEM RSA key") from exc
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise KeyFileError(f"{path}: not an RSA key")
    _check_key_size(public_key, path)
    return SigningKey.from_public(public_key)


def _write_new_file(path: Path, data: bytes, mode: int) -> None:
    """Create ``path`` with ``mode`` from the start (no window where it is world-readable).

    Refuses to overwrite: losing a private key silently is worse than an error.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.chmod(path, mode)  # the umask may have narrowed it; never widened


def generate_private_key(path: Path | str, *, key_size: int = DEFAULT_KEY_SIZE) -> SigningKey:
    """Generate an RSA private key (3072 bits by default) into a new PEM file of mode 0600.

    The parent directory is created with mode 0700 if missing. An existing file is never
    overwritten (``FileExistsError``).
    """
    if key_size < MINIMUM_KEY_SIZE:
        raise ValueError(f"key_size must be at least {MINIMUM_KEY_SIZE} bits")
    path = Path(path)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    pem = private_key.private_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PrivateFormat.PKCS8,
        encryption_algorithm=serialization.NoEncryption(),
    )
    _write_new_file(path, pem, 0o600)
    return SigningKey.from_private(private_key)


def _public_pem(key: SigningKey) -> bytes:
    """SubjectPublicKeyInfo PEM of a key."""
    return key.public_key.public_bytes(
        encoding=serialization.Encoding.PEM,
        format=serialization.PublicFormat.SubjectPublicKeyInfo,
    )


@dataclass(frozen=True)
class KeyRing:
    """The issuer's keys: one ``active`` key that signs, and ``retired`` keys that only verify.

    Guarantees: the active key has its private half; every kid is unique; ``public_jwks()``
    publishes public members only.
    """

    active: SigningKey
    retired: tuple[SigningKey, ...] = ()

    def __post_init__(self) -> None:
        if self.active.private_key is None:
            raise KeyFileError("the active key must be a private key")
        kids = [self.active.kid, *(key.kid for key in self.retired)]
        if len(set(kids)) != len(kids):
            raise KeyFileError("duplicate key ids in the key ring")

    @classmethod
    def from_files(
        cls,
        active: Path | str,
        retired: Iterable[Path | str] = (),
        *,
        check_permissions: bool = True,
    ) -> KeyRing:
        """Build a ring from an active private PEM and any number of retired PEM files.

        A retired file that holds the active key again is ignored (a rotation that stopped
        half-way leaves exactly that).
        """
        active_key = load_private_key(active, check_permissions=check_permissions)
        retired_keys: dict[str, SigningKey] = {}
        for path in retired:
            key = load_public_key(path)
            if key.kid != active_key.kid:
                retired_keys.setdefault(key.kid, key)
        return cls(active=active_key, retired=tuple(retired_keys.values()))

    @classmethod
    def from_directory(cls, directory: Path | str, *, check_permissions: bool = True) -> KeyRing:
        """Load ``active.pem`` and every ``retired-*.pem`` (sorted by name) from a directory."""
        directory = Path(directory)
        active = directory / ACTIVE_KEY_FILENAME
        if not active.is_file():
            raise KeyFileError(f"{active}: no active signing key (run the key generation first)")
        retired = sorted(directory.glob(f"{RETIRED_KEY_PREFIX}*.pem"))
        return cls.from_files(active, retired, check_permissions=check_permissions)

    def with_kid_base(self, kid_base: str) -> KeyRing:
        """The same keys with ``kid`` = ``kid_base`` + thumbprint: a URL a verifier can
        dereference to the public key (OB 3.0), e.g. ``https://host/issuers/eucles/keys/``.
        An empty base keeps the bare thumbprints (the platform's key before issuers)."""
        if not kid_base:
            return self
        return KeyRing(
            active=replace(self.active, kid=kid_base + self.active.kid),
            retired=tuple(replace(key, kid=kid_base + key.kid) for key in self.retired),
        )

    @property
    def keys(self) -> tuple[SigningKey, ...]:
        """All keys, the active one first."""
        return (self.active, *self.retired)

    def public_jwks(self) -> dict[str, list[dict[str, str]]]:
        """The JWK Set to publish: public members only, active key first, then retired keys."""
        jwks = {"keys": [key.public_jwk() for key in self.keys]}
        for jwk in jwks["keys"]:  # belt and braces: this must never ship a private member
            leaked = PRIVATE_JWK_MEMBERS.intersection(jwk)
            if leaked:  # pragma: no cover - public_jwk() cannot produce them
                raise AssertionError(f"private JWK members {sorted(leaked)} in public JWKS")
        return jwks


def create_key_directory(directory: Path | str, *, key_size: int = DEFAULT_KEY_SIZE) -> KeyRing:
    """Create ``directory`` (mode 0700) with a fresh ``active.pem``; refuse if one exists."""
    directory = Path(directory)
    generate_private_key(directory / ACTIVE_KEY_FILENAME, key_size=key_size)
    return KeyRing.from_directory(directory)


def rotate(directory: Path | str, *, key_size: int = DEFAULT_KEY_SIZE) -> KeyRing:
    """Make a new active key and retire the old one (its public half only) in ``directory``.

    Steps, each safe to crash after: (1) write the new private key to a temporary file,
    (2) write the old key's public PEM as ``retired-<kid>.pem``, (3) atomically replace
    ``active.pem`` with the new key, which also destroys the old private key.
    """
    directory = Path(directory)
    old = KeyRing.from_directory(directory)
    pending = directory / f"{ACTIVE_KEY_FILENAME}.new"
    pending.unlink(missing_ok=True)  # left over from an interrupted rotation, never used
    generate_private_key(pending, key_size=key_size)
    retired_path = directory / f"{RETIRED_KEY_PREFIX}{old.active.kid}.pem"
    if not retired_path.exists():
        _write_new_file(retired_path, _public_pem(old.active), 0o644)
    os.replace(pending, directory / ACTIVE_KEY_FILENAME)
    _fsync_directory(directory)
    return KeyRing.from_directory(directory)


def _fsync_directory(directory: Path) -> None:
    """Persist the rename itself (POSIX); a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def jwks_rsa_keys(jwks: object) -> dict[str, RSAKey]:
    """Parse a published JWK Set into verify-only RSA keys by kid.

    Only ``kty`` RSA signature keys are taken, rebuilt from ``n`` and ``e`` alone, so private
    members or exotic parameters in a JWKS file can never turn into a usable secret. Keys whose
    ``alg`` is set to something other than RS256, whose ``use`` is not ``sig``, that have no
    kid, or that are smaller than 2048 bits are skipped. Raises ``ValueError`` if ``jwks`` is not
    a JWK Set at all.
    """
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise ValueError('not a JWK Set (expected an object with a "keys" list)')
    keys: dict[str, RSAKey] = {}
    for entry in jwks["keys"]:
        if not isinstance(entry, dict) or entry.get("kty") != "RSA":
            continue
        if entry.get("alg", SIGNING_ALGORITHM) != SIGNING_ALGORITHM:
            continue
        if entry.get("use", "sig") != "sig":
            continue
        kid, n, e = entry.get("kid"), entry.get("n"), entry.get("e")
        if not (isinstance(kid, str) and kid and isinstance(n, str) and isinstance(e, str)):
            continue
        try:
            key = RSAKey.import_key({"kty": "RSA", "n": n, "e": e})
        except Exception:  # any malformed key is simply not usable
            continue
        if key.public_key.key_size < MINIMUM_KEY_SIZE:
            continue
        keys.setdefault(kid, key)
    return keys


def jwk_thumbprint(jwk: object) -> str | None:
    """RFC 7638 thumbprint of an RSA public JWK given as a dict, or ``None`` if it is not one."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
        return None
    n, e = jwk.get("n"), jwk.get("e")
    if not (isinstance(n, str) and isinstance(e, str)):
        return None
    try:
        return RSAKey.import_key({"kty": "RSA", "n": n, "e": e}).thumbprint()
    except Exception:  # not a key means no thumbprint
        return None


__all__ = [
    "ACTIVE_KEY_FILENAME",
    "DEFAULT_KEY_SIZE",
    "PRIVATE_JWK_MEMBERS",
    "KeyFileError",
    "KeyRing",
    "SigningKey",
    "create_key_directory",
    "generate_private_key",
    "jwk_thumbprint",
    "jwks_rsa_keys",
    "load_private_key",
    "load_public_key",
    "rotate",
    "thumbprint",
]
