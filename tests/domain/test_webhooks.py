"""The webhook rules without a database: signature, backoff, success."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.webhooks import (
    BACKOFF,
    MAX_ATTEMPTS,
    is_success,
    retry_after,
    signature,
    signature_valid,
)


@given(secret=st.text(min_size=1), timestamp=st.integers(0, 2**40), body=st.binary())
def test_the_signature_is_hmac_sha256_over_timestamp_dot_body(secret, timestamp, body):
    expected = hmac.new(
        secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert signature(secret, timestamp, body) == f"sha256={expected}"


def test_a_receiver_refuses_a_changed_body_another_secret_or_an_old_timestamp():
    header = signature("whsec_a", 1_700_000_000, b'{"a":1}')
    assert signature_valid("whsec_a", 1_700_000_000, b'{"a":1}', header, now=1_700_000_010)
    assert not signature_valid("whsec_a", 1_700_000_000, b'{"a":2}', header, now=1_700_000_010)
    assert not signature_valid("whsec_b", 1_700_000_000, b'{"a":1}', header, now=1_700_000_010)
    assert not signature_valid("whsec_a", 1_700_000_000, b'{"a":1}', header, now=1_700_001_000)


def test_the_backoff_is_one_five_thirty_minutes_two_and_twelve_hours_then_given_up():
    assert [retry_after(n) for n in range(1, MAX_ATTEMPTS + 1)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=12),
        None,
    ]
    assert MAX_ATTEMPTS == len(BACKOFF) + 1 == 6
    with pytest.raises(ValueError):
        retry_after(0)


@pytest.mark.parametrize(
    ("status", "delivered"),
    [
        (200, True),
        (204, True),
        (299, True),
        (None, False),
        (199, False),
        (301, False),
        (404, False),
        (500, False),
    ],
)
def test_only_a_2xx_delivers(status, delivered):
    assert is_success(status) is delivered
