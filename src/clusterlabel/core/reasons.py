"""Translated messages for the domain's machine-readable reasons.

The domain says *why* with a code and parameters (``Reason``/``Blocked``); this module turns
them into sentences in the user's language. An unknown code falls back to the code itself, so a
new rule never shows an empty message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any, Protocol

from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import get_language, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from clusterlabel.core.countries import country_name, subdivision_name
from clusterlabel.core.formatting import percent_number
from clusterlabel.domain.numbers import decimal_places


class HasCode(Protocol):
    """A domain reason (``Reason``, ``Blocked``): read-only, as the domain's are frozen."""

    @property
    def code(self) -> str: ...

    @property
    def params(self) -> Mapping[str, Any]: ...


MESSAGES: dict[str, Promise] = {
    # transitions (clusterlabel.domain.procedure)
    "wrong_state": _("This step is not possible in the procedure's current state."),
    "no_advisory_board": _("This scheme has no advisory board."),
    "wrong_role": _("Your role does not take this step."),
    "not_member_of_organisation": _("You do not manage this organisation."),
    "not_scheme_secretariat": _("Only the scheme's secretariat takes this step."),
    "not_assigned_assessor": _("You are not on this procedure's assessor panel."),
    "not_board_member": _("Only members of the advisory board vote."),
    "not_awarding_authority": _("Only the awarding authority decides."),
    "organisation_not_confirmed": _(
        "The secretariat has not yet confirmed the organisation's registration."
    ),
    "not_eligible": _("The organisation does not meet every eligibility criterion."),
    "self_assessment_incomplete": ngettext_lazy(
        "%(missing)s indicator of the self-assessment has no answer yet.",
        "%(missing)s indicators of the self-assessment have no answer yet.",
        "missing",
    ),
    "self_assessment_evidence_missing": _(
        "The scheme requires evidence for these indicators, and none has been uploaded yet: "
        "%(indicators)s."
    ),
    "too_few_assessors": ngettext_lazy(
        "The scheme needs %(need)s assessor; the panel has %(have)s.",
        "The scheme needs %(need)s assessors; the panel has %(have)s.",
        "need",
    ),
    "too_many_assessors": ngettext_lazy(
        "The scheme needs %(need)s assessor; the panel has %(have)s.",
        "The scheme needs %(need)s assessors; the panel has %(have)s.",
        "need",
    ),
    "national_and_foreign_assessors_required": _(
        "The panel needs one assessor from %(country)s and one from another country "
        "(now %(national)s national, %(foreign)s foreign)."
    ),
    "assessors_not_qualified": _(
        "No qualification for this scheme and level, confirmed by the secretariat and valid on "
        "the assessment date: %(names)s."
    ),
    "assessors_conflict_declared_on_profile": _(
        "Declared a conflict of interest with this organisation on their profile: %(names)s."
    ),
    "assessors_country_not_covered": _(
        "Do not assess in the organisation's country (%(country)s): %(names)s."
    ),
    "conflict_of_interest_not_declared": ngettext_lazy(
        "%(count)s assessor has not yet declared that they have no conflict of interest.",
        "%(count)s assessors have not yet declared that they have no conflict of interest.",
        "count",
    ),
    "assessment_not_scheduled": _("No assessment date has been set."),
    "assessment_too_soon": ngettext_lazy(
        "The assessment date must leave %(days)s day to prepare: %(earliest)s at the earliest.",
        "The assessment date must leave %(days)s days to prepare: %(earliest)s at the earliest.",
        "days",
    ),
    "assessment_date_not_reached": _("The assessment is scheduled for %(assessment_date)s."),
    "scores_incomplete": ngettext_lazy(
        "%(missing)s indicator has no score yet, or no record of the evidence seen.",
        "%(missing)s indicators have no score yet, or no record of the evidence seen.",
        "missing",
    ),
    "assessor_scores_disagree": ngettext_lazy(
        "The assessors have not yet agreed on %(count)s score.",
        "The assessors have not yet agreed on %(count)s scores.",
        "count",
    ),
    "report_not_agreed": ngettext_lazy(
        "%(count)s assessor has not yet agreed to the report.",
        "%(count)s assessors have not yet agreed to the report.",
        "count",
    ),
    "board_quorum_not_reached": ngettext_lazy(
        "The board needs %(need)s vote; votes cast so far: %(have)s.",
        "The board needs %(need)s votes; votes cast so far: %(have)s.",
        "need",
    ),
    "votes_without_reason": ngettext_lazy(
        "%(count)s vote against the award has no reason.",
        "%(count)s votes against the award have no reason.",
        "count",
    ),
    "board_conflict_not_declared_none": _(
        "You vote once you have declared that you have no conflict of interest in this round."
    ),
    "award_rules_not_met": _("The assessment does not meet the scheme's award rules."),
    "board_recommended_against": _(
        "The advisory board recommended against the award (%(yes)s for, %(no)s against)."
    ),
    "reason_required": _("Please give a reason."),
    # service checks (clusterlabel.procedures.services)
    "self_assessment_closed": _(
        "The self-assessment has been submitted and can no longer be changed."
    ),
    "assessment_not_in_progress": _("The assessment is not in progress."),
    "panel_closed": _(
        "The panel can only be changed after the self-assessment is submitted and before the "
        "assessment starts."
    ),
    "board_review_closed": _("Declarations are taken while the board review is open."),
    "board_conflict_already_declared": _(
        "You have declared a conflict of interest for this round; it cannot be withdrawn."
    ),
    # award decisions (clusterlabel.domain.award)
    "assessment_incomplete": _("Not every indicator has been assessed: %(missing)s."),
    "minimum_criterion_failed": _("Minimum criterion %(indicator)s is not met."),
    "score_below_minimum": _(
        "%(percent)s %% of the maximum points; at least %(required)s %% are needed."
    ),
    "too_few_improved_categories": ngettext_lazy(
        "Improvement in %(improved)s category; at least %(required)s are needed.",
        "Improvement in %(improved)s categories; at least %(required)s are needed.",
        "improved",
    ),
    "no_previous_assessment": _("There is no previous assessment to compare with."),
    # recognitions (clusterlabel.domain.recognition)
    "panel_rule_not_met": _(
        "The recognised scheme needs %(need)s assessors, one of them from %(country)s and one "
        "from another country; the panel had %(national)s national and %(foreign)s foreign."
    ),
    "recognising_level_not_awarded": _("The label applied for is not awarded."),
    # a recognised scheme's minimum criterion, with the indicator it was assessed as
    "minimum_criterion_failed.assessed_as": _(
        "Minimum criterion %(indicator)s (assessed as %(assessed_as)s) is not met."
    ),
    "recognised_scheme_not_loaded": _("The recognised scheme %(scheme)s is not loaded."),
    "previous_assessment_too_recent": _(
        "The previous assessment (%(previous_assessment_date)s) must be at least "
        "%(min_months)s months earlier: this assessment can be on %(earliest)s at the earliest."
    ),
    "previous_assessment_too_old": _(
        "The previous assessment (%(previous_assessment_date)s) may be at most %(max_months)s "
        "months earlier: this assessment had to be on %(latest)s at the latest."
    ),
    "too_few_improvement_areas": _(
        "%(named)s improvement areas were named; %(required)s are needed, each in another category."
    ),
    "improvement_area_not_reviewed": _(
        "The improvement area “%(category_name)s” has not been reviewed on site yet."
    ),
    "improvement_area_not_validated": _(
        "The improvement area “%(category_name)s” was not validated against the Gold criteria "
        "%(gold_criteria)s."
    ),
    # applying for ECEI Silver (clusterlabel.domain.award.silver_application_reasons)
    "no_previous_benchmarking": _(
        "No previous benchmarking of the organisation was found (neither an assessment here "
        "nor an imported record): Silver compares with it."
    ),
    "previous_benchmarking_too_recent": _(
        "The previous benchmarking (%(previous_date)s) must be at least %(min_months)s months "
        "before the application: you can apply on %(earliest)s at the earliest."
    ),
    "previous_benchmarking_too_old": _(
        "The previous benchmarking (%(previous_date)s) may be at most %(max_months)s months "
        "before a first Silver application; the last day was %(latest)s. Please apply for a new "
        "benchmarking first."
    ),
    "improvement_areas_missing": _(
        "Please name %(required)s improvement areas (named: %(named)s)."
    ),
    "improvement_area_category_repeated": _(
        "The category “%(category_name)s” is named for two improvement areas; each area needs "
        "its own category."
    ),
    "improvement_area_category_unknown": _("“%(category_name)s” is not a category of this scheme."),
    # scheduling (clusterlabel.domain.scheduling)
    "availability_overlaps": _(
        "This period overlaps your availability from %(start)s to %(end)s; change or remove "
        "that one first."
    ),
    "appointment_before_window": _(
        "The assessment can start on %(earliest)s at the earliest: the assessors get the "
        "scheme's preparation time with the submitted self-assessment."
    ),
    "appointment_after_window": _(
        "The assessment must start by %(latest)s, the scheme's deadline for this step."
    ),
    "assessor_unavailable": ngettext_lazy(
        "%(assessor)s is not available on %(days)s day of the assessment (%(first)s to %(last)s).",
        "%(assessor)s is not available on %(days)s days of the assessment (%(first)s to %(last)s).",
        "days",
    ),
    "agenda_day_outside": ngettext_lazy(
        "An agenda item is on day %(day)s, but the assessment takes %(days)s day.",
        "An agenda item is on day %(day)s, but the assessment takes %(days)s days.",
        "days",
    ),
    "agenda_item_untitled": _("The agenda item on day %(day)s at %(time)s has no title."),
    "agenda_time_twice": _("Two agenda items are on day %(day)s at %(time)s."),
    "video_link_not_https": _("The video link must be an https:// address."),
    "video_link_with_credentials": _("The video link must not contain a user name or password."),
    "appointment_address_missing": _("An on-site assessment needs its address."),
    "appointment_link_missing": _("A video assessment needs its link."),
    "reschedule_reason_missing": _("Please give the reason for changing the appointment."),
    "appointment_without_panel": _(
        "The assessment is scheduled with its panel: propose the assessors first."
    ),
    # eligibility (clusterlabel.domain.eligibility)
    "staff_fte_below_minimum": _(
        "Management staff of %(actual)s FTE; at least %(required)s FTE are required."
    ),
    "too_few_committed_members": _(
        "%(actual)s committed members; at least %(required)s are required."
    ),
    "too_few_member_types": _("%(actual)s types of members; at least %(required)s are required."),
    "no_website": _("No website is given."),
    "country_not_eligible": _("The management is seated in %(actual)s; eligible: %(required)s."),
    "region_not_eligible": _("The management is seated in %(actual)s; eligible: %(required)s."),
    "not_listed_in_cluster_database": _(
        "The organisation is not listed in the state's cluster database."
    ),
    "unknown": _("Not known yet: %(criterion)s."),
}

CRITERIA: dict[str, Promise] = {
    "staff_fte": _("management staff (FTE)"),
    "committed_members": _("number of committed members"),
    "member_types": _("types of members"),
    "website": _("website"),
    "country": _("country of the seat"),
    "region": _("region of the seat"),
    "listed_in_cluster_database": _("listing in the state's cluster database"),
}
# The eligibility check names its criteria after the scheme file's keys.
CRITERIA.update(
    {
        "min_staff_fte": CRITERIA["staff_fte"],
        "min_committed_members": CRITERIA["committed_members"],
        "min_member_types": CRITERIA["member_types"],
        "website_required": CRITERIA["website"],
        "countries": CRITERIA["country"],
        "regions": CRITERIA["region"],
    }
)


def _display(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, Decimal):
        # Rounded down: 79.999 % must never read as 80 %.
        if decimal_places(value) > 2:
            value = value.quantize(Decimal("0.01"), rounding=ROUND_DOWN)
        normalized = value.normalize()
        places = decimal_places(normalized)
        return formats.number_format(normalized, decimal_pos=places, use_l10n=True)
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(_display(v) for v in value)
    if isinstance(value, Mapping) and set(value) == {"de", "en"}:
        # A name the domain gives in both languages (a scheme's category): the active one.
        return str(value["de"] if get_language() == "de" else value["en"])
    if value is None:
        return "—"
    return str(value)


_PLACE_NAMES = {"country_not_eligible": country_name, "region_not_eligible": subdivision_name}


def describe(reason: HasCode) -> str:
    """One sentence for one reason, in the active language."""
    template = MESSAGES.get(reason.code)
    if "assessed_as" in reason.params:
        template = MESSAGES.get(f"{reason.code}.assessed_as", template)
    if template is None:
        return reason.code
    params: dict[str, str | int] = {
        # A share reads with the one precision every page uses ("47,8"), rounded down.
        key: percent_number(value)
        if key == "percent"
        and isinstance(value, Decimal | int | float)
        and not isinstance(value, bool)
        else _display(value)
        for key, value in dict(reason.params).items()
    }
    # Places by name, not by ISO code: "seated in Mecklenburg-Vorpommern", not "in DE-MV".
    namer = _PLACE_NAMES.get(reason.code)
    if namer is not None:
        for key in ("actual", "required"):
            value = reason.params.get(key)
            if isinstance(value, str):
                params[key] = namer(value)
            elif isinstance(value, list | tuple | set | frozenset):
                params[key] = ", ".join(sorted(namer(str(code)) for code in value))
    if reason.code == "unknown" and "criterion" in reason.params:
        params["criterion"] = str(
            CRITERIA.get(str(reason.params["criterion"]), params["criterion"])
        )
    # A count in a sentence stays a number, so that ngettext_lazy picks the plural form by it.
    for key, value in reason.params.items():
        if isinstance(value, int) and not isinstance(value, bool):
            params[key] = value
    try:
        return str(template % params)
    except (KeyError, TypeError, ValueError):
        return str(template).split("%(")[0].strip() or reason.code


def describe_all(reasons: Iterable[HasCode]) -> list[str]:
    return [describe(reason) for reason in reasons]
