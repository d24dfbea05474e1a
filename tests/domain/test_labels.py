"""A label's status on a day: revocation and suspension win, then the dates decide."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.labels import LabelStatus, RecordedState, label_status, may_change
from clusterlabel.domain.validity import Validity

PERIOD = Validity(date(2022, 10, 1), date(2025, 9, 30))


@pytest.mark.parametrize(
    ("state", "day", "expected"),
    [
        ("active", date(2022, 9, 30), LabelStatus.NOT_YET_VALID),
        ("active", date(2022, 10, 1), LabelStatus.VALID),
        ("active", date(2025, 9, 30), LabelStatus.VALID),
        ("active", date(2025, 10, 1), LabelStatus.EXPIRED),
        ("superseded", date(2025, 9, 30), LabelStatus.VALID),
        ("superseded", date(2025, 10, 1), LabelStatus.EXPIRED),
        ("suspended", date(2024, 1, 1), LabelStatus.SUSPENDED),
        ("suspended", date(2030, 1, 1), LabelStatus.SUSPENDED),
        ("revoked", date(2024, 1, 1), LabelStatus.REVOKED),
        ("revoked", date(2021, 1, 1), LabelStatus.REVOKED),
    ],
)
def test_status_on_a_day(state, day, expected):
    assert label_status(state, PERIOD, day) is expected


@given(st.sampled_from(list(RecordedState)), st.dates())
def test_revoked_or_suspended_labels_are_never_valid(state, day):
    status = label_status(state, PERIOD, day)
    if state in (RecordedState.REVOKED, RecordedState.SUSPENDED):
        assert status is not LabelStatus.VALID
    else:
        assert (status is LabelStatus.VALID) == PERIOD.contains(day)


def test_revocation_is_final_and_suspension_can_be_lifted():
    assert may_change("active", "suspended")
    assert may_change("suspended", "active")
    assert may_change("suspended", "revoked")
    assert not may_change("revoked", "active")
    assert not may_change("revoked", "suspended")
    assert not may_change("superseded", "active")
    assert not may_change("active", "active")
