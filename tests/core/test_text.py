"""Text keys: two spellings of one name share a key."""

from __future__ import annotations

from clusterlabel.core.text import header_key, name_key


def test_name_variants_match_one_organisation():
    variants = ["Optence e.V.", "Optence e. V.", "OPTENCE e.V.", " optence  E.V. "]
    assert {name_key(v) for v in variants} == {"optence ev"}
    assert name_key("Baden-Württemberg GmbH") == name_key("Baden-Wuerttemberg G.m.b.H.")
    assert name_key("Optence e.V.") != name_key("Optence AG")


def test_a_header_key_ignores_case_accents_and_punctuation():
    assert header_key("Gültig bis") == header_key("gueltig-BIS") == "gultigbis"
