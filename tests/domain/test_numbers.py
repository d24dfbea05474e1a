from decimal import Decimal

import pytest

from clusterlabel.domain.numbers import decimal_places


@pytest.mark.parametrize(
    ("text", "places"),
    [("12.50", 2), ("12", 0), ("1E+3", 0), ("0.001", 3), ("-4.5", 1), ("Infinity", 0), ("NaN", 0)],
)
def test_decimal_places_counts_the_digits_after_the_point(text, places):
    assert decimal_places(Decimal(text)) == places
