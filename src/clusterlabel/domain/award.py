"""Award decisions: does a scored assessment earn a level, and if not, why not?

Guarantees:

* A level is awarded iff every rule its ``award`` section sets holds; ``reasons`` lists **every**
  rule that failed (one ``minimum_criterion_failed`` per failed criterion), never only the first.
* Reasons are machine-readable (:class:`~clusterlabel.domain.errors.Reason`): a ``code`` and the
  facts as ``params``, for a translated message.
* Monotone: a better value for one indicator never turns an awarded level into a refused one.
* A score is only judged under the exact scheme version it was computed with.

Reason codes: ``not_eligible``, ``assessment_incomplete``, ``minimum_criterion_failed``,
``score_below_minimum``, ``no_previous_assessment``, ``previous_assessment_too_recent``,
``previous_assessment_too_old``, ``too_few_improved_categories``, ``too_few_improvement_areas``,
``improvement_area_not_reviewed``, ``improvement_area_not_validated``; when applying
(:func:`silver_application_reasons`): ``no_previous_benchmarking``,
``previous_benchmarking_too_recent``, ``previous_benchmarking_too_old``,
``improvement_areas_missing``, ``improvement_area_category_repeated``,
``improvement_area_category_unknown``.

ECEI Silver as ESCA runs it (the ``improvement`` rule):

* **The previous benchmarking.** A first Silver (the processes in ``window_processes``) needs a
  previous benchmarking 18 to 24 months back; without one, or outside the window, the
  application is refused (measured from the application day) and so is the award (measured from
  the assessment day). A renewal compares with the previous benchmarking without a window.
* **Improved categories.** A category counts as improved when its points rose since the previous
  benchmarking, **or when it was already at the category's maximum then and still is**
  (``maintained``): an organisation at the excellence value in an area cannot rise further, and
  a renewal of an organisation at the top in every category is not refused for lack of
  improvement. At least ``min_improved_categories`` categories must count.
* **Improvement areas.** The applicant names ``improvement_areas`` areas (one category each, no
  category twice); the on-site review validates each against the Gold criteria the scheme maps
  to its category (``gold_criteria_by_category``). Every area must be reviewed and validated.
* **Baseline minimum requirements**: ``all_minimum_criteria``, as for any level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from clusterlabel.domain.dates import add_months
from clusterlabel.domain.eligibility import EligibilityResult
from clusterlabel.domain.errors import Reason, SchemeMismatch
from clusterlabel.domain.schemes import Improvement, Process, Recognition, Scheme
from clusterlabel.domain.scoring import AssessmentScore, require_scored_under


class ReasonCode(StrEnum):
    """The codes of :class:`Reason` an award decision can give."""

    NOT_ELIGIBLE = "not_eligible"
    ASSESSMENT_INCOMPLETE = "assessment_incomplete"
    MINIMUM_CRITERION_FAILED = "minimum_criterion_failed"
    SCORE_BELOW_MINIMUM = "score_below_minimum"
    NO_PREVIOUS_ASSESSMENT = "no_previous_assessment"
    PREVIOUS_ASSESSMENT_TOO_RECENT = "previous_assessment_too_recent"
    PREVIOUS_ASSESSMENT_TOO_OLD = "previous_assessment_too_old"
    TOO_FEW_IMPROVED_CATEGORIES = "too_few_improved_categories"
    TOO_FEW_IMPROVEMENT_AREAS = "too_few_improvement_areas"
    IMPROVEMENT_AREA_NOT_REVIEWED = "improvement_area_not_reviewed"
    IMPROVEMENT_AREA_NOT_VALIDATED = "improvement_area_not_validated"
    # applying
    NO_PREVIOUS_BENCHMARKING = "no_previous_benchmarking"
    PREVIOUS_BENCHMARKING_TOO_RECENT = "previous_benchmarking_too_recent"
    PREVIOUS_BENCHMARKING_TOO_OLD = "previous_benchmarking_too_old"
    IMPROVEMENT_AREAS_MISSING = "improvement_areas_missing"
    IMPROVEMENT_AREA_CATEGORY_REPEATED = "improvement_area_category_repeated"
    IMPROVEMENT_AREA_CATEGORY_UNKNOWN = "improvement_area_category_unknown"


class Change(StrEnum):
    """How a category's points moved from one assessment to the next."""

    IMPROVED = "improved"
    MAINTAINED = "maintained"  # at the category's maximum before and now
    UNCHANGED = "unchanged"
    DECLINED = "declined"


@dataclass(frozen=True)
class PreviousAssessment:
    """The assessment an improvement rule compares with (for Silver: the earlier benchmarking).

    Its score may come from another scheme (a Bronze benchmarking before a Silver assessment);
    categories are matched by id.
    """

    score: AssessmentScore
    assessment_date: date


#: The changes that count as improvement for Silver's rule.
COUNTS_AS_IMPROVED = frozenset({Change.IMPROVED, Change.MAINTAINED})


@dataclass(frozen=True)
class AreaReview:
    """One improvement area the applicant named, as the on-site review left it.

    ``validated`` is None until the assessors have reviewed the area, then whether they
    validated it against the Gold criteria of its category.
    """

    category_id: str
    validated: bool | None = None


@dataclass(frozen=True)
class LevelDecision:
    """Whether a level is awarded; ``awarded`` iff ``reasons`` is empty."""

    level_id: str
    awarded: bool
    reasons: tuple[Reason, ...]

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The codes of ``reasons``, in order."""
        return tuple(reason.code for reason in self.reasons)


def compare_categories(previous: AssessmentScore, current: AssessmentScore) -> dict[str, Change]:
    """Per category (matched by id), whether ``current`` has more, equal or fewer points.

    Equal points at the category's maximum in both scores are ``MAINTAINED`` (the excellence
    value cannot be exceeded), other equal points ``UNCHANGED``. Only categories present in
    both scores are compared; order follows ``current``.
    """
    changes: dict[str, Change] = {}
    for category_id, now in current.categories.items():
        before = previous.categories.get(category_id)
        if before is None:
            continue
        if now.points > before.points:
            changes[category_id] = Change.IMPROVED
        elif now.points < before.points:
            changes[category_id] = Change.DECLINED
        elif (
            before.max_points > 0
            and before.points >= before.max_points
            and (now.points >= now.max_points)
        ):
            changes[category_id] = Change.MAINTAINED
        else:
            changes[category_id] = Change.UNCHANGED
    return changes


def improvement_window(rule: Improvement, previous_date: date) -> tuple[date | None, date | None]:
    """The earliest and latest day a Silver inside the months window may be measured on, for a
    previous benchmarking of ``previous_date`` (None where the rule sets no bound)."""
    earliest = (
        add_months(previous_date, rule.min_months_since_previous)
        if rule.min_months_since_previous is not None
        else None
    )
    latest = (
        add_months(previous_date, rule.max_months_since_previous)
        if rule.max_months_since_previous is not None
        else None
    )
    return earliest, latest


def silver_application_reasons(
    scheme: Scheme,
    level_id: str,
    *,
    process: Process,
    application_date: date,
    previous_date: date | None,
    area_categories: Sequence[str],
) -> tuple[Reason, ...]:
    """Why an application for ``level_id`` cannot be submitted (empty: it can).

    Only a level with an improvement rule has conditions here: the previous benchmarking (the
    latest before the application, found by the caller) must exist and, for the processes the
    rule's window binds, lie ``min``-``max`` months before ``application_date``; the applicant
    names exactly ``improvement_areas`` areas, each a different category of the scheme.
    """
    rule = scheme.level(level_id).award.improvement
    if rule is None:
        return ()
    reasons: list[Reason] = []
    if previous_date is None:
        reasons.append(Reason(ReasonCode.NO_PREVIOUS_BENCHMARKING, {}))
    elif previous_date > application_date:
        raise ValueError(
            f"the previous benchmarking ({previous_date}) is after the application "
            f"({application_date})"
        )
    elif process in rule.window_processes:
        earliest, latest = improvement_window(rule, previous_date)
        if earliest is not None and application_date < earliest:
            reasons.append(
                Reason(
                    ReasonCode.PREVIOUS_BENCHMARKING_TOO_RECENT,
                    {
                        "previous_date": previous_date,
                        "min_months": rule.min_months_since_previous,
                        "earliest": earliest,
                    },
                )
            )
        if latest is not None and application_date > latest:
            reasons.append(
                Reason(
                    ReasonCode.PREVIOUS_BENCHMARKING_TOO_OLD,
                    {
                        "previous_date": previous_date,
                        "max_months": rule.max_months_since_previous,
                        "latest": latest,
                    },
                )
            )
    if rule.improvement_areas is not None:
        named = [c for c in area_categories if c]
        if len(named) < rule.improvement_areas:
            reasons.append(
                Reason(
                    ReasonCode.IMPROVEMENT_AREAS_MISSING,
                    {"named": len(named), "required": rule.improvement_areas},
                )
            )
        known = {category.id for category in scheme.categories}
        seen: set[str] = set()
        for category_id in named:
            if category_id not in known:
                reasons.append(
                    Reason(
                        ReasonCode.IMPROVEMENT_AREA_CATEGORY_UNKNOWN,
                        {
                            "category": category_id,
                            "category_name": _category_name(scheme, category_id),
                        },
                    )
                )
            elif category_id in seen:
                reasons.append(
                    Reason(
                        ReasonCode.IMPROVEMENT_AREA_CATEGORY_REPEATED,
                        {
                            "category": category_id,
                            "category_name": _category_name(scheme, category_id),
                        },
                    )
                )
            seen.add(category_id)
    return tuple(reasons)


def _category_name(scheme: Scheme, category_id: str) -> dict[str, str]:
    """A category's name in both languages, for the reason's message (an unknown id as is)."""
    known = {category.id: category for category in scheme.categories}
    if category_id not in known:
        return {"de": category_id, "en": category_id}
    name = known[category_id].name
    return {"de": name.de, "en": name.en}


def _area_reasons(scheme: Scheme, rule: Improvement, areas: Sequence[AreaReview]) -> list[Reason]:
    if rule.improvement_areas is None:
        return []
    reasons: list[Reason] = []
    distinct = list({area.category_id: area for area in areas}.values())
    if len(distinct) < rule.improvement_areas:
        reasons.append(
            Reason(
                ReasonCode.TOO_FEW_IMPROVEMENT_AREAS,
                {"named": len(distinct), "required": rule.improvement_areas},
            )
        )
    for area in distinct:
        if area.validated is None:
            reasons.append(
                Reason(
                    ReasonCode.IMPROVEMENT_AREA_NOT_REVIEWED,
                    {
                        "category": area.category_id,
                        "category_name": _category_name(scheme, area.category_id),
                    },
                )
            )
        elif not area.validated:
            reasons.append(
                Reason(
                    ReasonCode.IMPROVEMENT_AREA_NOT_VALIDATED,
                    {
                        "category": area.category_id,
                        "category_name": _category_name(scheme, area.category_id),
                        "gold_criteria": rule.gold_criteria(area.category_id),
                    },
                )
            )
    return reasons


def _improvement_reasons(
    rule: Improvement,
    *,
    score: AssessmentScore,
    process: Process,
    assessment_date: date,
    previous: PreviousAssessment | None,
) -> list[Reason]:
    if previous is None:
        return [Reason(ReasonCode.NO_PREVIOUS_ASSESSMENT, {})]
    if previous.assessment_date > assessment_date:
        raise ValueError(
            f"the previous assessment ({previous.assessment_date}) is after this one "
            f"({assessment_date})"
        )
    reasons: list[Reason] = []
    if process in rule.window_processes:
        earliest, latest = improvement_window(rule, previous.assessment_date)
        if earliest is not None and assessment_date < earliest:
            reasons.append(
                Reason(
                    ReasonCode.PREVIOUS_ASSESSMENT_TOO_RECENT,
                    {
                        "previous_assessment_date": previous.assessment_date,
                        "min_months": rule.min_months_since_previous,
                        "earliest": earliest,
                    },
                )
            )
        if latest is not None and assessment_date > latest:
            reasons.append(
                Reason(
                    ReasonCode.PREVIOUS_ASSESSMENT_TOO_OLD,
                    {
                        "previous_assessment_date": previous.assessment_date,
                        "max_months": rule.max_months_since_previous,
                        "latest": latest,
                    },
                )
            )
    changes = compare_categories(previous.score, score)
    improved = tuple(c for c, change in changes.items() if change in COUNTS_AS_IMPROVED)
    if len(improved) < rule.min_improved_categories:
        reasons.append(
            Reason(
                ReasonCode.TOO_FEW_IMPROVED_CATEGORIES,
                {
                    "improved": len(improved),
                    "required": rule.min_improved_categories,
                    "improved_categories": improved,
                },
            )
        )
    return reasons


def decide_level(
    scheme: Scheme,
    level_id: str,
    *,
    score: AssessmentScore,
    eligibility: EligibilityResult,
    process: Process,
    assessment_date: date,
    previous: PreviousAssessment | None = None,
    areas: Sequence[AreaReview] = (),
) -> LevelDecision:
    """Decide one level of ``scheme`` for a scored assessment.

    ``score`` must be computed under ``scheme`` (else :class:`SchemeMismatch`), ``eligibility``
    checked against it. ``previous`` is only read by an improvement rule; its months window
    applies only to the processes the rule names (``window_processes``). ``areas`` are the
    improvement areas the applicant named, as the on-site review left them (read only when the
    rule asks for improvement areas).
    """
    level = scheme.level(level_id)
    require_scored_under(scheme, score)
    if eligibility.scheme_key is not None and eligibility.scheme_key != scheme.key:
        raise SchemeMismatch(
            f"eligibility was checked for {eligibility.scheme_key}, not for {scheme.key}"
        )
    rules = level.award
    reasons: list[Reason] = []
    if rules.requires_eligibility and not eligibility.eligible:
        reasons.append(
            Reason(
                ReasonCode.NOT_ELIGIBLE,
                {"failures": tuple(failure.code for failure in eligibility.failures)},
            )
        )
    if rules.requires_complete_assessment and score.missing:
        reasons.append(Reason(ReasonCode.ASSESSMENT_INCOMPLETE, {"missing": score.missing}))
    if rules.all_minimum_criteria:
        for indicator_id in score.failed_minimum_criteria:
            indicator_score = score.indicators[indicator_id]
            reasons.append(
                Reason(
                    ReasonCode.MINIMUM_CRITERION_FAILED,
                    {
                        "indicator": indicator_id,
                        "value": indicator_score.value,
                        "threshold": scheme.indicator(indicator_id).threshold,
                        "missing": indicator_score.missing,
                    },
                )
            )
    if rules.min_score_percent is not None and not score.reaches_percent(rules.min_score_percent):
        reasons.append(
            Reason(
                ReasonCode.SCORE_BELOW_MINIMUM,
                {
                    "percent": score.percent,
                    "required": rules.min_score_percent,
                    "points": score.points,
                    "max_points": score.max_points,
                },
            )
        )
    if rules.improvement is not None:
        reasons.extend(
            _improvement_reasons(
                rules.improvement,
                score=score,
                process=process,
                assessment_date=assessment_date,
                previous=previous,
            )
        )
        reasons.extend(_area_reasons(scheme, rules.improvement, areas))
    return LevelDecision(level.id, awarded=not reasons, reasons=tuple(reasons))


def decide_all(
    scheme: Scheme,
    *,
    score: AssessmentScore,
    eligibility: EligibilityResult,
    process: Process,
    assessment_date: date,
    previous: PreviousAssessment | None = None,
    areas: Sequence[AreaReview] = (),
) -> list[LevelDecision]:
    """:func:`decide_level` for every level, lowest rank first."""
    return [
        decide_level(
            scheme,
            level.id,
            score=score,
            eligibility=eligibility,
            process=process,
            assessment_date=assessment_date,
            previous=previous,
            areas=areas,
        )
        for level in scheme.levels_by_rank
    ]


def best_level(scheme: Scheme, decisions: Sequence[LevelDecision]) -> LevelDecision | None:
    """The awarded decision with the highest rank, or None when nothing was awarded."""
    awarded = [d for d in decisions if d.awarded]
    return max(awarded, key=lambda d: scheme.level(d.level_id).rank, default=None)


def recognised_labels(scheme: Scheme, decision: LevelDecision) -> tuple[Recognition, ...]:
    """The further labels an awarded level yields (BW's label yields ECEI Gold); else none."""
    if not decision.awarded:
        return ()
    return scheme.level(decision.level_id).recognitions
