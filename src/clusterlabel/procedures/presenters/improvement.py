"""What the pages show of ECEI Silver's own steps: the previous benchmarking found, the
improvement areas with their on-site validation, and the baseline minimum check.

Built from the domain's results and the stored rows, in the page's language; no HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.core.formatting import localized, scheme_and_level, scheme_level_name
from clusterlabel.domain.award import improvement_window
from clusterlabel.domain.errors import UnknownId
from clusterlabel.domain.schemes import Scheme
from clusterlabel.domain.scoring import score_assessment
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.benchmarkings import (
    EarlierBenchmarking,
    previous_benchmarking,
    previous_benchmarking_of,
)
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.results import score_values
from clusterlabel.schemes.selectors import scheme_versions_current, scheme_versions_current_by_id


def _day(value: date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def benchmarking_text(found: EarlierBenchmarking) -> str:
    """ "P-2025-0003 · ECEI-Label Bronze · assessed on 4 December 2024", or, for an imported
    record, "Imported from the operator's records · ECEI-Label Bronze · assessed on …"."""
    assessed = _("assessed on %(day)s") % {"day": _day(found.assessed_on)}
    if found.procedure is not None:
        return " \N{MIDDLE DOT} ".join(
            [found.procedure.reference, scheme_and_level(found.procedure), assessed]
        )
    return " \N{MIDDLE DOT} ".join(
        [_("Imported from the operator's records"), localized(found.scheme.name), assessed]
    )


@dataclass(frozen=True)
class BenchmarkingRow:
    """One level with improvement areas, as the application page shows it."""

    level_name: str
    found: str | None
    earliest: date | None
    latest: date | None


def silver_benchmarkings(organisation: Organisation) -> list[BenchmarkingRow]:
    """For each current level with improvement areas (ECEI Silver): the previous benchmarking
    an application made today would be compared with, and the window of a first application."""
    rows: list[BenchmarkingRow] = []
    today = timezone.localdate()
    for version in scheme_versions_current():
        scheme = version.scheme
        for level in scheme.levels:
            rule = level.award.improvement
            if rule is None or rule.improvement_areas is None:
                continue
            found = previous_benchmarking(
                organisation=organisation, scheme=scheme, on_or_before=today
            )
            earliest: date | None = None
            latest: date | None = None
            if found is not None:
                earliest, latest = improvement_window(rule, found.assessed_on)
            rows.append(
                BenchmarkingRow(
                    level_name=scheme_level_name(scheme, level),
                    found=benchmarking_text(found) if found else None,
                    earliest=earliest,
                    latest=latest,
                )
            )
    return rows


def _gold_names(rule_gold_scheme: str | None) -> Scheme | None:
    if rule_gold_scheme is None:
        return None
    version = scheme_versions_current_by_id().get(rule_gold_scheme)
    return version.scheme if version is not None else None


def improvement_section(procedure: Procedure, *, user: Any) -> dict[str, Any] | None:
    """The Silver section of the procedure, decision and report pages, or None for a level
    without improvement areas and for a user who may not see the application's file (a
    programme). ``areas``: each area with its category, what was improved, the evidence, the
    Gold criteria it is validated against and the review; ``benchmarking``: the previous
    benchmarking found; ``minimum_failed``: the minimum criteria the panel's scores miss (None
    before scoring); ``show_review``: whether ``user`` sees the panel's verdicts (as the scores:
    the organisation once the authority has decided); ``can_review``: whether ``user`` records
    the review now."""
    rule = procedure.level.award.improvement
    if rule is None or rule.improvement_areas is None:
        return None
    if not policy.can(user, Activity.VIEW_PROCEDURE_FILE, procedure):
        return None
    show_review = policy.can(user, Activity.READ_SCORES, procedure)
    scheme = procedure.scheme
    gold = _gold_names(rule.gold_scheme)
    can_see_files = policy.can(user, Activity.VIEW_PROCEDURE_FILE, procedure)
    areas = []
    for area in procedure.improvement_areas.select_related("reviewed_by"):
        criteria = area.gold_criteria or list(rule.gold_criteria(area.category_id))
        named = []
        for criterion in criteria:
            try:
                named.append(
                    f"{criterion} {localized(gold.indicator(criterion).name)}"
                    if gold
                    else criterion
                )
            except UnknownId:  # a criterion a later Gold version dropped: its id alone
                named.append(criterion)
        try:
            category = localized(scheme.category(area.category_id).name)
        except UnknownId:
            category = area.category_id
        areas.append(
            {
                "area": area,
                "category": category,
                "gold_criteria": named,
                "file_url": reverse("procedures:improvement_evidence", args=[procedure.pk, area.pk])
                if area.evidence_file and can_see_files
                else None,
            }
        )
    found = previous_benchmarking_of(procedure)
    scored = show_review and procedure.scores.exists()
    minimum_failed = None
    if scored:
        score = score_assessment(scheme, score_values(procedure))
        minimum_failed = [
            f"{indicator_id} {localized(scheme.indicator(indicator_id).name)}"
            for indicator_id in score.failed_minimum_criteria
        ]
    return {
        "areas": areas,
        "required": rule.improvement_areas,
        "benchmarking": benchmarking_text(found) if found else None,
        "minimum_failed": minimum_failed,
        "show_review": show_review,
        "can_review": policy.can(user, Activity.SCORE, procedure),
    }
