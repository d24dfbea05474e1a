"""Month arithmetic, validity periods, renewal windows and seamless extension."""

from __future__ import annotations

from datetime import date

import pytest

from clusterlabel.domain.dates import (
    add_months,
    add_months_keeping_month_end,
    first_day_of_month,
    is_month_end,
    last_day_of_month,
)
from clusterlabel.domain.schemes import Scheme
from clusterlabel.domain.validity import (
    RenewalResult,
    Validity,
    ValidityStatus,
    first_award_validity,
    is_valid_on,
    renew,
    renewal_window_end,
)
from tests.domain.factories import build_scheme

D = date


@pytest.fixture(scope="module")
def by_month() -> Scheme:
    """ECEI-like: from the assessment month, 24 months, renewal grace 12, extension 36."""
    return build_scheme()


@pytest.fixture(scope="module")
def by_decision() -> Scheme:
    """BW-like: from the decision day, 24 months, renewal before expiry, extension 24."""
    return build_scheme(
        validity={"anchor": "decision_date", "months": 24},
        renewal={"grace_months_after_expiry": 0, "extension_months": 24},
    )


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 2, 29), 48, D(2028, 2, 29)),
        (D(2017, 10, 15), 24, D(2019, 10, 15)),
        (D(2024, 3, 31), -1, D(2024, 2, 29)),
        (D(2024, 1, 15), -13, D(2022, 12, 15)),
        (D(2024, 5, 31), 0, D(2024, 5, 31)),
        (D(2024, 12, 31), 1, D(2025, 1, 31)),
    ],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (D(2019, 9, 30), 36, D(2022, 9, 30)),
        (D(2023, 2, 28), 12, D(2024, 2, 29)),  # plain add_months gives 2024-02-28
        (D(2023, 4, 30), 1, D(2023, 5, 31)),
        (D(2024, 2, 28), 12, D(2025, 2, 28)),  # not a month end in a leap year
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2024, 3, 30), 1, D(2024, 4, 30)),
    ],
)
def test_add_months_keeping_month_end(start: date, months: int, expected: date) -> None:
    assert add_months_keeping_month_end(start, months) == expected


def test_month_helpers() -> None:
    assert last_day_of_month(D(2024, 2, 10)) == D(2024, 2, 29)
    assert first_day_of_month(D(2024, 2, 10)) == D(2024, 2, 1)
    assert is_month_end(D(2023, 2, 28)) and not is_month_end(D(2024, 2, 28))


# --- the validity period --------------------------------------------------------------------


def test_validity_is_inclusive_at_both_ends() -> None:
    validity = Validity(D(2017, 10, 1), D(2019, 9, 30))
    assert validity.status_on(D(2017, 9, 30)) is ValidityStatus.NOT_YET_VALID
    assert validity.status_on(D(2017, 10, 1)) is ValidityStatus.VALID
    assert validity.status_on(D(2019, 9, 30)) is ValidityStatus.VALID
    assert validity.status_on(D(2019, 10, 1)) is ValidityStatus.EXPIRED
    assert validity.contains(D(2019, 9, 30)) and not validity.contains(D(2019, 10, 1))
    assert is_valid_on(validity, D(2018, 1, 1)) and not is_valid_on(validity, D(2017, 9, 30))
    assert Validity(D(2020, 1, 1), D(2020, 1, 1)).contains(D(2020, 1, 1))


def test_validity_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="before valid_from"):
        Validity(D(2020, 1, 2), D(2020, 1, 1))


# --- first awards ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("assessed", "expected"),
    [
        (D(2017, 10, 15), Validity(D(2017, 10, 1), D(2019, 9, 30))),
        (D(2020, 2, 29), Validity(D(2020, 2, 1), D(2022, 1, 31))),
        (D(2023, 3, 31), Validity(D(2023, 3, 1), D(2025, 2, 28))),
        (D(2022, 3, 1), Validity(D(2022, 3, 1), D(2024, 2, 29))),
        (D(2019, 1, 1), Validity(D(2019, 1, 1), D(2020, 12, 31))),
    ],
)
def test_first_award_from_the_assessment_month(
    by_month: Scheme, assessed: date, expected: Validity
) -> None:
    decided = D(assessed.year + 1, 1, 1)  # the decision day does not matter for this anchor
    assert (
        first_award_validity(by_month, assessment_date=assessed, decision_date=decided) == expected
    )


@pytest.mark.parametrize(
    ("decided", "expected"),
    [
        (D(2024, 2, 29), Validity(D(2024, 2, 29), D(2026, 2, 28))),
        (D(2024, 3, 1), Validity(D(2024, 3, 1), D(2026, 2, 28))),
        (D(2015, 7, 3), Validity(D(2015, 7, 3), D(2017, 7, 2))),
        (D(2023, 3, 1), Validity(D(2023, 3, 1), D(2025, 2, 28))),
        (D(2020, 1, 1), Validity(D(2020, 1, 1), D(2021, 12, 31))),
    ],
)
def test_first_award_from_the_decision_day(
    by_decision: Scheme, decided: date, expected: Validity
) -> None:
    assessed = D(decided.year - 1, 12, 1)
    assert (
        first_award_validity(by_decision, assessment_date=assessed, decision_date=decided)
        == expected
    )


def test_one_month_award_from_the_first_keeps_the_whole_month() -> None:
    monthly = build_scheme(
        validity={"anchor": "decision_date", "months": 1},
        renewal={"grace_months_after_expiry": 0, "extension_months": 1},
    )
    validity = first_award_validity(
        monthly, assessment_date=D(2023, 10, 1), decision_date=D(2023, 10, 1)
    )
    assert validity == Validity(D(2023, 10, 1), D(2023, 10, 31))


def test_a_decision_cannot_precede_its_assessment(by_month: Scheme) -> None:
    with pytest.raises(ValueError, match="cannot precede"):
        first_award_validity(by_month, assessment_date=D(2020, 5, 2), decision_date=D(2020, 5, 1))
    with pytest.raises(ValueError, match="cannot precede"):
        renew(
            by_month,
            previous=Validity(D(2018, 1, 1), D(2019, 12, 31)),
            assessment_date=D(2020, 5, 2),
            decision_date=D(2020, 5, 1),
        )


# --- renewals -------------------------------------------------------------------------------

FIRST = Validity(D(2017, 10, 1), D(2019, 9, 30))


def test_renewal_window_end(by_month: Scheme, by_decision: Scheme) -> None:
    assert renewal_window_end(by_month, FIRST) == D(2020, 9, 30)
    assert renewal_window_end(by_month, Validity(D(2022, 3, 1), D(2023, 2, 28))) == D(2024, 2, 29)
    assert renewal_window_end(by_decision, Validity(D(2015, 7, 3), D(2017, 7, 2))) == D(2017, 7, 2)


def test_renewal_before_expiry_extends_seamlessly(by_month: Scheme) -> None:
    result = renew(
        by_month, previous=FIRST, assessment_date=D(2019, 9, 12), decision_date=D(2019, 11, 5)
    )
    assert result == RenewalResult(Validity(D(2019, 10, 1), D(2022, 9, 30)), seamless=True)


def test_renewal_on_the_last_day_of_the_window_is_seamless(by_month: Scheme) -> None:
    result = renew(
        by_month, previous=FIRST, assessment_date=D(2020, 9, 30), decision_date=D(2020, 10, 20)
    )
    assert result == RenewalResult(Validity(D(2019, 10, 1), D(2022, 9, 30)), seamless=True)


def test_renewal_one_day_after_the_window_is_a_new_first_award(by_month: Scheme) -> None:
    result = renew(
        by_month, previous=FIRST, assessment_date=D(2020, 10, 1), decision_date=D(2020, 10, 20)
    )
    assert result == RenewalResult(Validity(D(2020, 10, 1), D(2022, 9, 30)), seamless=False)


def test_renewal_without_grace_must_happen_before_expiry(by_decision: Scheme) -> None:
    previous = Validity(D(2015, 7, 3), D(2017, 7, 2))
    on_time = renew(
        by_decision, previous=previous, assessment_date=D(2017, 7, 2), decision_date=D(2017, 9, 1)
    )
    assert on_time == RenewalResult(Validity(D(2017, 7, 3), D(2019, 7, 2)), seamless=True)
    late = renew(
        by_decision, previous=previous, assessment_date=D(2017, 7, 3), decision_date=D(2017, 9, 1)
    )
    assert late == RenewalResult(Validity(D(2017, 9, 1), D(2019, 8, 31)), seamless=False)


def test_seamless_extension_keeps_february_month_ends(by_month: Scheme) -> None:
    previous = Validity(D(2021, 3, 1), D(2023, 2, 28))
    result = renew(
        by_month, previous=previous, assessment_date=D(2023, 1, 10), decision_date=D(2023, 2, 1)
    )
    assert result.validity == Validity(D(2023, 3, 1), D(2026, 2, 28))
    leap = renew(
        by_month,
        previous=Validity(D(2021, 3, 1), D(2025, 2, 28)),
        assessment_date=D(2025, 1, 10),
        decision_date=D(2025, 2, 1),
    )
    assert leap.validity == Validity(D(2025, 3, 1), D(2028, 2, 29))
