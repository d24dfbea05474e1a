"""Recognitions re-check the recognised scheme: the BW state label yields ECEI Gold only when the
31 Gold criteria within the BW assessment reach Gold's own award rules and the panel met Gold's
panel rule (``clusterlabel.domain.recognition``)."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterlabel.domain.award import decide_level
from clusterlabel.domain.eligibility import EligibilityResult, check_eligibility
from clusterlabel.domain.errors import SchemeMismatch
from clusterlabel.domain.recognition import (
    Panel,
    mapped_values,
    recheck_recognition,
    recheck_recognitions,
)
from clusterlabel.domain.schemes import Recognition, Scheme, load_scheme_data, load_scheme_dir
from clusterlabel.domain.scoring import IndicatorValue, score_assessment
from tests.domain.conftest import SHIPPED_DIR
from tests.domain.test_seeds import MEDTECH_MANNHEIM, value_options, values_totalling

DAY = date(2026, 3, 2)
MIXED_PANEL = Panel(home_country="DE", assessor_countries=("DE", "NL"))


@cache
def shipped_schemes() -> dict[str, Scheme]:
    return {scheme.id: scheme for scheme in load_scheme_dir(SHIPPED_DIR)}


@pytest.fixture(scope="module")
def shipped() -> dict[str, Scheme]:
    return shipped_schemes()


@pytest.fixture(scope="module")
def bw(shipped: dict[str, Scheme]) -> Scheme:
    return shipped["bw-cluster-excellence"]


@pytest.fixture(scope="module")
def gold(shipped: dict[str, Scheme]) -> Scheme:
    return shipped["ecei-gold"]


def recognition_of(bw: Scheme) -> Recognition:
    (recognition,) = bw.level("label").recognitions
    return recognition


def bw_values(bw: Scheme, gold: Scheme, gold_points: int) -> dict[str, IndicatorValue]:
    """BW values whose 31 Gold criteria give exactly ``gold_points`` of Gold's 150 with every
    Gold minimum criterion met; the three BW-only indicators meet their thresholds."""
    recognition = recognition_of(bw)
    chosen = values_totalling(gold, gold_points)
    assert chosen is not None
    values: dict[str, IndicatorValue] = {i.id: i.threshold for i in bw.indicators}
    for gold_id, value in chosen.items():
        values[recognition.source_of(gold_id)] = value
    return values


def eligibility(scheme: Scheme) -> EligibilityResult:
    return check_eligibility(scheme, MEDTECH_MANNHEIM)


def bw_decision(bw: Scheme, values: dict[str, IndicatorValue]) -> Any:
    return decide_level(
        bw,
        "label",
        score=score_assessment(bw, values),
        eligibility=eligibility(bw),
        process="new",
        assessment_date=DAY,
    )


def recheck(
    bw: Scheme, gold: Scheme, values: dict[str, IndicatorValue], panel: Panel = MIXED_PANEL
) -> Any:
    return recheck_recognition(
        recognition_of(bw),
        gold,
        values=values,
        eligibility=eligibility(gold),
        process="new",
        assessment_date=DAY,
        panel=panel,
    )


def test_the_shipped_mapping_names_every_gold_criterion_once(bw: Scheme, gold: Scheme) -> None:
    mapping = recognition_of(bw).indicators
    assert mapping is not None
    assert sorted(mapping) == sorted(i.id for i in gold.indicators)  # 31 Gold criteria
    assert len(set(mapping.values())) == 31
    bw_only = {i.id for i in bw.indicators} - set(mapping.values())
    assert bw_only == {"STG-05", "STG-06", "STG-07"}
    # the header's examples: Gold MGT-07 is BW PRO-01, Gold SRV-01 is BW STG-01
    assert (mapping["MGT-07"], mapping["SRV-01"]) == ("PRO-01", "STG-01")


def test_119_of_150_on_the_gold_criteria_awards_bw_but_not_gold(bw: Scheme, gold: Scheme) -> None:
    values = bw_values(bw, gold, 119)
    state = bw_decision(bw, values)
    assert state.awarded  # 119 + 15 = 134 of 165 points: BW's 80 % is 132
    assert score_assessment(bw, values).points == 134
    result = recheck(bw, gold, values)
    assert not result.awarded
    assert result.reason_codes == ("score_below_minimum",)
    assert result.score is not None
    assert (result.score.points, result.score.max_points) == (119, 150)
    params = result.reasons[0].params
    assert (params["points"], params["max_points"], params["required"]) == (119, 150, 80)
    assert result.scheme_key == gold.key


def test_exactly_120_of_150_on_the_gold_criteria_yields_gold(bw: Scheme, gold: Scheme) -> None:
    values = bw_values(bw, gold, 120)
    result = recheck(bw, gold, values)
    assert result.awarded and result.reasons == ()
    assert result.score is not None and result.score.points == 120


def test_a_gold_minimum_criterion_bw_does_not_require_refuses_gold(gold: Scheme) -> None:
    """A BW version in which PRO-01 (Gold's MGT-07, a Gold minimum criterion) is no minimum
    criterion: missing it still awards BW, but never Gold."""
    path = next(SHIPPED_DIR.glob("bw-cluster-excellence-*.yaml"))
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in raw["indicators"]:
        if item["id"] == "PRO-01":
            item["minimum_criterion"] = False
    bw = load_scheme_data(raw, source="bw-variant.yaml")
    values: dict[str, IndicatorValue] = {i.id: i.threshold for i in bw.indicators}
    options = value_options(bw.indicator("PRO-01"))
    values["PRO-01"] = options[min(options)]  # no points, the threshold missed
    assert bw_decision(bw, values).awarded
    result = recheck(bw, gold, values)
    assert result.reason_codes == ("minimum_criterion_failed",)
    assert result.reasons[0].params["indicator"] == "MGT-07"
    assert result.reasons[0].params["assessed_as"] == "PRO-01"
    assert result.score is not None and result.score.points == 145  # 80 % alone would pass


def test_two_national_assessors_do_not_meet_golds_panel_rule(bw: Scheme, gold: Scheme) -> None:
    values = bw_values(bw, gold, 150)
    national = Panel(home_country="de", assessor_countries=("DE", "DE"))
    result = recheck(bw, gold, values, panel=national)
    assert result.reason_codes == ("panel_rule_not_met",)
    params = result.reasons[0].params
    assert (params["national"], params["foreign"], params["country"]) == (2, 0, "DE")
    two_foreign = Panel(home_country="DE", assessor_countries=("AT", "NL"))
    assert recheck(bw, gold, values, panel=two_foreign).reason_codes == ("panel_rule_not_met",)
    one = Panel(home_country="DE", assessor_countries=("NL",))
    assert recheck(bw, gold, values, panel=one).reasons[0].params["have"] == 1
    assert recheck(bw, gold, values).awarded


def test_every_failed_rule_is_given_not_only_the_first(bw: Scheme, gold: Scheme) -> None:
    values = bw_values(bw, gold, 150)
    for bw_id in ("PRO-01", "PRO-02"):  # Gold MGT-07, SRV-02: minimum criteria in both
        values[bw_id] = None
    national = Panel(home_country="DE", assessor_countries=("DE", "DE"))
    result = recheck(bw, gold, values, panel=national)
    assert result.reason_codes == (
        "assessment_incomplete",
        "minimum_criterion_failed",
        "minimum_criterion_failed",
        "panel_rule_not_met",
    )


def test_mapped_values_read_the_gold_ids_from_the_bw_ids(bw: Scheme, gold: Scheme) -> None:
    values = {"PRO-01": "systematic", "STR-01": 40}
    mapped = mapped_values(recognition_of(bw), gold, values)
    assert list(mapped) == [i.id for i in gold.indicators]
    assert mapped["MGT-07"] == "systematic" and mapped["STR-01"] == 40
    assert mapped["SRV-01"] is None  # not in the values: missing


def test_the_recognised_scheme_must_be_the_one_named(
    bw: Scheme, shipped: dict[str, Scheme]
) -> None:
    with pytest.raises(SchemeMismatch):
        recheck(bw, shipped["ecei-bronze"], {})


def test_all_recognitions_of_a_decided_level(bw: Scheme, gold: Scheme) -> None:
    values = bw_values(bw, gold, 119)
    common: dict[str, Any] = {
        "values": values,
        "eligibility": {"ecei-gold": eligibility(gold)},
        "process": "new",
        "assessment_date": DAY,
        "panel": MIXED_PANEL,
    }
    awarded = bw_decision(bw, values)
    (result,) = recheck_recognitions(bw, awarded, recognised={"ecei-gold": gold}, **common)
    assert result.reason_codes == ("score_below_minimum",)
    (missing,) = recheck_recognitions(bw, awarded, recognised={}, **common)
    assert missing.reason_codes == ("recognised_scheme_not_loaded",)
    refused = bw_decision(bw, bw_values(bw, gold, 100))
    (not_awarded,) = recheck_recognitions(bw, refused, recognised={"ecei-gold": gold}, **common)
    assert not_awarded.reason_codes == ("recognising_level_not_awarded",)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_a_better_bw_value_never_takes_gold_away(data: st.DataObject) -> None:
    shipped = shipped_schemes()
    bw, gold = shipped["bw-cluster-excellence"], shipped["ecei-gold"]
    values: dict[str, IndicatorValue] = {}
    for item in bw.indicators:
        options = value_options(item)  # points -> a value earning them
        values[item.id] = options[data.draw(st.sampled_from(sorted(options)))]
    before = recheck(bw, gold, values)
    item = data.draw(st.sampled_from(bw.indicators))
    options = value_options(item)
    now = score_assessment(bw, {item.id: values[item.id]}).indicators[item.id].points
    better = data.draw(st.sampled_from([p for p in sorted(options) if p >= now]))
    after = recheck(bw, gold, {**values, item.id: options[better]})
    if before.awarded:
        assert after.awarded
    assert after.score is not None and before.score is not None
    assert after.score.points >= before.score.points
