"""Countries as lists write them, and their names on a page."""

from __future__ import annotations

import pytest
from django.utils import translation

from clusterlabel.core.countries import country_name, parse_country


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("Österreich", "AT"),
        ("Oesterreich", "AT"),
        ("UK", "GB"),
        ("Schweiz", "CH"),
        ("NZ", "NZ"),
        ("Atlantis", None),
    ],
)
def test_countries(text, expected):
    assert parse_country(text) == expected


def test_a_country_is_named_in_the_current_language():
    with translation.override("de"):
        assert country_name("AT") == "Österreich"
        assert country_name("MT") == "Malta"
    with translation.override("en"):
        assert country_name("AT") == "Austria"
    assert country_name("XX") == "XX"
