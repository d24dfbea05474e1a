"""A count in a sentence takes the plural form it needs: "1 assessor has", "3 assessors have"
(ngettext), never "1 assessors have"."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clusterlabel.core.reasons import describe
from clusterlabel.domain.errors import Reason


@pytest.mark.parametrize(
    ("code", "key", "one", "many"),
    [
        (
            "report_not_agreed",
            "count",
            "1 assessor has not yet agreed to the report.",
            "3 assessors have not yet agreed to the report.",
        ),
        (
            "conflict_of_interest_not_declared",
            "count",
            "1 assessor has not yet declared that they have no conflict of interest.",
            "3 assessors have not yet declared that they have no conflict of interest.",
        ),
        (
            "assessor_scores_disagree",
            "count",
            "The assessors have not yet agreed on 1 score.",
            "The assessors have not yet agreed on 3 scores.",
        ),
        (
            "votes_without_reason",
            "count",
            "1 vote against the award has no reason.",
            "3 votes against the award have no reason.",
        ),
        (
            "self_assessment_incomplete",
            "missing",
            "1 indicator of the self-assessment has no answer yet.",
            "3 indicators of the self-assessment have no answer yet.",
        ),
        (
            "scores_incomplete",
            "missing",
            "1 indicator has no score yet, or no record of the evidence seen.",
            "3 indicators have no score yet, or no record of the evidence seen.",
        ),
    ],
)
def test_a_reason_with_a_count_takes_its_plural(
    english: None, code: str, key: str, one: str, many: str
) -> None:
    assert describe(Reason(code, {key: 1})) == one
    assert describe(Reason(code, {key: 3})) == many


def test_a_plural_reason_with_more_parameters_fills_them_all(english: None) -> None:
    reason = Reason("too_few_improved_categories", {"improved": 1, "required": 3})
    assert describe(reason) == "Improvement in 1 category; at least 3 are needed."


def test_a_plural_reason_without_its_count_falls_back_to_the_code(english: None) -> None:
    assert describe(Reason("report_not_agreed", {})) == "report_not_agreed"


def test_a_share_in_a_reason_has_the_one_precision(english: None) -> None:
    reason = Reason("score_below_minimum", {"percent": Decimal("47.875"), "required": 50})
    assert describe(reason) == "47.8 % of the maximum points; at least 50 % are needed."


@pytest.mark.parametrize(
    ("code", "one", "many"),
    [
        (
            "too_few_assessors",
            "The scheme needs 1 assessor; the panel has 0.",
            "The scheme needs 2 assessors; the panel has 0.",
        ),
        (
            "too_many_assessors",
            "The scheme needs 1 assessor; the panel has 0.",
            "The scheme needs 2 assessors; the panel has 0.",
        ),
        (
            "board_quorum_not_reached",
            "The board needs 1 vote; votes cast so far: 0.",
            "The board needs 2 votes; votes cast so far: 0.",
        ),
    ],
)
def test_a_needed_number_takes_its_plural(english: None, code: str, one: str, many: str) -> None:
    """The scheme's need is the count ("needs 1 assessor"); what there is stays a bare number."""
    assert describe(Reason(code, {"need": 1, "have": 0})) == one
    assert describe(Reason(code, {"need": 2, "have": 0})) == many
