"""Template helpers shared by all pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format

from clusterlabel.core.language import current_language
from clusterlabel.domain.numbers import decimal_places

register = template.Library()


@register.filter
def localized(pair: Any) -> str:
    """Pick the current language from a ``{de, en}`` text pair of a scheme file."""
    if pair is None:
        return ""
    language = current_language()
    value = getattr(pair, language, None)
    if value is None and isinstance(pair, dict):
        value = pair.get(language)
    return str(value if value is not None else getattr(pair, "de", pair))


@register.filter
def money(amount: Decimal | None) -> str:
    """Two decimals with the current locale's separators (4.975,00 / 4,975.00)."""
    if amount is None:
        return ""
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


@register.filter
def number(amount: Decimal | int | float | None) -> str:
    """A number without trailing zeros, localised (0,5 / 0.5; 80 rather than 80.00)."""
    if amount is None:
        return ""
    if isinstance(amount, Decimal):
        normalized = amount.normalize()
        places = decimal_places(normalized)
        return number_format(normalized, decimal_pos=places, use_l10n=True, force_grouping=True)
    return number_format(amount, use_l10n=True, force_grouping=True)


@register.filter
def role_label(role: str | None) -> str:
    """The translated name of a role value ("secretariat" -> "Geschäftsstelle")."""
    from clusterlabel.accounts.choices import Role

    if not role:
        return ""
    try:
        return str(Role(str(role)).label)
    except ValueError:
        return str(role)


@register.filter
def scheme_and_level(procedure: Any) -> str:
    """ "ECEI-Label Gold · Gold" reads twice; show the level only when it adds something."""
    scheme_name = localized(procedure.scheme.name)
    level_name = localized(procedure.level.name)
    if level_name == scheme_name or level_name in scheme_name:
        return scheme_name
    return f"{scheme_name} · {level_name}"


@register.filter
def recognised_label(recognition: Any) -> str:
    """The name of a label an award also yields ("ECEI-Label Gold"), from the current version
    of the recognised scheme; its ids when that scheme is not loaded."""
    from clusterlabel.domain.errors import UnknownId
    from clusterlabel.schemes.selectors import scheme_versions_current

    version = scheme_versions_current().filter(scheme_id=recognition.scheme).first()
    if version is None:
        return f"{recognition.scheme} ({recognition.level})"
    scheme = version.scheme
    scheme_name = localized(scheme.name)
    try:
        level_name = localized(scheme.level(recognition.level).name)
    except UnknownId:
        return f"{scheme_name} ({recognition.level})"
    if level_name == scheme_name or level_name in scheme_name:
        return scheme_name
    return f"{scheme_name} · {level_name}"
