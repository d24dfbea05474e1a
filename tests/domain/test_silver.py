"""ECEI Silver as ESCA runs it: the previous benchmarking and its window when applying, the
three improvement areas validated on site, the baseline minimum criteria, and "maintained"
counting as improved for an organisation already at the top."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from clusterlabel.domain.award import (
    AreaReview,
    Change,
    PreviousAssessment,
    compare_categories,
    decide_level,
    silver_application_reasons,
)
from clusterlabel.domain.eligibility import EligibilityResult
from clusterlabel.domain.schemes import Scheme, load_scheme_file, load_scheme_text
from clusterlabel.domain.schemes.across_files import check_across_files
from clusterlabel.domain.scoring import score_assessment
from tests.domain.conftest import SHIPPED_DIR
from tests.domain.factories import (
    build_scheme,
    category,
    indicator,
    level,
    perfect_values,
    worst_value,
)

AREAS = ("structure", "management", "financing", "services")
APPLIED = date(2026, 6, 15)


def silver_scheme(**improvement: object) -> Scheme:
    rule = {
        "min_improved_categories": 3,
        "min_months_since_previous": 18,
        "max_months_since_previous": 24,
        "improvement_areas": 3,
        **improvement,
    }
    return build_scheme(
        categories=[category(area) for area in AREAS],
        indicators=[
            indicator(
                f"IND-{n}",
                category=area,
                threshold=10,
                points=3,
                min=0,
                minimum_criterion=n == 4 or None,
            )
            for n, area in enumerate(AREAS, start=1)
        ],
        levels=[level("silver", rank=2, all_minimum_criteria=True, improvement=rule)],
    )


def shipped(name: str) -> Scheme:
    (path,) = sorted(Path(SHIPPED_DIR).glob(f"{name}-*.yaml"))[-1:]
    return load_scheme_file(path)


def applying(
    scheme: Scheme,
    previous: date | None,
    *,
    process: str = "new",
    areas: tuple[str, ...] = ("structure", "management", "financing"),
) -> tuple[str, ...]:
    reasons = silver_application_reasons(
        scheme,
        "silver",
        process=process,  # type: ignore[arg-type]
        application_date=APPLIED,
        previous_date=previous,
        area_categories=areas,
    )
    return tuple(reason.code for reason in reasons)


# --- applying: the previous benchmarking and the areas ---------------------------------------


def test_a_first_benchmarking_18_to_24_months_back_is_accepted() -> None:
    scheme = silver_scheme()
    assert applying(scheme, date(2024, 12, 15)) == ()  # exactly 18 months
    assert applying(scheme, date(2024, 6, 15)) == ()  # exactly 24 months


def test_a_first_benchmarking_17_months_back_is_too_recent() -> None:
    reasons = silver_application_reasons(
        silver_scheme(),
        "silver",
        process="new",
        application_date=APPLIED,
        previous_date=date(2025, 1, 15),
        area_categories=("structure", "management", "financing"),
    )
    assert [(r.code, dict(r.params)) for r in reasons] == [
        (
            "previous_benchmarking_too_recent",
            {"previous_date": date(2025, 1, 15), "min_months": 18, "earliest": date(2026, 7, 15)},
        )
    ]


def test_a_first_benchmarking_25_months_back_is_too_old() -> None:
    reasons = silver_application_reasons(
        silver_scheme(),
        "silver",
        process="new",
        application_date=APPLIED,
        previous_date=date(2024, 5, 15),
        area_categories=("structure", "management", "financing"),
    )
    assert [(r.code, dict(r.params)) for r in reasons] == [
        (
            "previous_benchmarking_too_old",
            {"previous_date": date(2024, 5, 15), "max_months": 24, "latest": date(2026, 5, 15)},
        )
    ]


def test_no_previous_benchmarking_refuses_the_application() -> None:
    assert applying(silver_scheme(), None) == ("no_previous_benchmarking",)
    assert applying(silver_scheme(), None, process="renewal") == ("no_previous_benchmarking",)


def test_a_renewal_is_not_bound_to_the_window() -> None:
    assert applying(silver_scheme(), date(2023, 5, 1), process="renewal") == ()


def test_three_different_known_areas_are_needed() -> None:
    scheme = silver_scheme()
    previous = date(2024, 10, 1)
    assert applying(scheme, previous, areas=("structure", "management")) == (
        "improvement_areas_missing",
    )
    assert applying(scheme, previous, areas=("structure", "structure", "financing")) == (
        "improvement_area_category_repeated",
    )
    assert applying(scheme, previous, areas=("structure", "finance", "services")) == (
        "improvement_area_category_unknown",
    )


def test_a_level_without_improvement_rule_has_no_application_conditions() -> None:
    plain = build_scheme()
    assert (
        silver_application_reasons(
            plain,
            plain.levels[0].id,
            process="new",
            application_date=APPLIED,
            previous_date=None,
            area_categories=(),
        )
        == ()
    )


def test_a_previous_benchmarking_after_the_application_is_an_error() -> None:
    with pytest.raises(ValueError, match="after the application"):
        applying(silver_scheme(), date(2027, 1, 1))


# --- the decision: validated areas, minimum criteria, maintained categories --------------------


def decide(
    scheme: Scheme,
    eligible: EligibilityResult,
    *,
    areas: list[AreaReview],
    current: dict[str, object] | None = None,
    previous_values: dict[str, object] | None = None,
    process: str = "new",
    previous_on: date = date(2024, 10, 1),
) -> tuple[str, ...]:
    worst = {i.id: worst_value(i) for i in scheme.indicators}
    values = current if current is not None else {**perfect_values(scheme)}
    previous = PreviousAssessment(
        score_assessment(scheme, previous_values if previous_values is not None else worst),
        previous_on,
    )
    decision = decide_level(
        scheme,
        "silver",
        score=score_assessment(scheme, values),  # type: ignore[arg-type]
        eligibility=eligible,
        process=process,  # type: ignore[arg-type]
        assessment_date=APPLIED,
        previous=previous,
        areas=areas,
    )
    return decision.reason_codes


VALIDATED = [AreaReview(c, validated=True) for c in ("structure", "management", "financing")]


def test_three_validated_areas_and_every_minimum_criterion_earn_silver(
    eligible: EligibilityResult,
) -> None:
    assert decide(silver_scheme(), eligible, areas=VALIDATED) == ()


def test_an_area_not_validated_or_not_reviewed_refuses_silver(
    eligible: EligibilityResult,
) -> None:
    scheme = silver_scheme(gold_criteria_by_category={"financing": ["GLD-1", "GLD-2"]})
    areas = [
        AreaReview("structure", validated=True),
        AreaReview("management", validated=None),
        AreaReview("financing", validated=False),
    ]
    decision = decide_level(
        scheme,
        "silver",
        score=score_assessment(scheme, perfect_values(scheme)),
        eligibility=eligible,
        process="new",
        assessment_date=APPLIED,
        previous=PreviousAssessment(
            score_assessment(scheme, {i.id: worst_value(i) for i in scheme.indicators}),
            date(2024, 10, 1),
        ),
        areas=areas,
    )
    assert [(r.code, r.params["category"]) for r in decision.reasons] == [
        ("improvement_area_not_reviewed", "management"),
        ("improvement_area_not_validated", "financing"),
    ]
    assert decision.reasons[1].params["gold_criteria"] == ("GLD-1", "GLD-2")
    assert decision.reasons[1].params["category_name"] == {
        "de": "Financing (de)",
        "en": "Financing",
    }


def test_fewer_than_three_areas_refuse_silver(eligible: EligibilityResult) -> None:
    assert decide(silver_scheme(), eligible, areas=VALIDATED[:2]) == ("too_few_improvement_areas",)
    twice = [*VALIDATED[:2], AreaReview("structure", validated=True)]
    assert decide(silver_scheme(), eligible, areas=twice) == ("too_few_improvement_areas",)


def test_a_missed_minimum_criterion_means_no_silver(eligible: EligibilityResult) -> None:
    scheme = silver_scheme()
    values = {**perfect_values(scheme), "IND-4": Decimal(0)}
    assert decide(scheme, eligible, areas=VALIDATED, current=values) == (
        "minimum_criterion_failed",
    )


def test_a_category_at_its_maximum_before_and_now_is_maintained() -> None:
    scheme = silver_scheme()
    top = score_assessment(scheme, perfect_values(scheme))
    middle = score_assessment(scheme, {**perfect_values(scheme), "IND-1": Decimal(0)})
    assert set(compare_categories(top, top).values()) == {Change.MAINTAINED}
    # Equal points below the maximum are not improvement; falling from the top is a decline.
    assert compare_categories(middle, middle)["structure"] is Change.UNCHANGED
    assert compare_categories(top, middle)["structure"] is Change.DECLINED


def test_unchanged_points_below_the_maximum_do_not_count(eligible: EligibilityResult) -> None:
    scheme = silver_scheme()
    same = {**perfect_values(scheme), "IND-1": Decimal(0), "IND-2": Decimal(0)}
    assert decide(
        scheme, eligible, areas=VALIDATED, current=same, previous_values=same, process="renewal"
    ) == ("too_few_improved_categories",)


def test_a_renewal_at_the_top_in_all_six_categories_is_not_refused(
    eligible: EligibilityResult,
) -> None:
    """The shipped Silver: an organisation at the excellence value in every category in its
    previous Silver assessment and again now is re-certified (maintained counts as improved)."""
    silver = shipped("ecei-silver")
    assert len(silver.categories) == 6
    top = score_assessment(silver, perfect_values(silver))
    assert set(compare_categories(top, top).values()) == {Change.MAINTAINED}
    areas = [AreaReview(c, validated=True) for c in ("services", "interaction", "financing")]
    decision = decide_level(
        silver,
        "silver",
        score=top,
        eligibility=EligibilityResult(
            eligible=True, failures=(), checked=(), scheme_key=silver.key
        ),
        process="renewal",
        assessment_date=date(2026, 9, 1),
        previous=PreviousAssessment(top, date(2024, 9, 1)),
        areas=areas,
    )
    assert decision.reason_codes == ()


# --- the scheme data: Gold criteria per category ------------------------------------------------


def test_the_shipped_silver_maps_every_category_to_gold_criteria() -> None:
    silver, gold = shipped("ecei-silver"), shipped("ecei-gold")
    rule = silver.level("silver").award.improvement
    assert rule is not None and rule.improvement_areas == 3
    assert rule.gold_scheme == "ecei-gold"
    gold_ids = {i.id for i in gold.indicators}
    for item in silver.categories:
        assert rule.gold_criteria(item.id), item.id
        assert set(rule.gold_criteria(item.id)) <= gold_ids
    bronze = shipped("ecei-bronze")  # the pool Silver joins
    assert check_across_files([("silver", silver), ("gold", gold), ("bronze", bronze)]) == []


def test_gold_criteria_are_checked_against_the_gold_scheme() -> None:
    silver, gold = shipped("ecei-silver"), shipped("ecei-gold")
    path = sorted(Path(SHIPPED_DIR).glob("ecei-silver-*.yaml"))[-1]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rule = data["levels"][0]["award"]["improvement"]
    rule["gold_criteria_by_category"]["structure"] = ["STR-01", "NOPE-9"]
    rule["gold_criteria_by_category"]["elsewhere"] = ["STR-01"]
    del rule["gold_criteria_by_category"]["achievements"]
    broken = load_scheme_text(yaml.safe_dump(data, allow_unicode=True), source="broken")
    problems = [str(p) for p in check_across_files([("silver", broken), ("gold", gold)])]
    assert any("'NOPE-9' is not an indicator of 'ecei-gold'" in p for p in problems), problems
    assert any("'elsewhere' is not a category" in p for p in problems), problems
    assert any("categories without Gold criteria: achievements" in p for p in problems), problems
    alone = [str(p) for p in check_across_files([("silver", silver)])]
    assert any("'ecei-gold' is not among the loaded schemes" in p for p in alone), alone
