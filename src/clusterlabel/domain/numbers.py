"""Small facts about exact numbers that several formatters need."""

from __future__ import annotations

from decimal import Decimal


def decimal_places(value: Decimal) -> int:
    """How many digits ``value`` has after the decimal point as written (``12.50`` has 2,
    ``1E+3`` has 0); 0 for infinity and NaN, which have no digits to count."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def tidy(number: Decimal) -> Decimal:
    """Without trailing zeros after the decimal mark ("3.50" -> "3.5", "80.0" -> "80") and
    never in exponent notation, so the stored string is the number a person reads."""
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return Decimal(format(number.normalize(), "f"))
