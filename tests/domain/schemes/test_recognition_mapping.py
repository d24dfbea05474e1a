"""A recognition's indicator mapping (recognised scheme's id -> this scheme's id), checked when a
directory of scheme files is loaded (``across_files``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from clusterlabel.domain.errors import SchemeFileError
from clusterlabel.domain.schemes import load_scheme_dir
from tests.domain.factories import build_scheme, scheme_data, to_yaml

GOLD_IDS = ["STR-01", "STR-02", "SRV-01", "SRV-02"]  # the factory's four indicators


def _state(indicators: dict[str, str] | None) -> dict[str, Any]:
    """A state scheme whose indicators are the factory's, renamed to S-…, recognising Gold."""
    data = scheme_data(id="bw-label", family="bw")
    for item in data["indicators"]:
        item["id"] = "S-" + item["id"]
    recognition: dict[str, Any] = {"scheme_family": "ecei", "scheme": "ecei-gold", "level": "gold"}
    if indicators is not None:
        recognition["indicators"] = indicators
    data["levels"][0]["recognitions"] = [recognition]
    return data


def _load(tmp_path: Path, state: dict[str, Any]) -> list[Any]:
    (tmp_path / "gold.yaml").write_text(
        to_yaml(scheme_data(id="ecei-gold", family="ecei")), encoding="utf-8"
    )
    (tmp_path / "state.yaml").write_text(to_yaml(state), encoding="utf-8")
    return load_scheme_dir(tmp_path)


def _problems(tmp_path: Path, state: dict[str, Any]) -> list[str]:
    with pytest.raises(SchemeFileError) as caught:
        _load(tmp_path, state)
    return [p.message for p in caught.value.errors]


WHERE = "levels[0] (gold).recognitions[0].indicators"


def test_a_complete_mapping_loads(tmp_path: Path) -> None:
    schemes = _load(tmp_path, _state({gold_id: "S-" + gold_id for gold_id in GOLD_IDS}))
    (recognition,) = next(s for s in schemes if s.id == "bw-label").levels[0].recognitions
    assert recognition.source_of("SRV-02") == "S-SRV-02"


def test_an_unmapped_gold_indicator_is_refused(tmp_path: Path) -> None:
    mapping = {gold_id: "S-" + gold_id for gold_id in GOLD_IDS[:-1]}
    assert _problems(tmp_path, _state(mapping)) == [
        "indicator 'SRV-02' of ecei-gold@1 is not mapped"
    ]


def test_an_unknown_source_or_target_and_a_source_used_twice_are_refused(tmp_path: Path) -> None:
    mapping = {gold_id: "S-" + gold_id for gold_id in GOLD_IDS}
    mapping["STR-02"] = "S-STR-01"  # STR-01 and STR-02 from one indicator
    mapping["SRV-01"] = "S-XYZ-99"
    mapping["FIN-09"] = "S-SRV-02"
    problems = _problems(tmp_path, _state(mapping))
    assert "ecei-gold@1 has no indicator 'FIN-09'" in problems
    assert "'S-STR-01' is mapped to both 'STR-01' and 'STR-02'" in problems
    assert any("has no indicator 'S-XYZ-99'" in p for p in problems)
    assert "'S-SRV-02' is mapped to both 'SRV-02' and 'FIN-09'" in problems


def test_a_source_of_another_type_is_refused(tmp_path: Path) -> None:
    mapping = {gold_id: "S-" + gold_id for gold_id in GOLD_IDS}
    mapping["STR-01"], mapping["STR-02"] = mapping["STR-02"], mapping["STR-01"]
    problems = _problems(tmp_path, _state(mapping))
    assert problems and all("cannot stand for" in p for p in problems)


def test_without_a_mapping_the_ids_must_be_the_same(tmp_path: Path) -> None:
    problems = _problems(tmp_path, _state(None))
    assert "bw-label@1 has no indicator 'STR-01' (to stand for 'STR-01' of ecei-gold@1)" in problems


def test_a_mapping_is_a_rule_but_no_mapping_leaves_the_hash_alone() -> None:
    plain = scheme_data()
    plain["levels"][0]["recognitions"] = [
        {"scheme_family": "ecei", "scheme": "ecei-gold", "level": "gold"}
    ]
    mapped = scheme_data()
    mapped["levels"][0]["recognitions"] = [
        {**plain["levels"][0]["recognitions"][0], "indicators": {"STR-01": "STR-01"}}
    ]
    plain_scheme = build_scheme(plain)
    assert "indicators" not in plain_scheme.model_dump()["levels"][0]["recognitions"][0]
    assert build_scheme(mapped).content_hash != plain_scheme.content_hash
