"""The panel suggestion's reasons (``clusterlabel.domain.panel_suggestion``) in words, in the
active language: why a candidate ranks where it does, why one is excluded, why no complete
panel can be suggested. Languages, sectors and countries are named, not coded."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from clusterlabel.core.countries import country_name
from clusterlabel.core.language_names import language_name
from clusterlabel.domain.errors import Reason
from clusterlabel.organisations.choices import Sector

MESSAGES: dict[str, Promise] = {
    # exclusions
    "qualification_missing": _("No qualification for this scheme and level."),
    "qualification_unconfirmed": _(
        "The qualification for this scheme and level is not yet confirmed by the secretariat."
    ),
    "qualification_not_yet_valid": _("The qualification is valid only from %(valid_from)s."),
    "qualification_expired": _("The qualification expired on %(valid_until)s."),
    "conflict_declared": _("Declared a conflict of interest with this organisation."),
    "conflict_declared.since": _(
        "Declared a conflict of interest with this organisation (since %(since)s)."
    ),
    "country_not_covered": _("Does not assess in %(country)s."),
    # ranking
    "national_slot": _("Fills the national place the panel still needs (%(country)s)."),
    "foreign_slot": _("Fills the foreign place the panel still needs (not %(country)s)."),
    "speaks_language": _("Speaks the organisation's language: %(languages)s."),
    "no_common_language": _("Does not speak the organisation's language (%(languages)s)."),
    "sector_match": _("Knows the organisation's sector: %(sector)s."),
    "assessed_last_cycle": _("Assessed this organisation in its previous procedure."),
    # the panel
    "no_national_candidate": _(
        "No eligible assessor from %(country)s: the scheme needs one national assessor."
    ),
    "no_foreign_candidate": _(
        "No eligible assessor from outside %(country)s: the scheme needs one foreign assessor."
    ),
    "too_few_candidates": _("The scheme needs %(need)s assessors; %(have)s are eligible."),
}


def _value(key: str, value: Any) -> str:
    if key == "languages":
        return ", ".join(language_name(code) for code in value)
    if key == "sector":
        return str(Sector(value).label) if value in Sector.values else str(value)
    if key == "country":
        return country_name(str(value))
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def describe(reason: Reason) -> str:
    """One sentence for one reason of the panel suggestion."""
    params: Mapping[str, Any] = reason.params
    if reason.code == "open_assignments":
        count = int(params.get("count", 0))
        if count == 0:
            return str(_("No open assignments."))
        return ngettext("%(count)s open assignment.", "%(count)s open assignments.", count) % {
            "count": count
        }
    code = reason.code
    if code == "conflict_declared" and params.get("since"):
        code = "conflict_declared.since"
    template = MESSAGES.get(code)
    if template is None:
        return reason.code
    return str(template) % {key: _value(key, value) for key, value in params.items()}


def describe_all(reasons: Iterable[Reason]) -> list[str]:
    return [describe(reason) for reason in reasons]
