"""W3C Bitstring Status List v1.0: bits, encoding, decoding, the list credential."""

from __future__ import annotations

import gzip
import random
from datetime import UTC, datetime

import pytest

from clusterlabel.credentials import (
    MINIMUM_SIZE,
    BitstringStatusList,
    StatusListError,
    build_status_list_credential,
    status_list_entry,
)

from .helpers import REVOCATION_LIST_URL, b64url, unb64url

#: The encodedList of an empty 16 KB list as printed in the W3C specification's example.
SPEC_EXAMPLE_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def test_minimum_size_is_16kb_of_bits() -> None:
    assert MINIMUM_SIZE == 131_072
    assert len(BitstringStatusList()) == 131_072
    with pytest.raises(StatusListError):
        BitstringStatusList(131_064)
    with pytest.raises(StatusListError):
        BitstringStatusList(131_073)


def test_set_get_clear() -> None:
    status = BitstringStatusList()
    assert not status.get(4711)
    status.set(4711)
    assert status.get(4711) and not status.get(4710) and not status.get(4712)
    status.clear(4711)
    assert not status.get(4711)
    assert status.set_indices() == []
    for index in (-1, MINIMUM_SIZE):
        with pytest.raises(IndexError):
            status.get(index)
    with pytest.raises(TypeError):
        status.set(True)  # type: ignore[arg-type]


def test_index_zero_is_the_left_most_bit() -> None:
    status = BitstringStatusList()
    status.set(0)
    status.set(9)
    status.set(MINIMUM_SIZE - 1)
    raw = status.to_bytes()
    assert raw[0] == 0b1000_0000
    assert raw[1] == 0b0100_0000
    assert raw[-1] == 0b0000_0001


def test_empty_list_encodes_like_the_specification_example() -> None:
    encoded = BitstringStatusList().encode()
    assert encoded == SPEC_EXAMPLE_EMPTY_LIST
    assert encoded.startswith("uH4sI")  # Multibase base64url prefix, then the GZIP magic
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    assert gzip.decompress(unb64url(encoded[1:])) == bytes(16 * 1024)


def test_round_trip_with_many_bits() -> None:
    chooser = random.Random(20220301)
    indices = sorted(chooser.sample(range(MINIMUM_SIZE), 500))
    status = BitstringStatusList()
    for index in indices:
        status.set(index)
    decoded = BitstringStatusList.decode(status.encode())
    assert decoded == status
    assert decoded.set_indices() == indices


def test_decode_spec_example_and_legacy_bare_base64url() -> None:
    assert BitstringStatusList.decode(SPEC_EXAMPLE_EMPTY_LIST).set_indices() == []
    status = BitstringStatusList()
    status.set(3)
    bare = status.encode()[1:]
    assert BitstringStatusList.decode(bare).get(3)


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "u",
        "uAAAA",  # base64url but not GZIP
        "zH4sIAAAA",  # another Multibase base
        "u" + b64url(gzip.compress(bytes(1024), mtime=0)),  # a list shorter than 16 KB
        SPEC_EXAMPLE_EMPTY_LIST + "==",  # padding is not allowed
        SPEC_EXAMPLE_EMPTY_LIST[:-6],  # truncated
    ],
)
def test_decode_refuses_invalid_lists(encoded: str) -> None:
    with pytest.raises(StatusListError):
        BitstringStatusList.decode(encoded)


def test_decode_refuses_gzip_bombs() -> None:
    bomb = "u" + b64url(gzip.compress(bytes(64 * 1024 * 1024)))
    with pytest.raises(StatusListError, match="inflates beyond"):
        BitstringStatusList.decode(bomb)


def test_status_list_entry_shape() -> None:
    assert status_list_entry(list_url=REVOCATION_LIST_URL, index=7, purpose="revocation") == {
        "id": f"{REVOCATION_LIST_URL}#7",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "7",
        "statusListCredential": REVOCATION_LIST_URL,
    }
    with pytest.raises(ValueError):
        status_list_entry(list_url=REVOCATION_LIST_URL, index=7, purpose="refresh")


def test_status_list_credential_shape() -> None:
    status = BitstringStatusList()
    credential = build_status_list_credential(
        list_url=REVOCATION_LIST_URL,
        issuer_id="https://labels.example.org",
        purpose="revocation",
        status_list=status,
        valid_from=datetime(2024, 1, 1, tzinfo=UTC),
    )
    assert credential == {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": REVOCATION_LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": "https://labels.example.org",
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {
            "id": f"{REVOCATION_LIST_URL}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": SPEC_EXAMPLE_EMPTY_LIST,
        },
    }
