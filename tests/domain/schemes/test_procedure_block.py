"""The ``procedure:`` block as data: assessment days per process, step deadlines that replace
the defaults for the states a file names, the name of the body that reviews the report; bad
values are refused with their place and reason, and a block without the new fields keeps the
content hash it had before they existed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import SchemeFileError
from clusterlabel.domain.schemes import Scheme, load_scheme_data, load_scheme_dir
from tests.domain.conftest import SHIPPED_DIR
from tests.domain.factories import build_scheme, scheme_data


def with_procedure(**changes: Any) -> dict[str, Any]:
    data = scheme_data()
    data["procedure"].update(changes)
    return data


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(SchemeFileError) as caught:
        load_scheme_data(data, source="test.yaml")
    return [(p.location, p.message) for p in caught.value.errors]


def test_one_number_counts_for_every_process() -> None:
    rules = build_scheme().procedure
    assert (rules.assessment_days_for("new"), rules.assessment_days_for("renewal")) == (2, 2)


def test_days_per_process() -> None:
    rules = build_scheme(with_procedure(assessment_days={"new": 2, "renewal": 1})).procedure
    assert rules.assessment_days_for("new") == Decimal(2)
    assert rules.assessment_days_for("renewal") == Decimal(1)


def test_gold_ships_two_days_for_a_first_assessment_and_one_for_a_renewal() -> None:
    shipped: dict[str, Scheme] = {s.id: s for s in load_scheme_dir(SHIPPED_DIR)}
    gold = shipped["ecei-gold"].procedure
    assert (gold.assessment_days_for("new"), gold.assessment_days_for("renewal")) == (2, 1)
    assert gold.advisory_board and gold.board_quorum == 3
    assert gold.board_name is not None
    assert (gold.board_name.de, gold.board_name.en) == (
        "Cluster-Exzellenz-Gruppe",
        "Cluster excellence group",
    )
    bronze = shipped["ecei-bronze"].procedure
    assert (bronze.assessment_days_for("new"), bronze.assessment_days_for("renewal")) == (1, 1)
    assert not bronze.advisory_board and bronze.board_name is None


@pytest.mark.parametrize(
    ("days", "expected"),
    [
        (
            {"new": 2, "reneval": 1},
            [
                ("procedure.assessment_days.renewal", "required field is missing"),
                ("procedure.assessment_days.reneval", "unknown field; did you mean 'renewal'?"),
            ],
        ),
        ({"new": 2}, [("procedure.assessment_days.renewal", "required field is missing")]),
        (
            {"new": -2, "renewal": 1},
            [("procedure.assessment_days.new", "must be greater than 0, found -2")],
        ),
        (0, [("procedure.assessment_days", "must be greater than 0, found 0")]),
        (
            "two",
            [
                (
                    "procedure.assessment_days",
                    "must be a number of days or one per process ({new: 2, renewal: 1}), "
                    "found 'two'",
                )
            ],
        ),
    ],
)
def test_bad_assessment_days_are_refused_with_the_reason(
    days: Any, expected: list[tuple[str, str]]
) -> None:
    assert sorted(problems(with_procedure(assessment_days=days))) == sorted(expected)


def test_deadlines_a_file_leaves_out_keep_the_defaults() -> None:
    scheme = build_scheme(with_procedure(deadlines={"board_review": 42, "applied": 7}))
    assert dict(scheme.procedure.step_deadlines) == {"applied": 7, "board_review": 42}
    rules = flow.ProcedureRules.from_scheme(scheme.procedure)
    assert flow.deadline_days(flow.State.BOARD_REVIEW, rules) == 42
    assert flow.deadline_days(flow.State.APPLIED, rules) == 7
    assert flow.deadline_days(flow.State.AWAITING_DECISION, rules) == 28  # the default
    assert flow.deadline_days(flow.State.ASSESSORS_ASSIGNED, rules) is None
    without = flow.ProcedureRules.from_scheme(build_scheme().procedure)
    assert {s: flow.deadline_days(s, without) for s in flow.State} == dict(
        flow.DEFAULT_DEADLINE_DAYS
    )


def test_bad_deadlines_are_refused_with_the_reason() -> None:
    found = problems(
        with_procedure(deadlines={"applied": -3, "board_review": 0, "reviewing": 5, "awarded": 5})
    )
    allowed = (
        "applied, changes_requested, contracted, self_assessment_submitted, "
        "assessment_in_progress, report_submitted, board_review, awaiting_decision"
    )
    assert sorted(found) == sorted(
        [
            ("procedure.deadlines.applied", "must be at least 1, found -3"),
            ("procedure.deadlines.board_review", "must be at least 1, found 0"),
            ("procedure.deadlines.reviewing", f"unknown field (allowed: {allowed})"),
            ("procedure.deadlines.awarded", f"unknown field (allowed: {allowed})"),
        ]
    )


def test_the_shipped_deadlines_are_the_defaults_written_out() -> None:
    for scheme in load_scheme_dir(SHIPPED_DIR):
        rules = flow.ProcedureRules.from_scheme(scheme.procedure)
        for state in flow.State:
            assert flow.deadline_days(state, rules) == flow.DEFAULT_DEADLINE_DAYS[state], (
                scheme.id,
                state,
            )


def test_a_board_name_needs_a_board() -> None:
    name = {"de": "Gruppe", "en": "Group"}
    assert build_scheme(with_procedure(board_name=name)).procedure.board_name is not None
    data = with_procedure(board_name=name, advisory_board=False)
    del data["procedure"]["board_quorum"], data["procedure"]["board_majority_percent"]
    assert problems(data) == [
        ("procedure.board_name", "board_name applies only with advisory_board: true")
    ]


def test_a_block_without_the_new_fields_keeps_its_content_hash() -> None:
    # What every scheme version loaded before 2026.1 serialises to: installations that stored
    # them, and the results scored under them, keep their hash.
    plain = build_scheme()
    assert plain.model_dump(mode="json")["procedure"] == {
        "assessors": 2,
        "national_and_foreign": True,
        "assessment_modes": ["on_site", "video"],
        "assessment_days": "2",
        "advisory_board": True,
        "board_quorum": 3,
        "board_majority_percent": "50",
        "self_assessment_due_days_before_assessment": 14,
    }
    same_days = build_scheme(with_procedure(assessment_days={"new": 2, "renewal": 2}))
    assert same_days.content_hash == plain.content_hash
    other = build_scheme(with_procedure(assessment_days={"new": 2, "renewal": 1}))
    assert other.content_hash != plain.content_hash
    assert build_scheme(with_procedure(deadlines={})).content_hash == plain.content_hash
