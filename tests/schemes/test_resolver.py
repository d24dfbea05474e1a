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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CE-BW", ("bw-cluster-excellence", "label")),
        ("ce bw", ("bw-cluster-excellence", "label")),
        ("Qualitätssiegel Cluster-Exzellenz Baden-Württemberg", ("bw-cluster-excellence", "label")),
        ("Qualitaetssiegel", ("bw-cluster-excellence", "label")),
        ("EUCLES Gold", ("ecei-gold", "gold")),
        ("Cluster Management Excellence Label GOLD", ("ecei-gold", "gold")),
        ("Cluster Organisation Management Excellence Label Gold", ("ecei-gold", "gold")),
        (
            "Cluster Management Excellence Label BRONZE \u2013 Striving for Cluster Excellence",
            ("ecei-bronze", "bronze"),
        ),
        ("Silberlabel", ("ecei-silver", "silver")),
        ("EUCLES Label Silver", ("ecei-silver", "silver")),  # the alias's words, reordered
    ],
)
def test_the_aliases_of_the_scheme_files_name_their_label(loaded_schemes, text, expected):
    resolver = SchemeResolver(SchemeVersion.objects.filter(is_current=True))
    found, _candidates = resolver.resolve(text)
    assert found is not None, text
    assert (found.scheme_id, found.level_id) == expected


@pytest.mark.parametrize("text", ["EUCLES", "Cluster Management Excellence Label"])
def test_an_alias_word_shared_by_several_labels_stays_ambiguous(loaded_schemes, text):
    resolver = SchemeResolver(SchemeVersion.objects.filter(is_current=True))
    found, matches = resolver.resolve(text)
    assert found is None
    assert {m.scheme_id for m in matches} == {"ecei-bronze", "ecei-silver", "ecei-gold"}
