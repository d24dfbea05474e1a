"""Countries and their subdivisions as lists write them, and their names on a page."""

from __future__ import annotations

import pytest
from django.utils import translation

from clusterlabel.core.countries import (
    country_choices,
    country_name,
    parse_country,
    parse_subdivision,
    subdivision_choices,
    subdivision_name,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DE", "DE"),
        ("de", "DE"),
        ("DEU", "DE"),
        ("Deutschland", "DE"),
        ("Germany", "DE"),
        ("Allemagne", "DE"),
        ("Alemania", "DE"),
        ("Österreich", "AT"),
        ("Oesterreich", "AT"),
        ("UK", "GB"),
        ("Schweiz", "CH"),
        ("Svizzera", "CH"),
        ("NZ", "NZ"),
        # outside Europe, by name (ESCA's export writes them so)
        ("Mexico", "MX"),
        ("México", "MX"),
        ("Chile", "CL"),
        ("Colombia", "CO"),
        ("Kolumbien", "CO"),
        # the country's own name
        ("España", "ES"),
        ("Polska", "PL"),
        ("Česko", "CZ"),
        ("Magyarország", "HU"),
        ("Ελλάδα", "GR"),
        ("Éire", "IE"),
        # codes and names lists use beyond ISO
        ("EL", "GR"),
        ("Czech Republic", "CZ"),
        ("Turkey", "TR"),
        ("Kosovo", "XK"),
        ("  germany ", "DE"),
        ("Atlantis", None),
        ("XX", None),
        ("", None),
    ],
)
def test_countries(text, expected):
    assert parse_country(text) == expected


def test_a_country_is_named_in_the_current_language():
    with translation.override("de"):
        assert country_name("AT") == "Österreich"
        assert country_name("MX") == "Mexiko"
        assert country_name("MT") == "Malta"
    with translation.override("en"):
        assert country_name("AT") == "Austria"
        assert country_name("KR") == "South Korea"
    assert country_name("XX") == "XX"
    assert country_name("DE", "en") == "Germany"


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("DE-BW", None, "DE-BW"),
        ("de-bw", None, "DE-BW"),
        ("Baden-Württemberg", None, "DE-BW"),
        ("Baden-Wuerttemberg", None, "DE-BW"),
        ("baden württemberg", "DE", "DE-BW"),
        ("Bayern", None, "DE-BY"),
        ("Bavaria", None, "DE-BY"),
        ("BW", "DE", "DE-BW"),
        ("BW", None, None),  # two letters alone name no subdivision without the country
        ("Île-de-France", None, "FR-IDF"),
        ("Catalonia", "ES", "ES-CT"),
        ("Bayern", "AT", None),  # not a subdivision of that country
        ("Nowhere", None, None),
        ("", "DE", None),
    ],
)
def test_subdivisions(text, country, expected):
    assert parse_subdivision(text, country) == expected


def test_subdivisions_are_named_and_offered_by_name():
    assert subdivision_name("DE-BY", "de") == "Bayern"
    assert subdivision_name("DE-BY", "en") == "Bavaria"
    assert subdivision_name("ZZ-XX") == "ZZ-XX"
    german = subdivision_choices("de", "de")
    assert len(german) == 16
    assert german[0] == ("DE-BW", "Baden-Württemberg")
    assert ("DE-TH", "Thüringen") in german


def test_countries_are_offered_by_name_in_the_language():
    german = dict(country_choices("de"))
    english = dict(country_choices("en"))
    assert german["DE"] == "Deutschland" and english["DE"] == "Germany"
    assert len(german) >= 249 and "XK" in german
    names = [name for _code, name in country_choices("de")]
    assert names.index("Österreich") < names.index("Polen")  # sorted without the accent
