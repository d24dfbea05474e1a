"""Which current scheme and level a text in a list names."""

from __future__ import annotations

import pytest

from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.resolver import SchemeResolver


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ECEI Gold", ("ecei-gold", "gold")),
        ("Gold", ("ecei-gold", "gold")),
        ("GOLD-Label", ("ecei-gold", "gold")),
        ("ECEI-Label Silber", ("ecei-silver", "silver")),
        ("Silver", ("ecei-silver", "silver")),
        ("bronze", ("ecei-bronze", "bronze")),
        ("Cluster-Exzellenz BW", ("bw-cluster-excellence", "label")),
        ("Cluster Excellence Baden-Wuerttemberg", ("bw-cluster-excellence", "label")),
        ("bw", ("bw-cluster-excellence", "label")),
        ("BW 2019", ("bw-cluster-excellence", "label")),
    ],
)
def test_schemes_and_levels(loaded_schemes, text, expected):
    resolver = SchemeResolver(SchemeVersion.objects.filter(is_current=True))
    found, _candidates = resolver.resolve(text)
    assert found is not None
    assert (found.scheme_id, found.level_id) == expected


@pytest.mark.parametrize(("text", "candidates"), [("ECEI", 3), ("Label", 4), ("Platin", 0)])
def test_unclear_or_unknown_labels(loaded_schemes, text, candidates):
    resolver = SchemeResolver(SchemeVersion.objects.filter(is_current=True))
    found, matches = resolver.resolve(text)
    assert found is None
    assert len(matches) == candidates
