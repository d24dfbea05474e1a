"""The structured report's and the feedback's rules (``clusterlabel.domain.report``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.report import (
    MAX_FINDING_LENGTH,
    MAX_FINDINGS,
    MIN_RATINGS_PER_EXPERT,
    PANEL_QUESTIONS,
    AreaVerdict,
    CategoryComparison,
    CategoryFindings,
    FeedbackQuestion,
    FeedbackRefused,
    ReportError,
    Trend,
    agreement_current,
    area_verdict,
    categories_lacking_findings,
    check_revision,
    compare_categories,
    expert_summaries,
    feedback_refusal,
    findings_clean,
    may_agree,
    next_revision,
    percent_of,
    ratings_clean,
    summarise,
)

Q = FeedbackQuestion


def ratings(value: int = 4) -> dict[FeedbackQuestion, int]:
    return {q: value for q in FeedbackQuestion}


# --- findings ----------------------------------------------------------------------------------


def test_findings_are_stripped_and_blank_and_repeated_lines_dropped():
    assert findings_clean(
        ["  Starke Vernetzung ", "", "   ", "Starke Vernetzung", "Gute KPIs"]
    ) == (
        "Starke Vernetzung",
        "Gute KPIs",
    )


def test_a_finding_longer_than_the_limit_is_refused_with_its_length():
    with pytest.raises(ReportError) as error:
        findings_clean(["x" * (MAX_FINDING_LENGTH + 1)])
    assert error.value.code == "finding_too_long"
    assert error.value.params == {"length": MAX_FINDING_LENGTH + 1, "limit": MAX_FINDING_LENGTH}
    assert findings_clean(["x" * MAX_FINDING_LENGTH]) == ("x" * MAX_FINDING_LENGTH,)


def test_more_findings_than_the_limit_are_refused():
    assert len(findings_clean([f"f{n}" for n in range(MAX_FINDINGS)])) == MAX_FINDINGS
    with pytest.raises(ReportError) as error:
        findings_clean([f"f{n}" for n in range(MAX_FINDINGS + 1)])
    assert error.value.code == "too_many_findings"


@given(st.lists(st.text(max_size=40), max_size=MAX_FINDINGS))
def test_cleaning_is_idempotent_and_leaves_no_blank_or_repeated_line(lines):
    cleaned = findings_clean(lines)
    assert findings_clean(cleaned) == cleaned
    assert all(line and line == line.strip() for line in cleaned)
    assert len(set(cleaned)) == len(cleaned)


def test_a_category_is_covered_by_a_strength_or_a_weakness_not_by_a_recommendation_alone():
    assert not CategoryFindings().has_findings
    assert not CategoryFindings(recommendations=("Mehr Veranstaltungen",)).has_findings
    assert CategoryFindings(strengths=("a",)).has_findings
    assert CategoryFindings(weaknesses=("b",)).has_findings


def test_the_categories_lacking_findings_in_the_schemes_order():
    findings = {
        "finance": CategoryFindings(strengths=("a",)),
        "services": CategoryFindings(recommendations=("r",)),
    }
    assert categories_lacking_findings(["structure", "finance", "services"], findings) == (
        "structure",
        "services",
    )
    assert categories_lacking_findings([], findings) == ()


def test_findings_of_a_kind():
    findings = CategoryFindings(strengths=("s",), weaknesses=("w",), recommendations=("r",))
    assert findings.of("strengths") == ("s",)
    assert findings.of("weaknesses") == ("w",)
    assert findings.of("recommendations") == ("r",)
    with pytest.raises(ValueError):
        findings.of("opinions")


# --- revision and agreement -----------------------------------------------------------------


def test_a_write_based_on_another_revision_is_refused():
    check_revision(current=3, based_on=3)
    with pytest.raises(ReportError) as error:
        check_revision(current=4, based_on=3)
    assert error.value.code == "report_revision_conflict"
    assert error.value.params == {"current": 4, "based_on": 3}


def test_revisions_grow_by_one():
    assert next_revision(0) == 1
    assert next_revision(7) == 8
    with pytest.raises(ValueError):
        next_revision(-1)


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=5))
def test_an_agreement_counts_only_for_the_revision_it_was_given_to(revision, edits):
    assert agreement_current(revision, revision)
    current = revision
    for _ in range(edits):
        current = next_revision(current)
    assert not agreement_current(revision, current)
    assert not agreement_current(None, current)


def test_agreeing_needs_the_current_revision_and_findings_in_every_category():
    complete = {"a": CategoryFindings(strengths=("s",)), "b": CategoryFindings(weaknesses=("w",))}
    may_agree(current=2, based_on=2, category_ids=["a", "b"], findings=complete)
    with pytest.raises(ReportError) as stale:
        may_agree(current=3, based_on=2, category_ids=["a", "b"], findings=complete)
    assert stale.value.code == "report_revision_conflict"
    with pytest.raises(ReportError) as missing:
        may_agree(current=2, based_on=2, category_ids=["a", "b", "c"], findings=complete)
    assert missing.value.code == "categories_lack_findings"
    assert missing.value.params["categories"] == ("c",)


# --- comparison ---------------------------------------------------------------------------------


def test_no_comparison_without_a_previous_assessment():
    assert compare_categories(["a"], previous=None, current={"a": "80"}) == ()


def test_each_category_then_and_now_with_its_trend():
    rows = compare_categories(
        ["a", "b", "c", "d"],
        previous={"a": "60.0", "b": "90", "c": Decimal("50"), "gone": "10"},
        current={"a": "75.5", "b": "80", "c": "50.0", "d": "40"},
    )
    assert [r.category_id for r in rows] == ["a", "b", "c", "d"]
    assert [r.trend for r in rows] == [
        Trend.IMPROVED,
        Trend.DECLINED,
        Trend.UNCHANGED,
        Trend.NOT_COMPARABLE,
    ]
    assert rows[0].change == Decimal("15.5")
    assert rows[1].change == Decimal("-10")
    assert rows[3].then is None and rows[3].change is None


def test_percentages_are_read_exactly_and_floats_refused():
    assert percent_of("12.5") == Decimal("12.5")
    assert percent_of(7) == Decimal(7)
    assert percent_of(Decimal("1.10")) == Decimal("1.10")
    assert percent_of(0.1) is None
    assert percent_of(True) is None
    assert percent_of("n/a") is None
    assert percent_of(None) is None
    assert percent_of([1]) is None


@given(
    then=st.decimals(min_value=0, max_value=100, places=1),
    now=st.decimals(min_value=0, max_value=100, places=1),
)
def test_the_trend_follows_the_sign_of_the_change(then, now):
    row = CategoryComparison("a", then=then, now=now)
    assert row.change == now - then
    expected = Trend.IMPROVED if now > then else Trend.DECLINED if now < then else Trend.UNCHANGED
    assert row.trend == expected


def test_what_the_panel_found_on_an_improvement_area():
    assert area_verdict(True) == AreaVerdict.VALIDATED
    assert area_verdict(False) == AreaVerdict.NOT_VALIDATED
    assert area_verdict(None) == AreaVerdict.NOT_REVIEWED


# --- feedback ----------------------------------------------------------------------------------


def test_every_question_must_be_rated_with_a_whole_number_from_one_to_five():
    valid = {q.value: 3 for q in FeedbackQuestion}
    assert ratings_clean(valid) == {q: 3 for q in FeedbackQuestion}
    for bad in (0, 6, "3", 3.0, True, None):
        with pytest.raises(FeedbackRefused) as error:
            ratings_clean({**valid, "process": bad})
        assert error.value.code == "rating_invalid"
        assert error.value.params == {"question": "process"}
    incomplete = dict(valid)
    del incomplete["panel_fairness"]
    with pytest.raises(FeedbackRefused):
        ratings_clean(incomplete)
    with pytest.raises(FeedbackRefused) as unknown:
        ratings_clean({**valid, "mood": 5})
    assert unknown.value.params == {"question": "mood"}


@pytest.mark.parametrize(
    ("decided", "is_manager", "already_given", "expected"),
    [
        (True, True, False, None),
        (False, True, False, "not_decided"),
        (True, False, False, "not_manager"),
        (False, False, False, "not_manager"),
        (True, True, True, "feedback_already_given"),
        (False, True, True, "not_decided"),
    ],
)
def test_who_may_give_feedback_when(decided, is_manager, already_given, expected):
    assert (
        feedback_refusal(decided=decided, is_manager=is_manager, already_given=already_given)
        == expected
    )


def test_the_summary_counts_and_averages_to_one_decimal_half_up():
    summary = summarise([ratings(4), ratings(5), ratings(5)])
    assert summary.count == 3
    assert summary.averages[Q.PROCESS] == Decimal("4.7")  # 14 / 3 = 4.666...
    summary = summarise([ratings(1), ratings(2), ratings(2), ratings(2)])
    assert summary.averages[Q.PROCESS] == Decimal("1.8")  # 7 / 4 = 1.75, half up
    empty = summarise([])
    assert empty.count == 0 and dict(empty.averages) == {}


def test_an_expert_with_four_ratings_is_not_shown_at_all():
    by_expert = {"anna": [ratings(5)] * (MIN_RATINGS_PER_EXPERT - 1)}
    assert MIN_RATINGS_PER_EXPERT == 5
    assert expert_summaries(by_expert) == {}


def test_an_expert_with_five_ratings_is_shown_with_the_panel_questions_only():
    by_expert = {
        "anna": [ratings(4)] * 4 + [ratings(5)],
        "ben": [ratings(3)] * 4,
    }
    shown = expert_summaries(by_expert)
    assert list(shown) == ["anna"]
    assert shown["anna"].count == 5
    assert set(shown["anna"].averages) == set(PANEL_QUESTIONS)
    assert shown["anna"].averages[Q.PANEL_EXPERTISE] == Decimal("4.2")


@given(st.dictionaries(st.text(max_size=3), st.integers(min_value=0, max_value=8)))
def test_no_expert_below_the_minimum_is_ever_listed(counts):
    by_expert = {name: [ratings(3)] * n for name, n in counts.items()}
    shown = expert_summaries(by_expert)
    assert set(shown) == {name for name, n in counts.items() if n >= MIN_RATINGS_PER_EXPERT}
    assert all(summary.count >= MIN_RATINGS_PER_EXPERT for summary in shown.values())
