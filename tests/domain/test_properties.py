"""Properties that must hold for every scheme, every assessment and every date.

* A score never exceeds its maximum, overall or per category.
* Improving one indicator (in its direction) never turns an awarded level into a refused one.
* ``valid_until`` never moves earlier when the assessment or decision date moves later,
  for first awards and for renewals.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from clusterlabel.domain.award import PreviousAssessment, decide_all
from clusterlabel.domain.dates import add_months, add_months_keeping_month_end
from clusterlabel.domain.eligibility import EligibilityResult
from clusterlabel.domain.schemes import Indicator, Scheme
from clusterlabel.domain.scoring import IndicatorValue, score_assessment, score_indicator
from clusterlabel.domain.validity import Validity, first_award_validity, renew
from tests.domain.factories import build_scheme, category, choices, indicator, level

FAST = settings(max_examples=60, deadline=None)
CHOICES = ("none", "planned", "partial", "full")

# --- random schemes --------------------------------------------------------------------------


def distinct_sorted(draw: st.DrawFn, low: int, high: int, count: int) -> list[int]:
    """``count`` distinct integers from ``low..high``, ascending (none when count is 0)."""
    if count == 0:
        return []
    return sorted(draw(st.sets(st.integers(low, high), min_size=count, max_size=count)))


@st.composite
def raw_indicator(draw: st.DrawFn, indicator_id: str, category_id: str) -> dict[str, Any]:
    """A valid raw indicator of any type, with up to two bands below its threshold."""
    kind = draw(st.sampled_from(["number", "percent", "boolean", "choice"]))
    points = draw(st.integers(0, 10))
    common: dict[str, Any] = {
        "category": category_id,
        "points": points,
        "minimum_criterion": draw(st.booleans()),
    }
    if kind == "boolean":
        return indicator(indicator_id, type="boolean", threshold=draw(st.booleans()), **common)
    band_count = draw(st.integers(0, min(2, points)))
    band_points = distinct_sorted(draw, 0, points - 1, band_count)
    if kind == "choice":
        threshold_rank = draw(st.integers(band_count, len(CHOICES) - 1))
        starts = [CHOICES[s] for s in distinct_sorted(draw, 0, threshold_rank - 1, band_count)]
        return indicator(
            indicator_id,
            type="choice",
            threshold=CHOICES[threshold_rank],
            choices=choices(*CHOICES),
            bands=[{"from": s, "points": p} for s, p in zip(starts, band_points, strict=True)],
            **common,
        )
    direction = draw(st.sampled_from(["higher", "lower"]))
    threshold = draw(st.integers(10, 90))
    if direction == "higher":
        starts = distinct_sorted(draw, 0, threshold - 1, band_count)
    else:
        starts = distinct_sorted(draw, threshold + 1, 100, band_count)[::-1]
    extra = {"min": 0, "max": 1000} if kind == "number" else {}
    return indicator(
        indicator_id,
        type=kind,
        direction=direction,
        threshold=threshold,
        bands=[{"from": s, "points": p} for s, p in zip(starts, band_points, strict=True)],
        **extra,
        **common,
    )


@st.composite
def random_schemes(draw: st.DrawFn) -> Scheme:
    category_ids = [f"cat-{n}" for n in range(draw(st.integers(1, 3)))]
    count = draw(st.integers(len(category_ids), 6))
    indicators = [
        draw(
            raw_indicator(
                f"IND-{n}",
                category_ids[n] if n < len(category_ids) else draw(st.sampled_from(category_ids)),
            )
        )
        for n in range(count)
    ]
    has_points = any(item["points"] for item in indicators)
    levels = []
    for rank in range(1, draw(st.integers(1, 3)) + 1):
        award: dict[str, Any] = {
            "requires_complete_assessment": draw(st.booleans()),
            "all_minimum_criteria": draw(st.booleans()),
            "requires_eligibility": draw(st.booleans()),
        }
        if has_points and draw(st.booleans()):
            award["min_score_percent"] = draw(st.sampled_from(["50", "66.67", "80", "100"]))
        if draw(st.booleans()):
            award["improvement"] = {
                "min_improved_categories": draw(st.integers(1, len(category_ids))),
                "min_months_since_previous": 18,
                "max_months_since_previous": 24,
            }
        levels.append(level(f"level-{rank}", rank=rank, **award))
    return build_scheme(
        categories=[category(c) for c in category_ids], indicators=indicators, levels=levels
    )


def value_for(draw: st.DrawFn, item: Indicator, *, allow_missing: bool = True) -> IndicatorValue:
    if allow_missing and draw(st.booleans()) and draw(st.booleans()):
        return None
    if item.type == "boolean":
        return draw(st.booleans())
    if item.type == "choice":
        return draw(st.sampled_from(item.choice_ids))
    high = 100 if item.type == "percent" else 1000
    return draw(st.decimals(min_value=0, max_value=high, places=2))


@st.composite
def schemes_with_values(draw: st.DrawFn) -> tuple[Scheme, dict[str, IndicatorValue]]:
    scheme = draw(random_schemes())
    return scheme, {item.id: value_for(draw, item) for item in scheme.indicators}


def better_value(draw: st.DrawFn, item: Indicator, value: IndicatorValue) -> IndicatorValue:
    """A value at least as good as ``value`` in the indicator's direction."""
    if value is None:
        return value_for(draw, item, allow_missing=False)
    if item.type == "boolean":
        return item.threshold
    if item.type == "choice":
        assert isinstance(value, str)
        return draw(st.sampled_from(item.choice_ids[item.choice_rank(value) :]))
    assert isinstance(value, Decimal)
    high = Decimal(100 if item.type == "percent" else 1000)
    if item.direction == "lower":
        return draw(st.decimals(min_value=0, max_value=value, places=2))
    return draw(st.decimals(min_value=value, max_value=high, places=2))


# --- scores ---------------------------------------------------------------------------------


@FAST
@given(schemes_with_values())
def test_a_score_never_exceeds_its_maximum(case: tuple[Scheme, dict[str, IndicatorValue]]) -> None:
    scheme, values = case
    score = score_assessment(scheme, values)
    for item in score.indicators.values():
        assert 0 <= item.points <= item.max_points
        assert item.points == item.max_points or not item.meets_threshold or item.max_points == 0
    for category_score in score.categories.values():
        assert 0 <= category_score.points <= category_score.max_points
        assert (
            category_score.max_points == scheme.max_points_by_category[category_score.category_id]
        )
        assert Decimal(0) <= category_score.percent <= Decimal(100)
    assert 0 <= score.points <= score.max_points == scheme.max_points
    assert score.points == sum(c.points for c in score.categories.values())
    assert Decimal(0) <= score.percent <= Decimal(100)


@FAST
@given(st.data())
def test_a_better_value_never_earns_fewer_points(data: st.DataObject) -> None:
    scheme = data.draw(random_schemes())
    for item in scheme.indicators:
        value = value_for(data.draw, item)
        better = better_value(data.draw, item, value)
        before, after = score_indicator(item, value), score_indicator(item, better)
        assert after.points >= before.points, (item.id, value, better)
        assert after.meets_threshold or not before.meets_threshold


# --- decisions ------------------------------------------------------------------------------


@FAST
@given(st.data())
def test_improving_one_indicator_never_lowers_a_decision(data: st.DataObject) -> None:
    scheme, values = data.draw(schemes_with_values())
    item = data.draw(st.sampled_from(scheme.indicators))
    improved = {**values, item.id: better_value(data.draw, item, values[item.id])}
    previous_values = {i.id: value_for(data.draw, i) for i in scheme.indicators}
    previous = PreviousAssessment(
        score_assessment(scheme, previous_values),
        data.draw(st.dates(min_value=date(2014, 1, 1), max_value=date(2017, 1, 1))),
    )
    common = {
        "eligibility": EligibilityResult(
            eligible=data.draw(st.booleans()), failures=(), checked=()
        ),
        "process": data.draw(st.sampled_from(["new", "renewal"])),
        "assessment_date": date(2017, 1, 1),
        "previous": data.draw(st.sampled_from([previous, None])),
    }
    before = decide_all(scheme, score=score_assessment(scheme, values), **common)
    after = decide_all(scheme, score=score_assessment(scheme, improved), **common)
    for old, new in zip(before, after, strict=True):
        assert old.level_id == new.level_id
        assert new.awarded or not old.awarded, (old, new)
        # Stronger: no rule starts failing, and none fails more often.
        assert set(new.reason_codes) <= set(old.reason_codes), (old, new)
        assert len(new.reasons) <= len(old.reasons), (old, new)


# --- dates and validity ---------------------------------------------------------------------

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))


@FAST
@given(DATES, DATES, st.integers(-60, 60))
def test_month_arithmetic_is_monotone(first: date, second: date, months: int) -> None:
    earlier, later = sorted((first, second))
    assert add_months(earlier, months) <= add_months(later, months)
    assert add_months_keeping_month_end(earlier, months) <= add_months_keeping_month_end(
        later, months
    )
    assert add_months_keeping_month_end(earlier, months) >= add_months(earlier, months)


@cache
def validity_scheme(anchor: str, months: int, grace: int, extension: int) -> Scheme:
    return build_scheme(
        validity={"anchor": anchor, "months": months},
        renewal={"grace_months_after_expiry": grace, "extension_months": extension},
    )


@st.composite
def validity_schemes(draw: st.DrawFn) -> Scheme:
    months = draw(st.sampled_from([1, 11, 12, 24, 36]))
    grace = draw(st.sampled_from([0, 1, 6, 12]))
    extension = draw(st.integers(1, months + grace))
    anchor = draw(st.sampled_from(["assessment_day", "assessment_month", "decision_date"]))
    return validity_scheme(anchor, months, grace, extension)


@st.composite
def two_procedures(draw: st.DrawFn) -> tuple[tuple[date, date], tuple[date, date]]:
    """(assessment, decision) twice, the second no earlier than the first in both dates."""
    first_assessment, second_assessment = sorted((draw(DATES), draw(DATES)))
    first_decision = first_assessment + timedelta(days=draw(st.integers(0, 200)))
    second_decision = max(
        first_decision, second_assessment + timedelta(days=draw(st.integers(0, 200)))
    )
    return (first_assessment, first_decision), (second_assessment, second_decision)


@FAST
@given(validity_schemes(), two_procedures())
def test_first_award_valid_until_never_shrinks(
    scheme: Scheme, procedures: tuple[tuple[date, date], tuple[date, date]]
) -> None:
    (a1, d1), (a2, d2) = procedures
    first = first_award_validity(scheme, assessment_date=a1, decision_date=d1)
    second = first_award_validity(scheme, assessment_date=a2, decision_date=d2)
    assert first.valid_until <= second.valid_until
    assert first.valid_from <= first.valid_until


@FAST
@given(validity_schemes(), DATES, st.integers(0, 60), two_procedures())
def test_renewal_valid_until_never_shrinks(
    scheme: Scheme,
    first_assessment: date,
    months_later: int,
    procedures: tuple[tuple[date, date], tuple[date, date]],
) -> None:
    # The label being renewed was awarded by the same scheme.
    previous = first_award_validity(
        scheme, assessment_date=first_assessment, decision_date=first_assessment
    )
    start = add_months(previous.valid_from, months_later)
    (a1, d1), (a2, d2) = (
        (start + (a - date(2000, 1, 1)), start + (d - date(2000, 1, 1))) for a, d in procedures
    )
    first = renew(scheme, previous=previous, assessment_date=a1, decision_date=d1)
    second = renew(scheme, previous=previous, assessment_date=a2, decision_date=d2)
    assert first.validity.valid_until <= second.validity.valid_until
    assert first.validity.valid_until >= previous.valid_until or not first.seamless


@FAST
@given(
    st.sampled_from(["assessment_day", "decision_date"]),
    st.integers(1, 36),
    st.integers(0, 12),
    DATES,
    st.integers(0, 800),
    two_procedures(),
)
def test_renewal_from_the_decision_or_assessment_day_never_shrinks_for_any_previous_end(
    anchor: str,
    months: int,
    grace: int,
    valid_from: date,
    length: int,
    procedures: tuple[tuple[date, date], tuple[date, date]],
) -> None:
    scheme = validity_scheme(anchor, months, grace, months + grace)
    previous = Validity(valid_from, valid_from + timedelta(days=length))
    (a1, d1), (a2, d2) = procedures
    first = renew(scheme, previous=previous, assessment_date=a1, decision_date=d1)
    second = renew(scheme, previous=previous, assessment_date=a2, decision_date=d2)
    assert first.validity.valid_until <= second.validity.valid_until
