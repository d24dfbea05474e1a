"""Template helpers shared by all pages: the leaf's formatting (``clusterlabel.core.formatting``)
as filters, and the names of roles and recognised labels, which read the apps."""

from __future__ import annotations

from typing import Any

from django import template

from clusterlabel.access.policy import roles_label
from clusterlabel.accounts.choices import Role
from clusterlabel.core import countries, formatting
from clusterlabel.core.formatting import localized
from clusterlabel.core.reasons import describe_all
from clusterlabel.domain.errors import UnknownId
from clusterlabel.schemes.selectors import scheme_versions_current

register = template.Library()

register.filter("localized", formatting.localized)
register.filter("money", formatting.money)
register.filter("number", formatting.number)
# Shares: one precision everywhere ("47,8 %"); percent_number for sentences that write the sign.
register.filter("percent", formatting.percent)
register.filter("percent_number", formatting.percent_number)
register.filter("scheme_and_level", formatting.scheme_and_level)
# The body that reviews a procedure's report (its scheme's board_name, else "Advisory board").
register.filter("board_name", formatting.board_name)
# ISO codes of countries and regions, by their names in the current language.
register.filter("country_name", countries.country_name)
register.filter("region_name", countries.subdivision_name)
# The roles a person holds, in words (from their grants).
register.filter("held_roles", roles_label)
# The domain's machine-readable reasons (award, recognition, eligibility) as sentences.
register.filter("reason_texts", describe_all)


@register.filter
def role_label(role: str | None) -> str:
    """The translated name of a role value ("secretariat" -> "Geschäftsstelle")."""
    if not role:
        return ""
    try:
        return str(Role(str(role)).label)
    except ValueError:
        return str(role)


@register.filter
def recognised_label(recognition: Any) -> str:
    """The name of a label an award also yields ("ECEI-Label Gold"), from the current version
    of the recognised scheme; its ids when that scheme is not loaded."""
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
