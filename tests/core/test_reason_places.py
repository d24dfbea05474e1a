"""A reason about a place names it, in the reader's language, instead of its ISO code: the
organisation page said "The management is seated in DE-MV; eligible: DE-BW"."""

from __future__ import annotations

from django.utils import translation

from clusterlabel.core.reasons import describe
from clusterlabel.domain.errors import Reason


def test_a_region_reason_names_the_regions(english: None) -> None:
    reason = Reason(
        "region_not_eligible", {"criterion": "regions", "actual": "DE-MV", "required": ["DE-BW"]}
    )
    assert describe(reason) == (
        "The management is seated in Mecklenburg-Vorpommern; eligible: Baden-Württemberg."
    )


def test_a_country_reason_names_the_countries_sorted_by_name(english: None) -> None:
    reason = Reason(
        "country_not_eligible",
        {"criterion": "countries", "actual": "CH", "required": ["DE", "AT"]},
    )
    assert describe(reason) == (
        "The management is seated in Switzerland; eligible: Austria, Germany."
    )


def test_the_names_are_in_the_readers_language() -> None:
    reason = Reason("country_not_eligible", {"actual": "CH", "required": ["DE"]})
    with translation.override("de"):
        sentence = describe(reason)
    assert "Schweiz" in sentence
    assert "Deutschland" in sentence
    assert "CH" not in sentence
