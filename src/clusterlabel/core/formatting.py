"""Formatting shared by pages, PDFs and reports: scheme text pairs in the current language,
money and numbers with the current locale's separators. A leaf module (no app imports); the
template filters of the same names wrap these functions."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

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


CURRENCY_SIGNS = {"EUR": "€", "GBP": "£", "USD": "$"}


def money_in(amount: Decimal | None, currency: str = "EUR") -> str:
    """An amount with its currency as the language writes it: "4.975,00 €" in German,
    "€4,975.00" in English; a currency without a sign keeps its code ("CHF 4,975.00")."""
    if amount is None:
        return ""
    figures = money(amount)
    sign = CURRENCY_SIGNS.get(currency, currency)
    if current_language() == "en":
        return f"{sign}{figures}" if sign != currency else f"{currency} {figures}"
    return f"{figures} {sign}"


def number(amount: Decimal | int | float | None) -> str:
    """A number without trailing zeros, localised (0,5 / 0.5; 80 rather than 80.00)."""
    if amount is None:
        return ""
    if isinstance(amount, Decimal):
        normalized = amount.normalize()
        places = decimal_places(normalized)
        return number_format(normalized, decimal_pos=places, use_l10n=True, force_grouping=True)
    return number_format(amount, use_l10n=True, force_grouping=True)


#: The one precision every share is shown with, on pages, in PDFs and in reports for people
#: (open-data exports keep the exact value): one decimal, rounded down, so 79.99 % never reads
#: as a passing 80.0 %.
PERCENT_PLACES = 1
_PERCENT_STEP = Decimal(1).scaleb(-PERCENT_PLACES)


def percent_number(value: Decimal | int | float | None) -> str:
    """A share in percent as a number with one decimal, rounded down, localised ("47,8" /
    "47.8"), for sentences that write the sign themselves; "" for none."""
    if value is None:
        return ""
    exact = value if isinstance(value, Decimal) else Decimal(str(value))
    if not exact.is_finite():
        return ""
    shown = exact.quantize(_PERCENT_STEP, rounding=ROUND_FLOOR)
    return number_format(shown, decimal_pos=PERCENT_PLACES, use_l10n=True, force_grouping=True)


def percent(value: Decimal | int | float | None) -> str:
    """A share in percent with its sign: "47,8 %" / "47.8 %"; "" for none."""
    text = percent_number(value)
    return f"{text} %" if text else ""


def scheme_and_level(procedure: Any) -> str:
    """ "ECEI-Label Gold · Gold" reads twice; show the level only when it adds something."""
    return scheme_level_name(procedure.scheme, procedure.level)


def scheme_level_name(scheme: Any, level: Any) -> str:
    """A level of a scheme (both from the scheme file) in words, the level only when it adds
    something to the scheme's name."""
    scheme_name = localized(scheme.name)
    level_name = localized(level.name)
    if level_name == scheme_name or level_name in scheme_name:
        return scheme_name
    return f"{scheme_name} · {level_name}"


def board_name(scheme: Any) -> str:
    """The body that reviews the report under ``scheme`` (a scheme, or anything with its
    ``scheme``, such as a procedure), in the current language: the scheme's
    ``procedure.board_name`` (ECEI Gold's cluster-excellence group), else "Advisory board"
    ("Beirat", as BW calls its board)."""
    scheme = getattr(scheme, "scheme", scheme)
    name = scheme.procedure.board_name
    return localized(name) if name is not None else str(_("Advisory board"))
