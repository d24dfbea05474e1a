"""How long a label is valid, and how a renewal extends it.

Guarantees:

* A :class:`Validity` is inclusive at both ends and never empty (``valid_from <= valid_until``).
* First award, ``anchor: assessment_day``: from the assessment day to the day before its
  ``months``-th anniversary, a month end staying a month end (2017-10-15, 24 ->
  2017-10-15..2019-10-14; 2025-01-31 -> 2027-01-30; 2024-02-29 -> 2026-02-28). ESCA's public
  register gives such day-precise end dates for the ECEI labels.
* First award, ``anchor: decision_date``: the same, counted from the decision day (2015-07-03 ->
  2017-07-02, 2024-03-01 -> 2026-02-28).
* First award, ``anchor: assessment_month`` (scheme versions written before ``assessment_day``
  existed): from the 1st of the assessment's month to the last day of the month before
  ``valid_from + months`` (2017-10-15, 24 -> 2017-10-01..2019-09-30).
* Renewal: an assessment on or before :func:`renewal_window_end` extends seamlessly from the day
  after the previous ``valid_until`` to ``valid_until + extension_months``; a later one is a new
  first award.
* Monotone: a later assessment or decision date never gives an earlier ``valid_until``, for first
  awards and, with the scheme check ``months + grace >= extension``, for renewals of labels whose
  ``valid_until`` the same scheme computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from clusterlabel.domain.dates import add_months, add_months_keeping_month_end, first_day_of_month
from clusterlabel.domain.schemes import Scheme

_ONE_DAY = timedelta(days=1)


class ValidityStatus(StrEnum):
    """Where a day lies relative to a validity period."""

    NOT_YET_VALID = "not_yet_valid"
    VALID = "valid"
    EXPIRED = "expired"


@dataclass(frozen=True)
class Validity:
    """A validity period, inclusive at both ends."""

    valid_from: date
    valid_until: date

    def __post_init__(self) -> None:
        if self.valid_until < self.valid_from:
            raise ValueError(
                f"valid_until {self.valid_until} is before valid_from {self.valid_from}"
            )

    def contains(self, day: date) -> bool:
        """True when ``day`` lies within the period (both ends included)."""
        return self.valid_from <= day <= self.valid_until

    def status_on(self, day: date) -> ValidityStatus:
        """Whether on ``day`` the label is not yet valid, valid or expired."""
        if day < self.valid_from:
            return ValidityStatus.NOT_YET_VALID
        if day > self.valid_until:
            return ValidityStatus.EXPIRED
        return ValidityStatus.VALID


def is_valid_on(validity: Validity, day: date) -> bool:
    """True when ``validity`` covers ``day`` (both ends included)."""
    return validity.contains(day)


def _check_order(assessment_date: date, decision_date: date) -> None:
    if decision_date < assessment_date:
        raise ValueError(
            f"the decision ({decision_date}) cannot precede the assessment ({assessment_date})"
        )


def first_award_validity(scheme: Scheme, *, assessment_date: date, decision_date: date) -> Validity:
    """The validity of a first award (or of a renewal that came too late), per the scheme."""
    _check_order(assessment_date, decision_date)
    months, anchor = scheme.validity.months, scheme.validity.anchor
    if anchor == "assessment_month":
        valid_from = first_day_of_month(assessment_date)
        return Validity(valid_from, add_months(valid_from, months) - _ONE_DAY)
    valid_from = assessment_date if anchor == "assessment_day" else decision_date
    return Validity(valid_from, add_months_keeping_month_end(valid_from - _ONE_DAY, months))


def renewal_window_end(scheme: Scheme, previous: Validity) -> date:
    """The last day (inclusive) a renewal assessment extends ``previous`` seamlessly.

    ``previous.valid_until`` plus the scheme's grace months, a month end staying a month end
    (2022-09-30 + 12 -> 2023-09-30); grace 0 means on or before ``valid_until``.
    """
    return add_months_keeping_month_end(
        previous.valid_until, scheme.renewal.grace_months_after_expiry
    )


@dataclass(frozen=True)
class RenewalResult:
    """The validity a renewal yields; ``seamless`` when it continues the previous one."""

    validity: Validity
    seamless: bool


def renew(
    scheme: Scheme, *, previous: Validity, assessment_date: date, decision_date: date
) -> RenewalResult:
    """The validity after a successful renewal assessment of a label valid ``previous``.

    Within the window the label continues from ``previous.valid_until + 1 day`` to
    ``previous.valid_until + extension_months`` (month ends kept), whenever the decision falls;
    after the window it is a new first award (``seamless=False``).
    """
    _check_order(assessment_date, decision_date)
    if assessment_date <= renewal_window_end(scheme, previous):
        until = add_months_keeping_month_end(previous.valid_until, scheme.renewal.extension_months)
        return RenewalResult(Validity(previous.valid_until + _ONE_DAY, until), seamless=True)
    validity = first_award_validity(
        scheme, assessment_date=assessment_date, decision_date=decision_date
    )
    return RenewalResult(validity, seamless=False)


def start_counted_back(scheme: Scheme, valid_until: date) -> date:
    """The start of a first award that ends on ``valid_until``: counted back by the scheme's
    months (``valid_until - months + 1 day``, month ends kept), the inverse of
    :func:`first_award_validity` for every anchor: for ``assessment_day`` and ``decision_date``
    it gives the assessment or decision day back (2019-10-14 -> 2017-10-15), for
    ``assessment_month`` the 1st of the month (2019-09-30 -> 2017-10-01)."""
    return add_months_keeping_month_end(valid_until, -scheme.validity.months) + _ONE_DAY


def validity_from_end(
    scheme: Scheme,
    *,
    valid_until: date,
    previous: Validity | None,
    tolerance_days: int = 0,
) -> RenewalResult:
    """The validity a register row that gives only its end stands for, per the scheme.

    Without an earlier label of the same scheme and level, or one that does not end before
    ``valid_until``, it is a first award counted back (:func:`start_counted_back`). After an
    earlier label ending on ``P``, the row is a seamless renewal from ``P + 1 day`` when a
    renewal within the grace period explains its end: ``valid_until`` on or before
    ``P + extension_months`` (plus ``tolerance_days`` for registers whose end dates are a few
    days off), or a first award counted back would start on or before ``P + 1 day`` anyway.
    Otherwise the renewal came after the grace period: a first award counted back, not linked.

    ESCA's Bronze (24 months from the assessment day, renewal within 12 months extends 36 from
    the previous end): after 2019-10-14, an end of 2022-10-14 is 2019-10-15..2022-10-14, not
    2020-10-15.. with a year's false gap. ECEI Gold extends by 24 months: after 2022-06-15, an
    end of 2024-06-15 is 2022-06-16..2024-06-15.
    """
    counted_back = start_counted_back(scheme, valid_until)
    if previous is None or previous.valid_until >= valid_until:
        return RenewalResult(Validity(counted_back, valid_until), seamless=False)
    seamless_until = add_months_keeping_month_end(
        previous.valid_until, scheme.renewal.extension_months
    )
    if counted_back <= previous.valid_until + _ONE_DAY or valid_until <= seamless_until + timedelta(
        days=tolerance_days
    ):
        return RenewalResult(Validity(previous.valid_until + _ONE_DAY, valid_until), seamless=True)
    return RenewalResult(Validity(counted_back, valid_until), seamless=False)
