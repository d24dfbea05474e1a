"""Dating a register row that gives only its end: first award counted back, or a seamless
renewal by the scheme's renewal rule (ESCA's Bronze: renewed within a year, three more years
from the previous end)."""

from __future__ import annotations

from datetime import date

import pytest

from clusterlabel.domain.schemes.loading import load_scheme_file
from clusterlabel.domain.validity import Validity, start_counted_back, validity_from_end
from tests.domain.conftest import SHIPPED_DIR
from tests.domain.factories import build_scheme


@pytest.fixture(scope="module")
def bronze():
    return load_scheme_file(SHIPPED_DIR / "ecei-bronze-2026.2.yaml")


@pytest.fixture(scope="module")
def bw():
    return load_scheme_file(SHIPPED_DIR / "bw-cluster-excellence-2026.1.yaml")


PREVIOUS = Validity(date(2017, 10, 1), date(2019, 9, 30))


def test_without_a_previous_label_the_end_is_counted_back(bronze):
    result = validity_from_end(bronze, valid_until=date(2019, 9, 30), previous=None)
    assert (result.validity, result.seamless) == (PREVIOUS, False)


def test_a_bronze_renewed_within_the_year_runs_seamlessly_from_the_previous_end(bronze):
    # 36 months after 2019-09-30: counting back 24 would leave 2019-10..2020-09 as a false gap.
    result = validity_from_end(bronze, valid_until=date(2022, 9, 30), previous=PREVIOUS)
    assert result.seamless
    assert result.validity == Validity(date(2019, 10, 1), date(2022, 9, 30))


def test_day_precise_ends_a_few_days_past_the_extension_are_seamless_within_the_tolerance(
    bronze,
):
    previous = Validity(date(2017, 9, 18), date(2019, 9, 17))
    late_by_five = date(2022, 9, 22)
    assert not validity_from_end(bronze, valid_until=late_by_five, previous=previous).seamless
    result = validity_from_end(
        bronze, valid_until=late_by_five, previous=previous, tolerance_days=31
    )
    assert result.validity == Validity(date(2019, 9, 18), late_by_five)


def test_a_renewal_after_the_grace_period_is_a_new_first_award_with_a_gap(bronze):
    result = validity_from_end(bronze, valid_until=date(2023, 3, 31), previous=PREVIOUS)
    assert not result.seamless
    assert result.validity == Validity(date(2021, 4, 1), date(2023, 3, 31))


def test_the_scheme_decides_not_a_constant(bronze):
    # The same dates under a scheme that extends by 24 months only: 36 months later is late.
    short = build_scheme(
        validity={"anchor": "assessment_month", "months": 24},
        renewal={"grace_months_after_expiry": 12, "extension_months": 24},
    )
    assert validity_from_end(bronze, valid_until=date(2022, 9, 30), previous=PREVIOUS).seamless
    assert not validity_from_end(short, valid_until=date(2022, 9, 30), previous=PREVIOUS).seamless


def test_bw_renewed_before_expiry_continues_the_day_after(bw):
    previous = Validity(date(2015, 7, 3), date(2017, 7, 2))
    result = validity_from_end(bw, valid_until=date(2019, 7, 2), previous=previous)
    assert result.validity == Validity(date(2017, 7, 3), date(2019, 7, 2))
    assert result.seamless
    late = validity_from_end(bw, valid_until=date(2019, 9, 30), previous=previous)
    assert (late.validity.valid_from, late.seamless) == (date(2017, 10, 1), False)


def test_a_previous_label_ending_later_is_no_predecessor(bronze):
    result = validity_from_end(bronze, valid_until=date(2019, 3, 31), previous=PREVIOUS)
    assert (result.validity.valid_from, result.seamless) == (
        start_counted_back(bronze, date(2019, 3, 31)),
        False,
    )
