from decimal import Decimal

import pytest

from clusterlabel.domain.numbers import decimal_places, tidy


@pytest.mark.parametrize(
    ("text", "places"),
    [("12.50", 2), ("12", 0), ("1E+3", 0), ("0.001", 3), ("-4.5", 1), ("Infinity", 0), ("NaN", 0)],
)
def test_decimal_places_counts_the_digits_after_the_point(text, places):
    assert decimal_places(Decimal(text)) == places


@pytest.mark.parametrize(
    ("text", "tidied"),
    [("3.50", "3.5"), ("80.0", "80"), ("1E+3", "1000"), ("0.0010", "0.001"), ("-2.500", "-2.5")],
)
def test_tidy_drops_trailing_zeros_and_never_writes_an_exponent(text, tidied):
    assert str(tidy(Decimal(text))) == tidied
