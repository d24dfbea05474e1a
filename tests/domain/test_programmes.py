"""A programme's rule for its members (go-cluster: Gold, or Silver, or a Silver procedure under
way; Norway: Gold), read from data and judged on a day."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.procedure.vocabulary import State
from clusterlabel.domain.programmes import (
    UNDER_WAY,
    Alternative,
    HeldLabel,
    OpenProcedure,
    ProgrammeRule,
    ProgrammeRuleError,
    member_standing,
    next_expiry,
    parse_rule,
)

GO_CLUSTER = {
    "any_of": [{"label": "ecei-gold"}, {"label": "ecei-silver"}, {"procedure": "ecei-silver"}]
}
DAY = date(2026, 12, 6)


def gold(valid_until: date = date(2027, 5, 31), *, active: bool = True) -> HeldLabel:
    return HeldLabel("ecei-gold", "gold", date(2025, 6, 1), valid_until, active)


def bronze() -> HeldLabel:
    return HeldLabel("ecei-bronze", "bronze", date(2025, 1, 1), date(2027, 1, 1), True)


class TestParse:
    def test_go_cluster_rule_reads_and_writes_back(self) -> None:
        rule = parse_rule(GO_CLUSTER)
        assert rule.alternatives == (
            Alternative("label", "ecei-gold"),
            Alternative("label", "ecei-silver"),
            Alternative("procedure", "ecei-silver"),
        )
        assert rule.as_data() == GO_CLUSTER

    def test_a_level_is_kept(self) -> None:
        rule = parse_rule({"any_of": [{"label": "bw-cluster-excellence", "level": "label"}]})
        assert rule.alternatives == (Alternative("label", "bw-cluster-excellence", "label"),)
        assert parse_rule(rule.as_data()) == rule

    @pytest.mark.parametrize("empty", [None, {}])
    def test_an_empty_rule_requires_nothing(self, empty: object) -> None:
        rule = parse_rule(empty)
        assert not rule.requires_anything
        assert rule.as_data() == {}

    def test_every_problem_is_named_with_its_place(self) -> None:
        with pytest.raises(ProgrammeRuleError) as caught:
            parse_rule(
                {
                    "any_of": [
                        {"label": "ecei-gold", "procedure": "ecei-silver"},
                        {"label": "Gold!"},
                        "gold",
                        {"label": "ecei-gold", "colour": "gold"},
                        {"procedure": "ecei-silver", "level": 3},
                    ]
                }
            )
        places = [place for place, _message in caught.value.problems]
        assert places == [
            "any_of[0]",
            "any_of[1].label",
            "any_of[2]",
            "any_of[3]",
            "any_of[4].level",
        ]
        assert "exactly one of label or procedure" in str(caught.value)

    @pytest.mark.parametrize(
        "data", [[], "gold", {"all_of": []}, {"any_of": []}, {"any_of": "ecei-gold"}]
    )
    def test_other_shapes_are_refused(self, data: object) -> None:
        with pytest.raises(ProgrammeRuleError):
            parse_rule(data)

    def test_the_same_alternative_twice_is_refused(self) -> None:
        with pytest.raises(ProgrammeRuleError, match="twice"):
            parse_rule({"any_of": [{"label": "ecei-gold"}, {"label": "ecei-gold"}]})


class TestStanding:
    def test_a_valid_gold_meets_go_cluster(self) -> None:
        standing = member_standing(parse_rule(GO_CLUSTER), labels=[gold()], procedures=[], day=DAY)
        assert standing.holds is True
        assert standing.met_by == Alternative("label", "ecei-gold")

    def test_a_silver_procedure_under_way_meets_go_cluster(self) -> None:
        procedures = [OpenProcedure("ecei-silver", State.SELF_ASSESSMENT_SUBMITTED)]
        standing = member_standing(
            parse_rule(GO_CLUSTER), labels=[bronze()], procedures=procedures, day=DAY
        )
        assert standing.met_by == Alternative("procedure", "ecei-silver")

    @pytest.mark.parametrize("state", [State.DRAFT, State.AWARDED, State.REFUSED, State.WITHDRAWN])
    def test_a_draft_or_finished_procedure_is_not_under_way(self, state: State) -> None:
        standing = member_standing(
            parse_rule(GO_CLUSTER),
            labels=[],
            procedures=[OpenProcedure("ecei-silver", state)],
            day=DAY,
        )
        assert standing.holds is False

    def test_a_bronze_does_not_meet_it(self) -> None:
        standing = member_standing(
            parse_rule(GO_CLUSTER), labels=[bronze()], procedures=[], day=DAY
        )
        assert standing.holds is False
        assert standing.met_by is None

    def test_gold_counts_on_its_last_day_not_the_day_after(self) -> None:
        rule = parse_rule({"any_of": [{"label": "ecei-gold"}]})
        label = gold(valid_until=DAY)
        assert member_standing(rule, labels=[label], procedures=[], day=DAY).holds is True
        after = date(2026, 12, 7)
        assert member_standing(rule, labels=[label], procedures=[], day=after).holds is False

    def test_a_suspended_gold_does_not_count(self) -> None:
        rule = parse_rule({"any_of": [{"label": "ecei-gold"}]})
        standing = member_standing(rule, labels=[gold(active=False)], procedures=[], day=DAY)
        assert standing.holds is False

    def test_a_label_not_yet_valid_does_not_count(self) -> None:
        rule = parse_rule({"any_of": [{"label": "ecei-gold"}]})
        future = HeldLabel("ecei-gold", "gold", date(2027, 1, 1), date(2028, 12, 31), True)
        assert member_standing(rule, labels=[future], procedures=[], day=DAY).holds is False

    def test_a_level_must_match_when_named(self) -> None:
        rule = parse_rule({"any_of": [{"label": "ecei-gold", "level": "platinum"}]})
        assert member_standing(rule, labels=[gold()], procedures=[], day=DAY).holds is False

    def test_no_rule_means_no_verdict(self) -> None:
        standing = member_standing(ProgrammeRule(), labels=[], procedures=[], day=DAY)
        assert standing.holds is None

    def test_next_expiry_is_the_earliest_valid_end(self) -> None:
        soon = gold(valid_until=date(2027, 1, 31))
        expired = gold(valid_until=date(2026, 1, 31))
        assert next_expiry([gold(), soon, expired, bronze()], DAY) == date(2027, 1, 1)
        assert next_expiry([expired], DAY) is None


labels_strategy = st.builds(
    HeldLabel,
    st.sampled_from(["ecei-gold", "ecei-silver", "ecei-bronze"]),
    st.sampled_from(["gold", "silver", "bronze"]),
    st.dates(date(2020, 1, 1), date(2026, 12, 31)),
    st.dates(date(2024, 1, 1), date(2029, 12, 31)),
    st.booleans(),
)
procedures_strategy = st.builds(
    OpenProcedure,
    st.sampled_from(["ecei-gold", "ecei-silver", "ecei-bronze"]),
    st.sampled_from(list(State)),
)


@given(
    labels=st.lists(labels_strategy, max_size=4),
    procedures=st.lists(procedures_strategy, max_size=3),
    extra_label=labels_strategy,
    extra_procedure=procedures_strategy,
)
def test_more_labels_or_procedures_never_break_a_rule_that_holds(
    labels: list[HeldLabel],
    procedures: list[OpenProcedure],
    extra_label: HeldLabel,
    extra_procedure: OpenProcedure,
) -> None:
    rule = parse_rule(GO_CLUSTER)
    before = member_standing(rule, labels=labels, procedures=procedures, day=DAY)
    after = member_standing(
        rule, labels=[*labels, extra_label], procedures=[*procedures, extra_procedure], day=DAY
    )
    if before.holds:
        assert after.holds


def test_under_way_is_every_state_between_application_and_decision() -> None:
    assert State.APPLIED in UNDER_WAY
    assert State.AWAITING_DECISION in UNDER_WAY
    assert State.DRAFT not in UNDER_WAY
    assert State.AWARDED not in UNDER_WAY
