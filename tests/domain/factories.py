"""Small in-memory schemes for the domain tests.

``scheme_data()`` returns the raw mapping of a valid scheme (as YAML would give) that a test can
change before loading it; ``build_scheme()`` loads it; the ``indicator``/``level``/``category``
helpers build the entries. Defaults are deliberately small: two categories, four indicators of
different types, one level.
"""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import yaml

from clusterlabel.domain.schemes import Indicator, Scheme, load_scheme_data
from clusterlabel.domain.scoring import IndicatorValue

Raw = dict[str, Any]


def text(english: str) -> Raw:
    """A ``{de, en}`` pair."""
    return {"de": f"{english} (de)", "en": english}


def party(name: str = "Test Secretariat", country: str = "DE") -> Raw:
    return {"name": name, "country": country}


def category(category_id: str) -> Raw:
    return {"id": category_id, "name": text(category_id.title())}


def choices(*ids: str) -> list[Raw]:
    return [{"id": choice_id, "name": text(choice_id)} for choice_id in ids]


def indicator(
    indicator_id: str,
    *,
    category: str = "structures",
    type: str = "number",
    threshold: Any = 30,
    points: int = 5,
    **extra: Any,
) -> Raw:
    """A raw indicator; a number indicator gets a unit unless ``unit=None`` is passed."""
    data: Raw = {
        "id": indicator_id,
        "category": category,
        "name": text(f"Indicator {indicator_id}"),
        "help": text(f"How {indicator_id} is measured"),
        "type": type,
        "threshold": threshold,
        "points": points,
    }
    if type == "number":
        data["unit"] = text("members")
    data.update(extra)
    return {key: value for key, value in data.items() if value is not None}


def level(level_id: str = "gold", *, rank: int = 1, **award: Any) -> Raw:
    recognitions = award.pop("recognitions", None)
    data: Raw = {"id": level_id, "name": text(level_id.title()), "rank": rank, "award": award}
    if recognitions is not None:
        data["recognitions"] = recognitions
    return data


def default_indicators() -> list[Raw]:
    return [
        indicator(
            "STR-01",
            threshold=30,
            points=5,
            bands=[{"from": 15, "points": 2}, {"from": 22, "points": 3}],
            min=0,
            max=100000,
            minimum_criterion=True,
        ),
        indicator("STR-02", type="percent", threshold=60, points=3, unit=text("%")),
        indicator("SRV-01", category="services", type="boolean", threshold=True, points=2),
        indicator(
            "SRV-02",
            category="services",
            type="choice",
            threshold="full",
            points=4,
            choices=choices("none", "partial", "full"),
            bands=[{"from": "partial", "points": 2}],
        ),
    ]


def scheme_data(**overrides: Any) -> Raw:
    """A complete, valid raw scheme; keyword arguments replace top-level sections."""
    data: Raw = {
        "format": "clusterlabel-scheme/1",
        "id": "test-scheme",
        "version": "1",
        "family": "test",
        "name": text("Test scheme"),
        "description": text("A scheme for tests"),
        "owner": party(),
        "operator": party(),
        "awarding_authority": party("Test Ministry"),
        "levels": [
            level(
                "gold",
                requires_complete_assessment=True,
                requires_eligibility=True,
                all_minimum_criteria=True,
                min_score_percent="80",
            )
        ],
        "categories": [category("structures"), category("services")],
        "indicators": default_indicators(),
        "validity": {"anchor": "assessment_month", "months": 24},
        "renewal": {"grace_months_after_expiry": 12, "extension_months": 36},
        "eligibility": {
            "min_staff_fte": "0.5",
            "min_committed_members": 15,
            "min_member_types": 2,
            "website_required": True,
        },
        "fees": {
            "currency": "EUR",
            "vat_percent": "19",
            "items": [
                {"process": "new", "mode": "any", "net": "4975.00", "name": text("Assessment")},
                {"process": "renewal", "mode": "any", "net": "3975.00", "name": text("Renewal")},
            ],
        },
        "procedure": {
            "assessors": 2,
            "national_and_foreign": True,
            "assessment_modes": ["on_site", "video"],
            "assessment_days": 2,
            "advisory_board": True,
            "board_quorum": 3,
            "board_majority_percent": "50",
            "self_assessment_due_days_before_assessment": 14,
        },
    }
    data.update(copy.deepcopy(overrides))
    return data


def build_scheme(data: Raw | None = None, **overrides: Any) -> Scheme:
    """Load ``data`` (default :func:`scheme_data` with ``overrides``) as a scheme."""
    return load_scheme_data(
        data if data is not None else scheme_data(**overrides), source="test.yaml"
    )


def to_yaml(data: Raw) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def points_scheme(*points: int, min_score_percent: str = "80") -> Scheme:
    """One boolean indicator per entry of ``points`` (ids P-01, P-02, ...), one level 'gold'.

    Meeting an indicator (value ``True``) earns its points, so any total can be built exactly.
    """
    indicators = [
        indicator(f"P-{index:02d}", type="boolean", threshold=True, points=value)
        for index, value in enumerate(points, start=1)
    ]
    return build_scheme(
        levels=[level("gold", min_score_percent=min_score_percent)],
        categories=[category("structures")],
        indicators=indicators,
    )


def best_value(item: Indicator) -> IndicatorValue:
    """A value that meets the indicator's threshold exactly."""
    return item.threshold


def worst_value(item: Indicator) -> IndicatorValue:
    """A valid value that earns no points."""
    if item.type == "boolean":
        return not item.threshold
    if item.type == "choice":
        return item.choice_ids[0]
    low, high = item.bounds()
    if item.direction == "lower":
        return high if high is not None else Decimal(10) ** 12
    return low if low is not None else Decimal(-(10**12))


def perfect_values(scheme: Scheme) -> dict[str, IndicatorValue]:
    """Values meeting every threshold of ``scheme``."""
    return {item.id: best_value(item) for item in scheme.indicators}
