"""Planning what the checked rows of a list of label holders become, before anything is written:
which labels continue which (renewal chains, dated by the scheme's renewal rule), which labels
overlap, and which recognised labels an imported award brings along. See
``clusterlabel.labels.issuing.importing`` for the rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils.translation import gettext as _

from clusterlabel.core.formatting import scheme_level_name
from clusterlabel.domain.validity import Validity, first_award_validity, validity_from_end
from clusterlabel.labels.issuing.import_check import PlannedLabel
from clusterlabel.labels.issuing.import_result import ImportedLabel, ImportResult, RowProblem
from clusterlabel.labels.models import Label, LabelState
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.models import SchemeVersion

# Events that say a row continues an earlier label, and the one that says it does not.
RENEWAL_EVENTS = frozenset({"renewal", "recertification"})
FIRST_AWARD = "award"

Holder = Label | PlannedLabel


def _validity(holder: Holder) -> Validity:
    return Validity(holder.valid_from, holder.valid_until)


def _number(holder: Holder) -> str:
    return holder.certificate_number.upper()


def plan_chains(
    to_create: list[PlannedLabel],
    to_update: list[PlannedLabel],
    chainable: dict[tuple, Label],
    result: ImportResult,
    *,
    tolerance_days: int,
) -> None:
    """Link every new row to the label it renews and date it by the scheme's renewal rule.

    A row renews the latest label of its organisation, scheme and level that ends before it
    (a stored one that is neither revoked nor renewed yet, or an earlier row of the file),
    unless its event says it is a first award. A row that gives only its end is dated by
    ``validity_from_end``: seamless from the day after the previous end when a renewal within
    the grace period explains it, counted back (and not linked) otherwise. A row that gives its
    start continues the previous label when it starts the day after that label's end. Each
    label is continued once. Sets ``plan.previous`` and ``plan.valid_from``; reports the chain
    (``renews``, ``renews_line``) on ``result.created``.
    """
    corrected = {plan.updates.pk: plan for plan in to_update if plan.updates is not None}
    by_number = _numbered([p for p in to_create if p.renews_given], "renews")
    open_ends: dict[tuple, list[Holder]] = {}
    for (organisation_id, scheme_id, level_id, _until), label in chainable.items():
        holder: Holder = corrected.get(label.pk, label)
        key = (("existing", organisation_id), scheme_id, level_id)
        open_ends.setdefault(key, []).append(holder)
    reports = {report.line: report for report in result.created}
    for plan in sorted(to_create, key=lambda p: (p.valid_until, p.line)):
        key = (plan.organisation_key, plan.target.scheme_id, plan.target.level_id)
        candidates = [h for h in open_ends.get(key, []) if h.valid_until < plan.valid_until]
        previous = max(candidates, key=lambda h: h.valid_until, default=None)
        if plan.event == FIRST_AWARD:
            previous = None
        if plan.renews_given:
            # The file says what the row renews (a registry export): linked as written.
            previous = None
            if plan.renews:
                plan.previous = _explicit_previous(plan, by_number, result)
        elif previous is not None:
            if plan.valid_from_given:
                seamless = plan.valid_from == previous.valid_until + timedelta(days=1)
            else:
                renewal = validity_from_end(
                    plan.target.scheme_version.scheme,
                    valid_until=plan.valid_until,
                    previous=_validity(previous),
                    tolerance_days=tolerance_days,
                )
                seamless = renewal.seamless
                plan.valid_from = renewal.validity.valid_from
            if seamless:
                plan.previous = previous
                open_ends[key].remove(previous)
        open_ends.setdefault(key, []).append(plan)
        report = reports[plan.line]
        report.valid_from = plan.valid_from
        if isinstance(plan.previous, PlannedLabel):
            report.renews_line = plan.previous.line
            report.renews = plan.previous.certificate_number
        elif isinstance(plan.previous, Label):
            report.renews = plan.previous.certificate_number
        elif plan.event in RENEWAL_EVENTS:
            result.warnings.append(
                RowProblem(
                    plan.line,
                    _(
                        "The row is a renewal, but no earlier label of this organisation and "
                        "level ends within the renewal period before it; it is imported as a "
                        "first award from %(start)s."
                    )
                    % {"start": plan.valid_from.isoformat()},
                )
            )


def report_overlaps(
    to_create: list[PlannedLabel], to_update: list[PlannedLabel], result: ImportResult
) -> None:
    """Warn about every new or corrected label that overlaps another label of the same
    organisation, scheme and level (stored and not revoked, or another row of the file) other
    than the one it renews: an operator's register rarely means two labels at once."""
    rows = [*to_create, *to_update]
    organisation_ids = {p.organisation.pk for p in rows if isinstance(p.organisation, Organisation)}
    corrected = {plan.updates.pk for plan in to_update if plan.updates is not None}
    holders: dict[tuple, list[Holder]] = {}
    stored = (
        Label.objects.filter(organisation_id__in=organisation_ids)
        .exclude(state=LabelState.REVOKED)
        .exclude(pk__in=corrected)
    )
    for label in stored:
        key = (("existing", label.organisation_id), label.scheme_id, label.level_id)
        holders.setdefault(key, []).append(label)
    for plan in rows:
        key = (plan.organisation_key, plan.target.scheme_id, plan.target.level_id)
        holders.setdefault(key, []).append(plan)
    for plan in sorted(rows, key=lambda p: p.line):
        key = (plan.organisation_key, plan.target.scheme_id, plan.target.level_id)
        for other in holders[key]:
            if other is plan or other is plan.previous or getattr(other, "previous", None) is plan:
                continue
            if isinstance(other, PlannedLabel) and other.line > plan.line:
                continue  # reported once, on the later line
            if other.valid_from <= plan.valid_until and plan.valid_from <= other.valid_until:
                where = (
                    _("line %(line)s") % {"line": other.line}
                    if isinstance(other, PlannedLabel)
                    else other.certificate_number
                )
                result.warnings.append(
                    RowProblem(
                        plan.line,
                        _(
                            "%(start)s to %(end)s overlaps the same label %(other)s "
                            "(%(other_start)s to %(other_end)s)."
                        )
                        % {
                            "start": plan.valid_from.isoformat(),
                            "end": plan.valid_until.isoformat(),
                            "other": where,
                            "other_start": other.valid_from.isoformat(),
                            "other_end": other.valid_until.isoformat(),
                        },
                    )
                )


@dataclass
class PlannedRecognition:
    """A label an imported award brings along (the state label brings ECEI Gold)."""

    main: PlannedLabel
    scheme_version: SchemeVersion
    level_id: str


def plan_recognitions(
    to_create: list[PlannedLabel], result: ImportResult
) -> list[PlannedRecognition]:
    """The labels the new rows' levels are recognised for, as an award made in clusterlabel
    would issue them, unless the organisation already holds such a label overlapping the
    award (stored and not revoked, or another row of the file). Reported on
    ``result.recognised`` with the line they come with (dates as a first award; a renewal
    chain may extend them when they are written).

    Not re-checked: an award made in clusterlabel yields a recognised label only when its
    scores meet the recognised scheme's own rules and panel rule (``domain.recognition``), but
    an imported row has no scores or panel. The register it comes from says what was awarded,
    so its recognitions follow the level as the scheme file names them."""
    versions = {v.scheme_id: v for v in SchemeVersion.objects.filter(is_current=True)}
    organisation_ids = {
        p.organisation.pk for p in to_create if isinstance(p.organisation, Organisation)
    }
    held: dict[tuple, list[Validity]] = {}
    for label in Label.objects.filter(organisation_id__in=organisation_ids).exclude(
        state=LabelState.REVOKED
    ):
        key = (("existing", label.organisation_id), label.scheme_id, label.level_id)
        held.setdefault(key, []).append(label.validity)
    for plan in to_create:
        key = (plan.organisation_key, plan.target.scheme_id, plan.target.level_id)
        held.setdefault(key, []).append(_validity(plan))
    planned = []
    by_number = _numbered([p for p in to_create if p.recognitions_given], "recognised_with")
    for plan in sorted(to_create, key=lambda p: (p.valid_until, p.line)):
        if plan.recognitions_given:
            # The file says which label each row is recognised with: none is issued here.
            if plan.recognised_with:
                target = by_number.get(plan.recognised_with)
                if target is None:
                    result.errors.append(_unknown_number(plan, "recognised_with"))
                elif _owner(target) != plan.organisation_key:
                    result.errors.append(
                        RowProblem(
                            plan.line,
                            _("%(number)s is a label of another organisation.")
                            % {"number": plan.recognised_with},
                            plan.headers["recognised_with"],
                        )
                    )
            continue
        level = plan.target.scheme_version.scheme.level(plan.target.level_id)
        for recognition in level.recognitions:
            version = versions.get(recognition.scheme)
            if version is None:
                continue
            key = (plan.organisation_key, recognition.scheme, recognition.level)
            if any(_overlap(v, _validity(plan)) for v in held.get(key, [])):
                continue
            validity = first_award_validity(
                version.scheme, assessment_date=plan.valid_from, decision_date=plan.valid_from
            )
            held.setdefault(key, []).append(validity)
            planned.append(PlannedRecognition(plan, version, recognition.level))
            result.recognised.append(
                ImportedLabel(
                    line=plan.line,
                    organisation=plan.organisation.cluster_name,
                    scheme_id=recognition.scheme,
                    level_id=recognition.level,
                    valid_from=validity.valid_from,
                    valid_until=validity.valid_until,
                    recognised_with_line=plan.line,
                    label_name=scheme_level_name(
                        version.scheme, version.scheme.level(recognition.level)
                    ),
                )
            )
    return planned


def _numbered(plans: list[PlannedLabel], column: str) -> dict[str, Holder]:
    """The labels the rows' ``column`` (``renews``, ``recognised_with``) may name by
    certificate number: every row of the file and the stored labels named."""
    named = {getattr(p, column) for p in plans if getattr(p, column)}
    found: dict[str, Holder] = {
        label.certificate_number.upper(): label
        for label in Label.objects.filter(certificate_number__in=named)
    }
    found.update({_number(p): p for p in plans if p.certificate_number})
    return found


def _owner(holder: Holder) -> tuple[str, Any]:
    if isinstance(holder, PlannedLabel):
        return holder.organisation_key
    return ("existing", holder.organisation_id)


def _unknown_number(plan: PlannedLabel, column: str) -> RowProblem:
    return RowProblem(
        plan.line,
        _(
            "%(number)s is no certificate number stored or in the file: write the number of "
            "the label this row's label is linked with, or leave the cell empty."
        )
        % {"number": getattr(plan, column)},
        plan.headers[column],
    )


def _explicit_previous(
    plan: PlannedLabel, by_number: dict[str, Holder], result: ImportResult
) -> Holder | None:
    """The label the row's ``renews`` names, if it may be renewed by it: a label of the same
    organisation, scheme and level ending before this one, not renewed yet."""
    previous = by_number.get(plan.renews)
    column = plan.headers["renews"]
    if previous is None:
        result.errors.append(_unknown_number(plan, "renews"))
        return None
    same = (
        isinstance(previous, PlannedLabel)
        and previous.organisation_key == plan.organisation_key
        and (previous.target.scheme_id, previous.target.level_id)
        == (plan.target.scheme_id, plan.target.level_id)
    ) or (
        isinstance(previous, Label)
        and isinstance(plan.organisation, Organisation)
        and (previous.organisation_id, previous.scheme_id, previous.level_id)
        == (plan.organisation.pk, plan.target.scheme_id, plan.target.level_id)
    )
    problem = ""
    if not same:
        problem = _("%(number)s is not a label of this organisation and level.")
    elif previous.valid_until >= plan.valid_until:
        problem = _("%(number)s does not end before this label: a renewal follows its label.")
    elif isinstance(previous, Label) and Label.objects.filter(previous=previous).exists():
        problem = _("%(number)s is renewed already.")
    if problem:
        result.errors.append(RowProblem(plan.line, problem % {"number": plan.renews}, column))
        return None
    return previous


def _overlap(one: Validity, other: Validity) -> bool:
    return one.valid_from <= other.valid_until and other.valid_from <= one.valid_until


__all__ = [
    "PlannedRecognition",
    "plan_chains",
    "plan_recognitions",
    "report_overlaps",
]
