"""Award decisions: every failed rule is a reason; exact 80 %; Silver's improvement rule."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from clusterlabel.domain.award import (
    Change,
    LevelDecision,
    PreviousAssessment,
    best_level,
    compare_categories,
    decide_all,
    decide_level,
    recognised_labels,
)
from clusterlabel.domain.eligibility import (
    EligibilityResult,
    OrganisationProfile,
    check_eligibility,
)
from clusterlabel.domain.errors import Reason, SchemeMismatch
from clusterlabel.domain.schemes import Scheme
from clusterlabel.domain.scoring import AssessmentScore, IndicatorValue, score_assessment
from tests.domain.factories import (
    build_scheme,
    category,
    indicator,
    level,
    perfect_values,
    points_scheme,
)

DAY = date(2024, 6, 15)


def decide(
    scheme: Scheme,
    values: dict[str, IndicatorValue],
    eligibility: EligibilityResult,
    level_id: str = "gold",
    **kwargs: Any,
) -> LevelDecision:
    kwargs.setdefault("process", "new")
    kwargs.setdefault("assessment_date", DAY)
    return decide_level(
        scheme, level_id, score=score_assessment(scheme, values), eligibility=eligibility, **kwargs
    )


# --- the 80 % rule --------------------------------------------------------------------------


def test_exactly_80_percent_is_awarded(eligible: EligibilityResult) -> None:
    scheme = points_scheme(100, 20, 30)
    decision = decide(scheme, {"P-01": True, "P-02": True, "P-03": False}, eligible)
    assert decision == LevelDecision("gold", awarded=True, reasons=())


def test_just_below_80_percent_is_refused_with_the_figures(eligible: EligibilityResult) -> None:
    scheme = points_scheme(7999, 2001)
    decision = decide(scheme, {"P-01": True, "P-02": False}, eligible)
    assert not decision.awarded
    assert decision.reasons == (
        Reason(
            "score_below_minimum",
            {
                "percent": Decimal("79.99"),
                "required": Decimal("80"),
                "points": 7999,
                "max_points": 10000,
            },
        ),
    )


def test_one_point_below_120_of_150_is_refused(eligible: EligibilityResult) -> None:
    scheme = points_scheme(119, 1, 30)
    decision = decide(scheme, {"P-01": True, "P-02": False, "P-03": False}, eligible)
    assert decision.reason_codes == ("score_below_minimum",)


# --- minimum criteria and completeness ----------------------------------------------------------


def minimum_scheme() -> Scheme:
    """A 100-point scheme whose 1-point indicator MIN-01 is a minimum criterion."""
    return build_scheme(
        categories=[category("structures")],
        indicators=[
            indicator("MIN-01", type="boolean", threshold=True, points=1, minimum_criterion=True),
            indicator("MIN-02", threshold=10, points=1, minimum_criterion=True),
            indicator("BIG-01", type="boolean", threshold=True, points=98),
        ],
        levels=[
            level(
                "gold",
                requires_complete_assessment=True,
                all_minimum_criteria=True,
                min_score_percent="80",
            )
        ],
    )


def test_missing_minimum_criterion_refuses_despite_99_percent(eligible: EligibilityResult) -> None:
    decision = decide(minimum_scheme(), {"MIN-02": Decimal(10), "BIG-01": True}, eligible)
    assert not decision.awarded
    assert decision.reasons == (
        Reason("assessment_incomplete", {"missing": ("MIN-01",)}),
        Reason(
            "minimum_criterion_failed",
            {"indicator": "MIN-01", "value": None, "threshold": True, "missing": True},
        ),
    )


def test_each_failed_minimum_criterion_is_its_own_reason(eligible: EligibilityResult) -> None:
    decision = decide(
        minimum_scheme(), {"MIN-01": False, "MIN-02": Decimal(9), "BIG-01": True}, eligible
    )
    assert decision.reason_codes == ("minimum_criterion_failed", "minimum_criterion_failed")
    assert [r.params["indicator"] for r in decision.reasons] == ["MIN-01", "MIN-02"]
    assert decision.reasons[1].params["value"] == Decimal(9)
    assert decision.reasons[1].params["threshold"] == Decimal(10)


def test_every_failed_rule_is_listed(scheme: Scheme) -> None:
    ineligible = check_eligibility(scheme, OrganisationProfile(staff_fte=Decimal("0.1")))
    decision = decide(scheme, {"STR-02": Decimal(60)}, ineligible)
    assert decision.reason_codes == (
        "not_eligible",
        "assessment_incomplete",
        "minimum_criterion_failed",
        "score_below_minimum",
    )
    assert decision.reasons[0].params["failures"] == (
        "staff_fte_below_minimum",
        "unknown",
        "unknown",
        "no_website",
    )
    assert decision.reasons[1].params["missing"] == ("STR-01", "SRV-01", "SRV-02")


def test_rules_not_set_are_not_required(eligible: EligibilityResult) -> None:
    scheme = build_scheme(levels=[level("bronze")])
    ineligible = EligibilityResult(eligible=False, failures=(Reason("no_website"),), checked=())
    decision = decide(scheme, {}, ineligible, level_id="bronze")
    assert decision.awarded


def test_perfect_assessment_is_awarded(scheme: Scheme, eligible: EligibilityResult) -> None:
    assert decide(scheme, perfect_values(scheme), eligible).awarded


def test_a_score_or_eligibility_of_another_scheme_is_refused(
    scheme: Scheme, eligible: EligibilityResult
) -> None:
    other = build_scheme(id="other-scheme")
    score = score_assessment(other, perfect_values(other))
    with pytest.raises(SchemeMismatch):
        decide_level(
            scheme, "gold", score=score, eligibility=eligible, process="new", assessment_date=DAY
        )
    foreign = check_eligibility(other, OrganisationProfile())
    with pytest.raises(SchemeMismatch, match="other-scheme@1"):
        decide(scheme, perfect_values(scheme), foreign)


# --- Silver: improvement since the previous assessment --------------------------------------------

AREAS = ("structure", "management", "financing", "services")


def silver_scheme(**improvement: Any) -> Scheme:
    rule = {
        "min_improved_categories": 3,
        "min_months_since_previous": 18,
        "max_months_since_previous": 24,
        **improvement,
    }
    return build_scheme(
        categories=[category(area) for area in AREAS],
        indicators=[
            indicator(f"IND-{n}", category=area, threshold=10, points=3, min=0)
            for n, area in enumerate(AREAS, start=1)
        ],
        levels=[
            level("bronze", rank=1, requires_complete_assessment=True),
            level(
                "silver",
                rank=2,
                requires_complete_assessment=True,
                improvement=rule,
            ),
        ],
    )


def silver_score(scheme: Scheme, *points: int) -> AssessmentScore:
    """Values 0 (0 points) or 10 (3 points) per area."""
    values = {f"IND-{n}": Decimal(10 if p else 0) for n, p in enumerate(points, start=1)}
    return score_assessment(scheme, values)


def silver(
    scheme: Scheme,
    eligible: EligibilityResult,
    *,
    previous: PreviousAssessment | None,
    now: date,
    process: str = "new",
    current: tuple[int, ...] = (1, 1, 1, 0),
) -> LevelDecision:
    return decide_level(
        scheme,
        "silver",
        score=silver_score(scheme, *current),
        eligibility=eligible,
        process=process,  # type: ignore[arg-type]
        assessment_date=now,
        previous=previous,
    )


def first_benchmarking(scheme: Scheme, on: date) -> PreviousAssessment:
    return PreviousAssessment(silver_score(scheme, 0, 0, 0, 0), on)


def test_compare_categories_by_points_matched_by_id() -> None:
    scheme = silver_scheme()
    previous = silver_score(scheme, 1, 0, 1, 0)
    current = silver_score(scheme, 1, 1, 0, 0)
    assert compare_categories(previous, current) == {
        "structure": Change.MAINTAINED,  # at its maximum before and now
        "management": Change.IMPROVED,
        "financing": Change.DECLINED,
        "services": Change.UNCHANGED,
    }
    fewer = build_scheme(
        categories=[category("management"), category("other")],
        indicators=[
            indicator("IND-2", category="management", threshold=10, points=3),
            indicator("OTH-1", category="other", threshold=10, points=3),
        ],
    )
    from_other_scheme = score_assessment(fewer, {"IND-2": Decimal(0), "OTH-1": Decimal(0)})
    assert compare_categories(from_other_scheme, current) == {"management": Change.IMPROVED}


def test_silver_with_three_improved_areas_in_the_window(eligible: EligibilityResult) -> None:
    scheme = silver_scheme()
    previous = first_benchmarking(scheme, date(2015, 10, 15))
    for now in (date(2017, 4, 15), date(2017, 10, 15)):  # exactly 18 and exactly 24 months
        assert silver(scheme, eligible, previous=previous, now=now).awarded, now


def test_silver_too_soon_after_the_first_benchmarking(eligible: EligibilityResult) -> None:
    scheme = silver_scheme()
    previous = first_benchmarking(scheme, date(2015, 10, 15))
    decision = silver(scheme, eligible, previous=previous, now=date(2017, 4, 14))
    assert decision.reasons == (
        Reason(
            "previous_assessment_too_recent",
            {
                "previous_assessment_date": date(2015, 10, 15),
                "min_months": 18,
                "earliest": date(2017, 4, 15),
            },
        ),
    )


def test_silver_too_long_after_the_first_benchmarking(eligible: EligibilityResult) -> None:
    scheme = silver_scheme()
    previous = first_benchmarking(scheme, date(2015, 10, 15))
    decision = silver(
        scheme, eligible, previous=previous, now=date(2017, 10, 16), current=(1, 1, 0, 0)
    )
    assert decision.reason_codes == ("previous_assessment_too_old", "too_few_improved_categories")
    assert decision.reasons[0].params["latest"] == date(2017, 10, 15)
    assert dict(decision.reasons[1].params) == {
        "improved": 2,
        "required": 3,
        "improved_categories": ("structure", "management"),
    }


def test_silver_renewal_is_not_bound_to_the_months_window(eligible: EligibilityResult) -> None:
    scheme = silver_scheme()
    previous = PreviousAssessment(silver_score(scheme, 1, 0, 0, 0), date(2019, 9, 20))
    current = (1, 1, 1, 1)
    decision = silver(
        scheme,
        eligible,
        previous=previous,
        now=date(2022, 10, 10),
        process="renewal",
        current=current,
    )
    assert decision.awarded
    as_new = silver(scheme, eligible, previous=previous, now=date(2022, 10, 10), current=current)
    assert as_new.reason_codes == ("previous_assessment_too_old",)


def test_a_scheme_may_bind_renewals_to_the_window(eligible: EligibilityResult) -> None:
    scheme = silver_scheme(window_processes=["new", "renewal"])
    previous = first_benchmarking(scheme, date(2019, 9, 20))
    decision = silver(
        scheme, eligible, previous=previous, now=date(2022, 10, 10), process="renewal"
    )
    assert decision.reason_codes == ("previous_assessment_too_old",)


def test_silver_needs_a_previous_assessment(eligible: EligibilityResult) -> None:
    decision = silver(silver_scheme(), eligible, previous=None, now=DAY)
    assert decision.reasons == (Reason("no_previous_assessment", {}),)


def test_a_previous_assessment_after_this_one_is_an_error(eligible: EligibilityResult) -> None:
    scheme = silver_scheme()
    with pytest.raises(ValueError, match="after this one"):
        silver(scheme, eligible, previous=first_benchmarking(scheme, date(2030, 1, 1)), now=DAY)


# --- all levels, best level, recognitions ---------------------------------------------------


def test_decide_all_and_best_level(eligible: EligibilityResult) -> None:
    scheme = silver_scheme()
    score = silver_score(scheme, 1, 1, 0, 0)
    decisions = decide_all(
        scheme,
        score=score,
        eligibility=eligible,
        process="new",
        assessment_date=date(2017, 6, 1),
        previous=first_benchmarking(scheme, date(2015, 10, 1)),
    )
    assert [(d.level_id, d.awarded) for d in decisions] == [("bronze", True), ("silver", False)]
    best = best_level(scheme, decisions)
    assert best is not None and best.level_id == "bronze"
    assert best_level(scheme, [d for d in decisions if not d.awarded]) is None


def test_recognitions_follow_only_an_awarded_level(eligible: EligibilityResult) -> None:
    gold = {"scheme_family": "ecei", "scheme": "ecei-gold", "level": "gold"}
    scheme = build_scheme(levels=[level("label", min_score_percent="80", recognitions=[gold])])
    awarded = decide(scheme, perfect_values(scheme), eligible, level_id="label")
    recognitions = recognised_labels(scheme, awarded)
    assert [(r.scheme_family, r.scheme, r.level) for r in recognitions] == [
        ("ecei", "ecei-gold", "gold")
    ]
    refused = decide(scheme, {}, eligible, level_id="label")
    assert recognised_labels(scheme, refused) == ()
