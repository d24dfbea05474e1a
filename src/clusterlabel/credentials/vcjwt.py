"""Sign and verify label credentials in the Open Badges 3.0 VC-JWT proof format.

Token layout (OB 3.0 section "JSON Web Token Proof Format", VC Data Model 2.0 variant):

- JOSE header: exactly ``{"alg": "RS256", "kid": <key id>, "typ": "JWT"}``, the kid being the
  URL of the issuer's public key (``KeyRing.with_kid_base``; credentials signed before
  per-authority issuers carry the bare RFC 7638 thumbprint). OB 3.0 allows no other header
  members (so no ``cty``); ``typ``, if present, is ``JWT``. A URL kid counts only for the
  issuer it lies under (``key_belongs_to``).
- JWT payload: the credential object itself (its members at the top level, no ``vc``
  wrapper) plus the registered claims ``iss`` = ``issuer.id``, ``jti`` = ``id``,
  ``sub`` = ``credentialSubject.id``, ``nbf`` = ``validFrom`` and ``exp`` = ``validUntil``
  (NumericDate). The verifier refuses a token whose claims disagree with the credential.

Verification never reads the algorithm from the token: ``RS256`` is pinned for joserfc, and the
header's ``alg`` is checked against it first, so ``alg: none`` and HS256 tokens keyed with the
published public key are refused. Keys come only from the JWKS the verifier is given; a ``jwk``
in the header is used solely to look its thumbprint up in that set, never as a key.

The verdict is an ``IntEnum`` whose value is the CLI exit code; see ``Verdict``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey
from joserfc.jws import JWSRegistry

from ._encoding import (
    EncodingError,
    b64url_decode,
    compact_json,
    numeric_date,
    parse_datetime,
    require_aware,
    strict_json_loads,
)
from .keys import SIGNING_ALGORITHM, KeyRing, jwk_thumbprint, jwks_rsa_keys
from .status_list import BitstringStatusList, StatusListError, StatusPurpose

#: The one algorithm accepted, pinned for joserfc and never taken from a token.
ALLOWED_ALGORITHMS = (SIGNING_ALGORITHM,)
#: JOSE header members OB 3.0 permits ("Additional JOSE Headers are NOT allowed").
ALLOWED_HEADER_MEMBERS = frozenset({"alg", "kid", "typ", "jwk"})
ACCEPTED_TYP = frozenset({"JWT", "vc+jwt"})
#: Registered claims the signer adds and the verifier strips to get the credential back.
JWT_CLAIMS = ("iss", "jti", "sub", "nbf", "exp")
_RESERVED_MEMBERS = frozenset({*JWT_CLAIMS, "iat", "aud", "vc", "vp"})
_OB_TYPES = frozenset({"OpenBadgeCredential", "AchievementCredential"})
_INDEX_RE = re.compile(r"^(0|[1-9][0-9]*)$")
#: Tolerated clock difference when a status list was signed just before it is checked.
STATUS_LIST_CLOCK_SKEW = timedelta(minutes=5)


def _registry() -> JWSRegistry:
    """A joserfc registry that allows RS256 only, with room for large status lists."""
    registry = JWSRegistry(algorithms=list(ALLOWED_ALGORITHMS))
    registry.max_header_length = 4096  # a header may carry an RSA ``jwk``
    registry.max_payload_length = 8 * 1024 * 1024  # encoded status lists can be large
    return registry


_REGISTRY = _registry()


class Verdict(IntEnum):
    """Overall result of a verification; the value is the exit code of ``clusterlabel verify``.

    The checks run in this order and the first failure decides: the token's structure
    (MALFORMED; INPUT_ERROR in the CLI), a refused algorithm (SIGNATURE_INVALID), the key
    (UNKNOWN_KEY), the signature (SIGNATURE_INVALID), the claims against the credential
    (MALFORMED). For a correctly signed credential the verdict is then the first of REVOKED,
    SUSPENDED, EXPIRED, NOT_YET_VALID, STATUS_LIST_INVALID, STATUS_NOT_CHECKED, VALID that
    applies: a revocation is reported even when the credential has also expired.

    ``VALID`` (0) therefore always means: signed by a published key, inside its validity
    period, and shown neither revoked nor suspended by the status lists given.
    """

    VALID = 0
    #: The signature is wrong, or the token uses an algorithm other than RS256 (none, HS256...).
    SIGNATURE_INVALID = 1
    #: The token names a key the JWKS does not contain (unknown kid, or no usable key reference).
    UNKNOWN_KEY = 2
    EXPIRED = 3
    NOT_YET_VALID = 4
    REVOKED = 5
    SUSPENDED = 6
    #: Not a compact JWS of an OpenBadgeCredential, or its claims contradict the credential.
    MALFORMED = 7
    #: Everything checked is fine, but no status list was available for (all of) the entries.
    STATUS_NOT_CHECKED = 8
    #: A status list was given but cannot be trusted or read (bad signature, other issuer,
    #: wrong purpose, expired list, index outside the list, undecodable).
    STATUS_LIST_INVALID = 9
    #: CLI only: the verifier's own inputs (credential file, JWKS file) could not be read.
    INPUT_ERROR = 10


class SignatureOutcome(StrEnum):
    """Whether the JWS signature verified."""

    VALID = "valid"
    INVALID = "invalid"
    NOT_CHECKED = "not checked"


class KeyOutcome(StrEnum):
    """Whether the signing key is one the issuer published."""

    KNOWN = "known kid"
    UNKNOWN_KID = "unknown kid"
    NOT_IN_SET = "key not in set"
    NOT_CHECKED = "not checked"


class AlgorithmOutcome(StrEnum):
    """Whether the header's algorithm is the pinned RS256."""

    ACCEPTED = "accepted"
    REFUSED = "refused"
    NOT_CHECKED = "not checked"


class DatesOutcome(StrEnum):
    """Where ``now`` lies relative to ``validFrom``/``validUntil``."""

    VALID = "valid"
    EXPIRED = "expired"
    NOT_YET_VALID = "not yet valid"
    NOT_CHECKED = "not checked"


class StatusOutcome(StrEnum):
    """What the Bitstring Status Lists say about the credential."""

    VALID = "valid"
    REVOKED = "revoked"
    SUSPENDED = "suspended"
    NOT_CHECKED = "not checked"
    LIST_INVALID = "status list invalid"


@dataclass(frozen=True)
class VerificationReport:
    """Everything a verification found, one field per check, plus the verdict.

    ``credential`` is the verified credential (JWT claims removed) and is only set when the
    signature verified; data from an unverified token is never handed out.
    """

    verdict: Verdict
    signature: SignatureOutcome = SignatureOutcome.NOT_CHECKED
    key: KeyOutcome = KeyOutcome.NOT_CHECKED
    algorithm: AlgorithmOutcome = AlgorithmOutcome.NOT_CHECKED
    dates: DatesOutcome = DatesOutcome.NOT_CHECKED
    status: StatusOutcome = StatusOutcome.NOT_CHECKED
    kid: str | None = None
    alg: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    status_details: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    credential: Mapping[str, Any] | None = field(default=None, compare=False)

    @property
    def exit_code(self) -> int:
        """The process exit code for this verdict."""
        return int(self.verdict)

    @property
    def is_valid(self) -> bool:
        """True only for a fully verified, current, not revoked or suspended credential."""
        return self.verdict is Verdict.VALID


# --------------------------------------------------------------------------------- signing


def _issuer_id(issuer: object) -> str | None:
    """``issuer`` may be a URI or a Profile object with an ``id``."""
    if isinstance(issuer, str):
        return issuer
    if isinstance(issuer, Mapping) and isinstance(issuer.get("id"), str):
        return issuer["id"]
    return None


def jwt_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The registered JWT claims OB 3.0 derives from a credential.

    Raises ``ValueError`` if the credential lacks what the claims need.
    """
    issuer = _issuer_id(credential.get("issuer"))
    credential_id = credential.get("id")
    subject = credential.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, Mapping) else None
    if not issuer:
        raise ValueError("credential has no issuer id")
    if not isinstance(credential_id, str) or not credential_id:
        raise ValueError("credential has no id")
    if not isinstance(subject_id, str) or not subject_id:
        raise ValueError("credential has no credentialSubject.id")
    try:
        claims: dict[str, Any] = {
            "iss": issuer,
            "jti": credential_id,
            "sub": subject_id,
            "nbf": numeric_date(parse_datetime(credential.get("validFrom"), "validFrom")),
        }
        if "validUntil" in credential:
            claims["exp"] = numeric_date(parse_datetime(credential["validUntil"], "validUntil"))
    except EncodingError as exc:
        raise ValueError(str(exc)) from exc
    return claims


def sign_credential(credential: Mapping[str, Any], keyring: KeyRing) -> str:
    """Sign ``credential`` with the ring's active key; return the compact JWS (VC-JWT).

    Works for label credentials and for status-list credentials alike.
    """
    clash = _RESERVED_MEMBERS.intersection(credential)
    if clash:
        raise ValueError(f"credential must not contain JWT claim names: {sorted(clash)}")
    payload = {**jwt_claims(credential), **credential}
    header = {"alg": SIGNING_ALGORITHM, "kid": keyring.active.kid, "typ": "JWT"}
    return jws.serialize_compact(
        header,
        compact_json(payload),
        keyring.active.joserfc_private_key(),
        algorithms=list(ALLOWED_ALGORITHMS),
        registry=_REGISTRY,
    )


# ------------------------------------------------------------------------ JWS verification


class _Malformed(Exception):
    """Internal: the input is structurally not what it claims to be."""


@dataclass(frozen=True)
class _JwsCheck:
    """Outcome of checking one compact JWS against the trusted keys."""

    verdict: Verdict | None  # None = signature verified
    algorithm: AlgorithmOutcome
    key: KeyOutcome
    signature: SignatureOutcome
    kid: str | None
    alg: str | None
    payload: dict[str, Any] | None
    problem: str | None = None


def _split_compact(token: str | bytes) -> tuple[dict[str, Any], str, str]:
    """Split a compact JWS and decode its header only; the payload stays opaque until the
    signature over it has been verified. Returns (header, payload segment, whole token).
    The signature segment may be empty (as in ``alg: none`` tokens, refused later).
    """
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError as exc:
            raise _Malformed("token is not ASCII text") from exc
    text = token.strip()
    parts = text.split(".")
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise _Malformed("not a compact JWS (header.payload.signature in base64url)")
    try:
        header = strict_json_loads(b64url_decode(parts[0]))
        b64url_decode(parts[2])
    except EncodingError as exc:
        raise _Malformed(f"undecodable JWS: {exc}") from exc
    if not isinstance(header, dict):
        raise _Malformed("the JOSE header must be a JSON object")
    return header, parts[1], text


def _decode_payload(segment: str) -> dict[str, Any]:
    """Decode the (already signature-checked) payload segment into a JSON object."""
    try:
        payload = strict_json_loads(b64url_decode(segment))
    except EncodingError as exc:
        raise _Malformed(f"JWT payload: {exc}") from exc
    if not isinstance(payload, dict):
        raise _Malformed("the JWT payload must be a JSON object")
    return payload


def _check_jws(token: str | bytes, keys: Mapping[str, RSAKey]) -> _JwsCheck:
    """Check the header's algorithm and key, verify the signature, then decode the payload."""
    try:
        header, payload_segment, text = _split_compact(token)
    except _Malformed as exc:
        return _JwsCheck(
            Verdict.MALFORMED,
            AlgorithmOutcome.NOT_CHECKED,
            KeyOutcome.NOT_CHECKED,
            SignatureOutcome.NOT_CHECKED,
            None,
            None,
            None,
            str(exc),
        )
    alg = header.get("alg")
    raw_kid = header.get("kid")
    kid = raw_kid if isinstance(raw_kid, str) else None

    def fail(verdict: Verdict, problem: str, **outcomes: Any) -> _JwsCheck:
        return _JwsCheck(
            verdict,
            outcomes.get("algorithm", AlgorithmOutcome.NOT_CHECKED),
            outcomes.get("key", KeyOutcome.NOT_CHECKED),
            outcomes.get("signature", SignatureOutcome.NOT_CHECKED),
            kid,
            alg if isinstance(alg, str) else None,
            None,
            problem,
        )

    unexpected = sorted(set(header) - ALLOWED_HEADER_MEMBERS)
    if unexpected:
        return fail(Verdict.MALFORMED, f"JOSE header members not allowed: {unexpected}")
    typ = header.get("typ", "JWT")
    if not isinstance(typ, str) or typ not in ACCEPTED_TYP:
        return fail(Verdict.MALFORMED, f"JOSE header typ {header['typ']!r} is not JWT")
    if raw_kid is not None and kid is None:
        return fail(Verdict.MALFORMED, "JOSE header kid is not a string")

    # Key lookup happens before the algorithm verdict so the report shows both.
    key: RSAKey | None = None
    if kid is not None:
        key = keys.get(kid)
        key_outcome = KeyOutcome.KNOWN if key is not None else KeyOutcome.UNKNOWN_KID
    else:
        thumb = jwk_thumbprint(header.get("jwk"))
        key = keys.get(thumb) if thumb else None
        key_outcome = KeyOutcome.KNOWN if key is not None else KeyOutcome.NOT_IN_SET
        kid = thumb if key is not None else None

    if alg not in ALLOWED_ALGORITHMS:
        return fail(
            Verdict.SIGNATURE_INVALID,
            f"algorithm {alg!r} refused (only {', '.join(ALLOWED_ALGORITHMS)} is accepted)",
            algorithm=AlgorithmOutcome.REFUSED,
            key=key_outcome,
            signature=SignatureOutcome.INVALID,
        )
    if key is None:
        problem = (
            f"key {kid!r} is not in the issuer's JWKS"
            if key_outcome is KeyOutcome.UNKNOWN_KID
            else "token names no key of the issuer's JWKS"
        )
        return fail(
            Verdict.UNKNOWN_KEY, problem, algorithm=AlgorithmOutcome.ACCEPTED, key=key_outcome
        )
    try:
        # The algorithm list is pinned here; joserfc refuses anything else on its own too.
        jws.deserialize_compact(text, key, algorithms=list(ALLOWED_ALGORITHMS), registry=_REGISTRY)
    except (JoseError, ValueError) as exc:
        return fail(
            Verdict.SIGNATURE_INVALID,
            f"signature does not verify ({type(exc).__name__})",
            algorithm=AlgorithmOutcome.ACCEPTED,
            key=key_outcome,
            signature=SignatureOutcome.INVALID,
        )
    try:
        payload = _decode_payload(payload_segment)
    except _Malformed as exc:
        return fail(
            Verdict.MALFORMED,
            str(exc),
            algorithm=AlgorithmOutcome.ACCEPTED,
            key=key_outcome,
            signature=SignatureOutcome.VALID,
        )
    return _JwsCheck(
        None,
        AlgorithmOutcome.ACCEPTED,
        key_outcome,
        SignatureOutcome.VALID,
        kid,
        alg,
        payload,
    )


# -------------------------------------------------------------------- credential checks


def _credential_from_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """The credential inside a payload: the payload without the registered JWT claims."""
    return {name: value for name, value in payload.items() if name not in JWT_CLAIMS}


def _check_claims(payload: Mapping[str, Any], credential: Mapping[str, Any]) -> None:
    """OB 3.0 "Verify a Credential VC-JWT Signature": claims must equal the credential's."""
    try:
        expected = jwt_claims(credential)
    except ValueError as exc:
        raise _Malformed(str(exc)) from exc
    for claim in ("iss", "jti", "sub", "nbf"):
        if claim not in payload:
            raise _Malformed(f"JWT claim {claim!r} is missing")
    for claim in ("nbf", "exp"):
        value = payload.get(claim)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise _Malformed(f"JWT claim {claim!r} is not a NumericDate integer")
    for claim in JWT_CLAIMS:
        if payload.get(claim) != expected.get(claim):
            raise _Malformed(
                f"JWT claim {claim!r} ({payload.get(claim)!r}) does not match the credential "
                f"({expected.get(claim)!r})"
            )


def key_belongs_to(kid: str | None, issuer: str) -> bool:
    """Whether a key may sign for ``issuer``: a URL kid (OB 3.0: dereferenceable) must lie
    under the issuer's id (``<issuer id>/...`` or a DID URL ``<issuer id>#...``), so one JWKS can
    hold several issuers' keys without one signing for another. A bare kid (a thumbprint, as the
    platform's key before per-authority issuers) names no owner and is not restricted here."""
    if kid is None or ":" not in kid:
        return True
    base = issuer.rstrip("/")
    return bool(base) and (kid.startswith(base + "/") or kid.startswith(issuer + "#"))


def _types(value: object) -> set[str]:
    """A JSON-LD ``type`` value as a set of strings."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return set(value)
    return set()


def _validity(credential: Mapping[str, Any]) -> tuple[datetime, datetime | None]:
    """``validFrom`` and the optional ``validUntil`` as aware datetimes."""
    try:
        valid_from = parse_datetime(credential.get("validFrom"), "validFrom")
        valid_until = (
            parse_datetime(credential["validUntil"], "validUntil")
            if "validUntil" in credential
            else None
        )
    except EncodingError as exc:
        raise _Malformed(str(exc)) from exc
    return valid_from, valid_until


def _date_outcome(
    now: datetime, valid_from: datetime, valid_until: datetime | None
) -> DatesOutcome:
    """Classify ``now`` against a validity period (both bounds inclusive)."""
    if now < valid_from:
        return DatesOutcome.NOT_YET_VALID
    if valid_until is not None and now > valid_until:
        return DatesOutcome.EXPIRED
    return DatesOutcome.VALID


@dataclass(frozen=True)
class _StatusEntry:
    """One ``BitstringStatusListEntry`` of a credential."""

    purpose: str
    index: int
    list_url: str


def _status_entries(credential: Mapping[str, Any]) -> list[_StatusEntry]:
    """The credential's status entries; raises ``_Malformed`` for a broken entry."""
    raw = credential.get("credentialStatus")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    entries = []
    for item in items:
        if not isinstance(item, Mapping) or item.get("type") != "BitstringStatusListEntry":
            raise _Malformed("credentialStatus entry is not a BitstringStatusListEntry")
        purpose, index, url = (
            item.get("statusPurpose"),
            item.get("statusListIndex"),
            item.get("statusListCredential"),
        )
        if not isinstance(purpose, str) or not isinstance(url, str) or not url:
            raise _Malformed("credentialStatus entry lacks statusPurpose or statusListCredential")
        if not isinstance(index, str) or not _INDEX_RE.fullmatch(index):
            raise _Malformed("statusListIndex must be a base-10 integer string")
        entries.append(_StatusEntry(purpose, int(index), url))
    return entries


def _load_status_list(
    value: str | bytes,
    *,
    entry: _StatusEntry,
    issuer: str,
    keys: Mapping[str, RSAKey],
    now: datetime,
) -> tuple[BitstringStatusList, str]:
    """Read a status list given as a signed status-list credential (JWT) or as a raw
    ``encodedList``. A JWT must verify against the same JWKS and match the issuer, URL and
    purpose. Returns the list and a word on its provenance; raises ``StatusListError``.
    """
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StatusListError("status list is not UTF-8 text") from exc
    text = value.strip()
    if text.count(".") != 2:
        return BitstringStatusList.decode(text), "unsigned encoded list"

    check = _check_jws(text, keys)
    if check.verdict is not None or check.payload is None:
        raise StatusListError(f"status list credential refused: {check.problem}")
    payload = check.payload
    status_credential = _credential_from_payload(payload)
    try:
        _check_claims(payload, status_credential)
        valid_from, valid_until = _validity(status_credential)
    except _Malformed as exc:
        raise StatusListError(f"status list credential malformed: {exc}") from exc
    if "BitstringStatusListCredential" not in _types(status_credential.get("type")):
        raise StatusListError("not a BitstringStatusListCredential")
    if status_credential.get("id") != entry.list_url:
        raise StatusListError(
            f"status list credential is {status_credential.get('id')!r}, not {entry.list_url!r}"
        )
    if _issuer_id(status_credential.get("issuer")) != issuer:
        raise StatusListError("status list credential was issued by someone else")
    if not key_belongs_to(check.kid, issuer):
        raise StatusListError("status list credential is signed with another issuer's key")
    # A list signed moments ago must not fail on a verifier whose clock is a little behind.
    if (
        _date_outcome(now + STATUS_LIST_CLOCK_SKEW, valid_from, valid_until)
        is DatesOutcome.NOT_YET_VALID
    ):
        raise StatusListError("status list credential is not valid yet")
    if _date_outcome(now, valid_from, valid_until) is DatesOutcome.EXPIRED:
        raise StatusListError("status list credential has expired")
    subject = status_credential.get("credentialSubject")
    if not isinstance(subject, Mapping) or subject.get("type") != "BitstringStatusList":
        raise StatusListError("status list credential has no BitstringStatusList subject")
    purposes = subject.get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    if entry.purpose not in purposes:
        raise StatusListError(f"status list is not for {entry.purpose}")
    if subject.get("statusSize", 1) != 1:
        raise StatusListError("only statusSize 1 is supported")
    encoded = subject.get("encodedList")
    if not isinstance(encoded, str):
        raise StatusListError("status list credential has no encodedList")
    return BitstringStatusList.decode(encoded), "signed list"


_PURPOSE_OUTCOME = {
    StatusPurpose.REVOCATION.value: StatusOutcome.REVOKED,
    StatusPurpose.SUSPENSION.value: StatusOutcome.SUSPENDED,
}


def _check_status(
    entries: list[_StatusEntry],
    status_lists: Mapping[str, str | bytes] | None,
    *,
    issuer: str,
    keys: Mapping[str, RSAKey],
    now: datetime,
) -> tuple[StatusOutcome, tuple[str, ...]]:
    """Combine all entries: revoked > suspended > list invalid > not checked > valid."""
    if not entries:
        return StatusOutcome.NOT_CHECKED, ("credential has no status entries",)
    outcomes: list[StatusOutcome] = []
    details: list[str] = []
    for entry in entries:
        hit = _PURPOSE_OUTCOME.get(entry.purpose)
        if hit is None:
            details.append(f"{entry.purpose}: purpose not evaluated")
            continue
        value = None if status_lists is None else status_lists.get(entry.list_url)
        if value is None:
            outcomes.append(StatusOutcome.NOT_CHECKED)
            details.append(f"{entry.purpose}: not checked (no list for {entry.list_url})")
            continue
        try:
            status_list, provenance = _load_status_list(
                value, entry=entry, issuer=issuer, keys=keys, now=now
            )
            is_set = status_list.get(entry.index)
        except (StatusListError, IndexError) as exc:
            outcomes.append(StatusOutcome.LIST_INVALID)
            details.append(f"{entry.purpose}: list {entry.list_url} unusable: {exc}")
            continue
        outcomes.append(hit if is_set else StatusOutcome.VALID)
        state = entry.purpose.replace("revocation", "revoked").replace("suspension", "suspended")
        details.append(
            f"{entry.purpose}: {state if is_set else 'not ' + state} "
            f"(index {entry.index}, {provenance})"
        )
    if StatusOutcome.SUSPENDED in outcomes and StatusOutcome.REVOKED not in outcomes:
        revoked = _revoked_by_companion(entries, status_lists, issuer=issuer, keys=keys, now=now)
        if revoked is not None:
            outcomes.append(StatusOutcome.REVOKED)
            details.append(revoked)
    for outcome in (
        StatusOutcome.REVOKED,
        StatusOutcome.SUSPENDED,
        StatusOutcome.LIST_INVALID,
        StatusOutcome.NOT_CHECKED,
    ):
        if outcome in outcomes:
            return outcome, tuple(details)
    if not outcomes:
        return StatusOutcome.NOT_CHECKED, tuple(details)
    return StatusOutcome.VALID, tuple(details)


def _revoked_by_companion(
    entries: list[_StatusEntry],
    status_lists: Mapping[str, str | bytes] | None,
    *,
    issuer: str,
    keys: Mapping[str, RSAKey],
    now: datetime,
) -> str | None:
    """Tell revoked from suspended for a credential whose one status entry is a suspension.

    A label credential has one ``credentialStatus`` (OB 3.0 allows no more); its list's bit is
    set while the label is suspended *or* revoked. The issuer also publishes a revocation list
    with the same index; if the verifier was given it (a signed list of the same issuer, with
    purpose ``revocation``), a set bit there means revoked. Raw lists are not considered here:
    nothing would tie them to the issuer. Returns the detail line, or ``None``.
    """
    if not status_lists:
        return None
    named = {entry.list_url for entry in entries}
    for entry in entries:
        if entry.purpose != StatusPurpose.SUSPENSION.value:
            continue
        for url, value in status_lists.items():
            if url in named:
                continue
            companion = _StatusEntry(StatusPurpose.REVOCATION.value, entry.index, url)
            text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
            if text.strip().count(".") != 2:
                continue
            try:
                status_list, _provenance = _load_status_list(
                    text, entry=companion, issuer=issuer, keys=keys, now=now
                )
                if status_list.get(entry.index):
                    return f"revocation: revoked (index {entry.index}, issuer's list {url})"
            except (StatusListError, IndexError):
                continue
    return None


def _verdict(dates: DatesOutcome, status: StatusOutcome) -> Verdict:
    """The verdict of a correctly signed credential (see ``Verdict`` for the order)."""
    if status is StatusOutcome.REVOKED:
        return Verdict.REVOKED
    if status is StatusOutcome.SUSPENDED:
        return Verdict.SUSPENDED
    if dates is DatesOutcome.EXPIRED:
        return Verdict.EXPIRED
    if dates is DatesOutcome.NOT_YET_VALID:
        return Verdict.NOT_YET_VALID
    if status is StatusOutcome.LIST_INVALID:
        return Verdict.STATUS_LIST_INVALID
    if status is StatusOutcome.NOT_CHECKED:
        return Verdict.STATUS_NOT_CHECKED
    return Verdict.VALID


def verify_credential(
    token: str | bytes,
    jwks: Mapping[str, Any],
    *,
    now: datetime,
    status_lists: Mapping[str, str | bytes] | None = None,
) -> VerificationReport:
    """Verify a VC-JWT label credential offline and report each check separately.

    ``jwks`` is the issuer's published JWK Set (the trust anchor; ``ValueError`` if it is not a
    JWK Set). ``now`` must be timezone-aware. ``status_lists`` maps a ``statusListCredential``
    URL to either the signed status-list credential (a JWT, verified like the credential) or
    the raw ``encodedList`` text; without it the status is "not checked" and the verdict can
    never be ``VALID``.
    """
    require_aware(now, "now")
    keys = jwks_rsa_keys(jwks)
    check = _check_jws(token, keys)
    common: dict[str, Any] = {
        "algorithm": check.algorithm,
        "key": check.key,
        "signature": check.signature,
        "kid": check.kid,
        "alg": check.alg,
    }
    if check.verdict is not None or check.payload is None:
        problems = (check.problem,) if check.problem else ()
        return VerificationReport(
            verdict=check.verdict if check.verdict is not None else Verdict.MALFORMED,
            problems=problems,
            **common,
        )

    payload = check.payload
    credential = _credential_from_payload(payload)
    try:
        types = _types(credential.get("type"))
        if "VerifiableCredential" not in types or not _OB_TYPES & types:
            raise _Malformed("payload is not an OpenBadgeCredential")
        _check_claims(payload, credential)
        valid_from, valid_until = _validity(credential)
        entries = _status_entries(credential)
    except _Malformed as exc:
        return VerificationReport(
            verdict=Verdict.MALFORMED, problems=(str(exc),), credential=credential, **common
        )

    issuer = _issuer_id(credential.get("issuer")) or ""
    if not key_belongs_to(check.kid, issuer):
        return VerificationReport(
            verdict=Verdict.UNKNOWN_KEY,
            problems=(f"key {check.kid!r} belongs to another issuer than {issuer!r}",),
            **{**common, "key": KeyOutcome.UNKNOWN_KID, "signature": SignatureOutcome.VALID},
        )
    dates = _date_outcome(now, valid_from, valid_until)
    status, details = _check_status(entries, status_lists, issuer=issuer, keys=keys, now=now)
    return VerificationReport(
        verdict=_verdict(dates, status),
        dates=dates,
        status=status,
        valid_from=valid_from,
        valid_until=valid_until,
        status_details=details,
        credential=credential,
        **common,
    )


__all__ = [
    "ALLOWED_ALGORITHMS",
    "AlgorithmOutcome",
    "DatesOutcome",
    "KeyOutcome",
    "SignatureOutcome",
    "StatusOutcome",
    "Verdict",
    "VerificationReport",
    "jwt_claims",
    "key_belongs_to",
    "sign_credential",
    "verify_credential",
]
