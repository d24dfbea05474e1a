"""W3C Bitstring Status List v1.0: the revocation and suspension lists of label credentials.

Facts of the specification this module follows (W3C Recommendation, 2025):

- the uncompressed bitstring is at least 16 KB, i.e. 131,072 entries;
- index 0 is the left-most bit, i.e. the most significant bit of the first byte;
- ``encodedList`` is the *Multibase* base64url encoding, without padding, of the GZIP-compressed
  bitstring, so it starts with the Multibase prefix ``u`` (then ``H4sI`` for the GZIP magic);
- a list has one ``statusPurpose``; a credential that can be both revoked and suspended has two
  ``BitstringStatusListEntry`` items pointing at two lists (``statusListIndex`` is a base-10
  string);
- the list is published as a ``BitstringStatusListCredential`` whose subject is a
  ``BitstringStatusList``. We sign it exactly like a label credential:
  ``vcjwt.sign_credential(build_status_list_credential(...), keyring)``.
"""

from __future__ import annotations

import gzip
import zlib
from datetime import datetime
from enum import StrEnum
from typing import Any

from ._encoding import EncodingError, b64url_decode, b64url_encode, format_datetime

#: Minimum (and default) number of entries: 16 KB of bits.
MINIMUM_SIZE = 16 * 1024 * 8
#: Refuse to inflate more than this many bytes (a GZIP bomb guard), 16 MiB = 134 million entries.
MAX_DECODED_BYTES = 16 * 1024 * 1024
#: Multibase prefix for base64url without padding.
MULTIBASE_BASE64URL = "u"
VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2"


class StatusPurpose(StrEnum):
    """The two purposes a label credential uses (the spec also knows refresh and message)."""

    REVOCATION = "revocation"
    SUSPENSION = "suspension"


class StatusListError(ValueError):
    """An encoded status list is not a valid Bitstring Status List."""


class BitstringStatusList:
    """A mutable bitstring of credential statuses; bit set = revoked (or suspended)."""

    __slots__ = ("_bits", "_size")

    def __init__(self, size: int = MINIMUM_SIZE, *, bits: bytes | None = None) -> None:
        """Create an all-clear list of ``size`` entries, or wrap existing ``bits``.

        ``size`` must be at least 131,072 and a multiple of 8.
        """
        if bits is not None:
            size = len(bits) * 8
        if size < MINIMUM_SIZE or size % 8:
            raise StatusListError(
                f"a status list has at least {MINIMUM_SIZE} entries and a multiple of 8; got {size}"
            )
        self._size = size
        self._bits = bytearray(bits) if bits is not None else bytearray(size // 8)

    def __len__(self) -> int:
        """Number of entries."""
        return self._size

    def __eq__(self, other: object) -> bool:
        """Two lists are equal when they hold the same bits."""
        if not isinstance(other, BitstringStatusList):
            return NotImplemented
        return self._bits == other._bits

    __hash__ = None  # type: ignore[assignment]  # mutable

    def _locate(self, index: int) -> tuple[int, int]:
        """Byte offset and bit mask of ``index``; index 0 is the left-most (MSB) bit."""
        if isinstance(index, bool) or not isinstance(index, int):
            raise TypeError("a status list index is an int")
        if not 0 <= index < self._size:
            raise IndexError(f"index {index} outside the list (0..{self._size - 1})")
        return index // 8, 0x80 >> (index % 8)

    def get(self, index: int) -> bool:
        """Whether the entry at ``index`` is set."""
        offset, mask = self._locate(index)
        return bool(self._bits[offset] & mask)

    def set(self, index: int) -> None:
        """Set the entry at ``index`` (revoke or suspend)."""
        offset, mask = self._locate(index)
        self._bits[offset] |= mask

    def clear(self, index: int) -> None:
        """Clear the entry at ``index`` (lift a suspension)."""
        offset, mask = self._locate(index)
        self._bits[offset] &= ~mask & 0xFF

    def set_indices(self) -> list[int]:
        """All set indices, ascending (for audits and tests)."""
        return [
            offset * 8 + bit
            for offset, byte in enumerate(self._bits)
            if byte
            for bit in range(8)
            if byte & (0x80 >> bit)
        ]

    def to_bytes(self) -> bytes:
        """The raw, uncompressed bitstring."""
        return bytes(self._bits)

    def encode(self) -> str:
        """The ``encodedList`` value: ``u`` + base64url(GZIP(bitstring)), no padding.

        GZIP's timestamp is fixed at 0 so equal lists encode to equal text; with level 6 an
        empty 16 KB list encodes byte for byte like the specification's example.
        """
        compressed = gzip.compress(self.to_bytes(), compresslevel=6, mtime=0)
        return MULTIBASE_BASE64URL + b64url_encode(compressed)

    @classmethod
    def decode(cls, encoded: str, *, max_bytes: int = MAX_DECODED_BYTES) -> BitstringStatusList:
        """Parse an ``encodedList`` value.

        Accepts the Multibase form (``u`` prefix) the spec requires and, for lists written by
        older tools, bare base64url of GZIP data (recognisable by its ``H4sI`` start). Refuses
        anything else, lists shorter than 16 KB and inflations beyond ``max_bytes``.
        """
        if not isinstance(encoded, str):
            raise StatusListError("an encoded status list is text")
        text = encoded.strip()
        if text.startswith(MULTIBASE_BASE64URL):
            text = text[1:]
        elif not text.startswith("H4sI"):
            raise StatusListError("not a Multibase base64url GZIP bitstring")
        try:
            compressed = b64url_decode(text)
        except EncodingError as exc:
            raise StatusListError("encodedList is not unpadded base64url") from exc
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP container only
        try:
            bits = inflater.decompress(compressed, max_bytes)
        except zlib.error as exc:
            raise StatusListError("encodedList is not GZIP data") from exc
        if inflater.unconsumed_tail:
            raise StatusListError(f"status list inflates beyond {max_bytes} bytes")
        if not inflater.eof or inflater.unused_data:
            raise StatusListError("encodedList is truncated or has trailing data")
        if len(bits) * 8 < MINIMUM_SIZE:
            raise StatusListError(
                f"status list has {len(bits) * 8} entries; the minimum is {MINIMUM_SIZE}"
            )
        return cls(bits=bits)


def status_list_entry(*, list_url: str, index: int, purpose: StatusPurpose | str) -> dict[str, str]:
    """One ``BitstringStatusListEntry`` for a credential's ``credentialStatus`` list."""
    if isinstance(index, bool) or not isinstance(index, int) or index < 0:
        raise ValueError("statusListIndex is a non-negative int")
    purpose = StatusPurpose(purpose)
    return {
        "id": f"{list_url}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose.value,
        "statusListIndex": str(index),
        "statusListCredential": list_url,
    }


def build_status_list_credential(
    *,
    list_url: str,
    issuer_id: str,
    purpose: StatusPurpose | str,
    status_list: BitstringStatusList,
    valid_from: datetime,
    valid_until: datetime | None = None,
) -> dict[str, Any]:
    """The ``BitstringStatusListCredential`` to sign and publish at ``list_url``.

    ``valid_until`` is optional: offline verifiers keep using a downloaded list, and a short
    validity would make every cached copy fail. Set it if the lists are refreshed on a schedule.
    """
    purpose = StatusPurpose(purpose)
    credential: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id,
        "validFrom": format_datetime(valid_from),
    }
    if valid_until is not None:
        credential["validUntil"] = format_datetime(valid_until)
    credential["credentialSubject"] = {
        "id": f"{list_url}#list",
        "type": "BitstringStatusList",
        "statusPurpose": purpose.value,
        "encodedList": status_list.encode(),
    }
    return credential


__all__ = [
    "MINIMUM_SIZE",
    "BitstringStatusList",
    "StatusListError",
    "StatusPurpose",
    "build_status_list_credential",
    "status_list_entry",
]
