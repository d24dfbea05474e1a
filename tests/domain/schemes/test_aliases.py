"""A level's aliases: other names lists give a label, validated on load, not part of the hash."""

from __future__ import annotations

from pathlib import Path

import pytest

from clusterlabel.domain.errors import SchemeFileError
from clusterlabel.domain.schemes import load_scheme_dir, load_scheme_text
from clusterlabel.domain.schemes.across_files import alias_clashes
from tests.domain.factories import build_scheme, level, scheme_data, to_yaml

SHIPPED_DIR = Path(__file__).resolve().parents[3] / "src/clusterlabel/schemes/shipped"


def test_aliases_load_and_leave_the_content_hash_alone():
    plain = build_scheme(scheme_data())
    data = scheme_data()
    data["levels"][0]["aliases"] = ["CE-Test", "Testsiegel"]
    named = build_scheme(data)
    assert named.levels[0].aliases == ("CE-Test", "Testsiegel")
    assert named.content_hash == plain.content_hash
    assert "aliases" not in named.model_dump()["levels"][0]


def test_the_shipped_files_keep_the_hashes_they_were_loaded_with():
    """Adding aliases to the shipped files changes no content hash: installations that loaded
    2026.1 keep it, and the assessments scored under it stay tied to it. A change of a rule
    needs a new version (2026.1 followed 2024.1 for the validity from the assessment day, Gold's
    24-month renewal, assessment days per process, step deadlines and Gold's approval group;
    Silver's improvement areas and their Gold criteria; the Gold criteria BW's recognition
    maps; the ECEI files' 2026.2 names EUCLES as their awarding authority)."""
    hashes = {scheme.id: scheme.content_hash for scheme in load_scheme_dir(SHIPPED_DIR)}
    assert hashes == {
        "bw-cluster-excellence": "e71075fd8f96ba7f1a76a80ab4cd3f7c9822dc765a2bd1701ec5537c918f91d9",
        "ecei-bronze": "5ef977d16b949793a7fdd85f77988b6a0e3bef7b6e02d20633509a42321ba8cc",
        "ecei-gold": "b496ea0df5a477fd63aa069272b92e2c18fc0a90ac95df6bf8674cd98ad40860",
        "ecei-silver": "149d80d06604769e4ac6febbe574b4abbbccce29416dd174e43b9ac095fe4dd2",
    }
    aliases = {s.id: s.levels[0].aliases for s in load_scheme_dir(SHIPPED_DIR)}
    assert "CE-BW" in aliases["bw-cluster-excellence"]
    assert "EUCLES Gold" in aliases["ecei-gold"]


def test_an_alias_given_twice_or_naming_another_level_is_refused():
    data = scheme_data(
        levels=[level("silver", rank=1), level("gold", rank=2)],
    )
    data["levels"][0]["aliases"] = ["Silberlabel", "Gold"]
    data["levels"][1]["aliases"] = ["silberlabel"]
    with pytest.raises(SchemeFileError) as caught:
        load_scheme_text(to_yaml(data), source="t.yaml")
    found = {(p.location, p.message) for p in caught.value.errors}
    assert any(
        "levels[0] (silver).aliases[1]" in loc and "name of levels[1]" in msg for loc, msg in found
    ), found
    assert any(
        "levels[1] (gold).aliases[0]" in loc and "also given at levels[0]" in msg
        for loc, msg in found
    ), found


def test_an_alias_is_unique_across_the_schemes():
    first = scheme_data()
    first["levels"][0]["aliases"] = ["CE-Test"]
    second = scheme_data(id="other-scheme")
    second["levels"][0]["aliases"] = ["ce test"]
    problems = alias_clashes([("a.yaml", build_scheme(first)), ("b.yaml", build_scheme(second))])
    assert [(p.source, p.message) for p in problems] == [
        ("b.yaml", "alias 'ce test' is already given to test-scheme (gold)")
    ]
    newer = scheme_data(version="2")  # a later version of the same scheme keeps its aliases
    newer["levels"][0]["aliases"] = ["CE-Test"]
    assert alias_clashes([("a.yaml", build_scheme(first)), ("c.yaml", build_scheme(newer))]) == []
