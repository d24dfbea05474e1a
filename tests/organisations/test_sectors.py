"""Sectors as lists write them: by name in either language or a common word."""

from __future__ import annotations

import pytest

from clusterlabel.organisations.sectors import parse_sector


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gesundheit und Medizin", "health_medical"),
        ("Medizintechnik", "health_medical"),
        ("Photonik", "micro_nano_optics"),
        ("IKT", "ict"),
        ("Information and communication technology", "ict"),
        ("Luft- und Raumfahrt", "aerospace"),
        ("Energie & Umwelt", "energy_environment"),
        ("automotive_mobility", "automotive_mobility"),
        ("Basteln", None),
    ],
)
def test_sectors(text, expected):
    assert parse_sector(text) == expected
