"""Formatting shared by pages, PDFs and reports: scheme text pairs in the current language,
money and numbers with the current locale's separators. A leaf module (no app imports); the
template filters of the same names wrap these functions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format

from clusterlabel.core.language import current_language
from clusterlabel.domain.numbers import decimal_places


def localized(pair: Any) -> str:
    """Pick the current language from a ``{de, en}`` text pair of a scheme file."""
    if pair is None:
        return ""
    language = current_language()
    value = getattr(pair, language, None)
    if value is None and isinstance(pair, dict):
        value = pair.get(language)
    return str(value if value is not None else getattr(pair, "de", pair))


def money(amount: Decimal | None) -> str:
    """Two decimals with the current locale's separators (4.975,00 / 4,975.00)."""
    if amount is None:
        return ""
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


def number(amount: Decimal | int | float | None) -> str:
    """A number without trailing zeros, localised (0,5 / 0.5; 80 rather than 80.00)."""
    if amount is None:
        return ""
    if isinstance(amount, Decimal):
        normalized = amount.normalize()
        places = decimal_places(normalized)
        return number_format(normalized, decimal_pos=places, use_l10n=True, force_grouping=True)
    return number_format(amount, use_l10n=True, force_grouping=True)


def scheme_and_level(procedure: Any) -> str:
    """ "ECEI-Label Gold · Gold" reads twice; show the level only when it adds something."""
    scheme_name = localized(procedure.scheme.name)
    level_name = localized(procedure.level.name)
    if level_name == scheme_name or level_name in scheme_name:
        return scheme_name
    return f"{scheme_name} · {level_name}"
