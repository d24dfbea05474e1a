"""The ECEI labels of the 2026.1 scheme files run from the assessment day (ESCA's register gives
day-precise ends), Gold's re-assessment extends by 24 months and Bronze's by 36, BW keeps the
decision day; registers are still dated by counting back. Edges: the 31st, 29 February, the
last day of the grace year and the day after."""

from __future__ import annotations

from datetime import date

import pytest

from clusterlabel.domain.schemes import Scheme, load_scheme_dir
from clusterlabel.domain.validity import (
    Validity,
    first_award_validity,
    renew,
    renewal_window_end,
    start_counted_back,
    validity_from_end,
)
from tests.domain.conftest import SHIPPED_DIR
from tests.domain.factories import build_scheme


@pytest.fixture(scope="module")
def shipped() -> dict[str, Scheme]:
    return {scheme.id: scheme for scheme in load_scheme_dir(SHIPPED_DIR)}


def day_scheme(months: int = 24) -> Scheme:
    return build_scheme(validity={"anchor": "assessment_day", "months": months})


@pytest.mark.parametrize(
    ("assessed", "valid_until"),
    [
        (date(2025, 1, 31), date(2027, 1, 30)),  # the 31st: the day before its anniversary
        (date(2024, 2, 29), date(2026, 2, 28)),  # 29 February: no anniversary in 2026
        (date(2024, 3, 1), date(2026, 2, 28)),  # the day before is 29 Feb, a month end
        (date(2023, 3, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2027, 2, 28)),  # 28 Feb 2025 is a month end: it stays one
        (date(2017, 10, 15), date(2019, 10, 14)),
        (date(2025, 12, 1), date(2027, 11, 30)),
    ],
)
def test_valid_from_the_assessment_day_to_the_day_before_the_24th_anniversary(
    assessed: date, valid_until: date
) -> None:
    # The decision weeks later changes nothing: the assessment day anchors.
    validity = first_award_validity(
        day_scheme(), assessment_date=assessed, decision_date=date(2027, 12, 31)
    )
    assert validity == Validity(assessed, valid_until)
    # Counting back from the end gives the assessment day again; 29 Feb and 1 Mar 2024 both end
    # on 28 Feb 2026, so a register's end alone cannot tell them apart.
    counted_back = start_counted_back(day_scheme(), valid_until)
    assert counted_back == (date(2024, 3, 1) if assessed == date(2024, 2, 29) else assessed)


def test_every_ecei_level_runs_from_the_assessment_day_and_bw_from_the_decision(
    shipped: dict[str, Scheme],
) -> None:
    assessed, decided = date(2025, 1, 31), date(2025, 3, 14)
    for scheme_id in ("ecei-bronze", "ecei-silver", "ecei-gold"):
        scheme = shipped[scheme_id]
        assert scheme.validity.anchor == "assessment_day", scheme_id
        assert first_award_validity(
            scheme, assessment_date=assessed, decision_date=decided
        ) == Validity(date(2025, 1, 31), date(2027, 1, 30))
    assert first_award_validity(
        shipped["bw-cluster-excellence"], assessment_date=assessed, decision_date=decided
    ) == Validity(date(2025, 3, 14), date(2027, 3, 13))


def test_the_old_month_anchor_still_dates_versions_stored_with_it() -> None:
    month = build_scheme(validity={"anchor": "assessment_month", "months": 24})
    assert first_award_validity(
        month, assessment_date=date(2025, 1, 31), decision_date=date(2025, 2, 3)
    ) == Validity(date(2025, 1, 1), date(2026, 12, 31))


GOLD_2025 = Validity(date(2025, 1, 31), date(2027, 1, 30))


def test_gold_renewed_before_expiry_extends_24_months_from_the_previous_end(
    shipped: dict[str, Scheme],
) -> None:
    gold = shipped["ecei-gold"]
    result = renew(
        gold,
        previous=GOLD_2025,
        assessment_date=date(2026, 12, 1),
        decision_date=date(2027, 2, 20),  # decided after expiry: the label still continues
    )
    assert (result.validity, result.seamless) == (
        Validity(date(2027, 1, 31), date(2029, 1, 30)),
        True,
    )


def test_gold_renewed_on_the_last_day_of_grace_is_seamless_and_the_day_after_is_not(
    shipped: dict[str, Scheme],
) -> None:
    gold = shipped["ecei-gold"]
    last_day = renewal_window_end(gold, GOLD_2025)
    assert last_day == date(2028, 1, 30)
    within = renew(gold, previous=GOLD_2025, assessment_date=last_day, decision_date=last_day)
    assert (within.validity, within.seamless) == (
        Validity(date(2027, 1, 31), date(2029, 1, 30)),
        True,
    )
    after = renew(
        gold,
        previous=GOLD_2025,
        assessment_date=date(2028, 1, 31),
        decision_date=date(2028, 2, 10),
    )
    # A new first Gold from its assessment day; never an earlier end than the renewal before.
    assert (after.validity, after.seamless) == (
        Validity(date(2028, 1, 31), date(2030, 1, 30)),
        False,
    )
    assert after.validity.valid_until >= within.validity.valid_until


def test_bronze_renewed_within_the_year_extends_36_months_from_the_previous_end(
    shipped: dict[str, Scheme],
) -> None:
    bronze = shipped["ecei-bronze"]
    previous = Validity(date(2021, 6, 17), date(2023, 6, 16))
    result = renew(
        bronze,
        previous=previous,
        assessment_date=date(2024, 5, 2),  # after expiry, within the year of grace
        decision_date=date(2024, 5, 30),
    )
    assert (result.validity, result.seamless) == (
        Validity(date(2023, 6, 17), date(2026, 6, 16)),
        True,
    )


def test_registers_with_day_precise_ends_are_dated_by_the_renewal_rule(
    shipped: dict[str, Scheme],
) -> None:
    bronze, gold = shipped["ecei-bronze"], shipped["ecei-gold"]
    first = validity_from_end(bronze, valid_until=date(2023, 6, 16), previous=None)
    assert (first.validity, first.seamless) == (
        Validity(date(2021, 6, 17), date(2023, 6, 16)),
        False,
    )
    renewed = validity_from_end(bronze, valid_until=date(2026, 6, 16), previous=first.validity)
    assert (renewed.validity, renewed.seamless) == (
        Validity(date(2023, 6, 17), date(2026, 6, 16)),
        True,
    )
    # Gold: "extended for another two years", seamless from the previous end.
    gold_first = Validity(date(2020, 6, 16), date(2022, 6, 15))
    gold_renewed = validity_from_end(gold, valid_until=date(2024, 6, 15), previous=gold_first)
    assert (gold_renewed.validity, gold_renewed.seamless) == (
        Validity(date(2022, 6, 16), date(2024, 6, 15)),
        True,
    )
