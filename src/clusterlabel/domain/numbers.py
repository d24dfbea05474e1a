"""Small facts about exact numbers that several formatters need."""

from __future__ import annotations

from decimal import Decimal


def decimal_places(value: Decimal) -> int:
    """How many digits ``value`` has after the decimal point as written (``12.50`` has 2,
    ``1E+3`` has 0); 0 for infinity and NaN, which have no digits to count."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
