"""Indicator values between the database (JSON) and the domain (Decimal, bool, choice id)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from clusterlabel.domain.schemes import Indicator
from clusterlabel.domain.scoring import IndicatorValue


def to_json(indicator: Indicator, value: IndicatorValue) -> Any:
    """Numbers are stored as decimal strings so no float ever touches a score."""
    if value is None:
        return None
    if indicator.type in ("number", "percent"):
        return str(value)
    return value


def from_json(indicator: Indicator, stored: Any) -> IndicatorValue:
    if stored is None:
        return None
    if indicator.type in ("number", "percent"):
        try:
            return Decimal(str(stored))
        except InvalidOperation:
            return None
    if indicator.type == "boolean":
        return bool(stored)
    return str(stored)
