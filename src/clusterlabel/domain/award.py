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
``previous_assessment_too_old``, ``too_few_improved_categories``.
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


class Change(StrEnum):
    """How a category's points moved from one assessment to the next."""

    IMPROVED = "improved"
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

    Only categories present in both scores are compared; order follows ``current``.
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
        else:
            changes[category_id] = Change.UNCHANGED
    return changes


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
        if rule.min_months_since_previous is not None:
            earliest = add_months(previous.assessment_date, rule.min_months_since_previous)
            if assessment_date < earliest:
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
        if rule.max_months_since_previous is not None:
            latest = add_months(previous.assessment_date, rule.max_months_since_previous)
            if assessment_date > latest:
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
    improved = tuple(c for c, change in changes.items() if change is Change.IMPROVED)
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
) -> LevelDecision:
    """Decide one level of ``scheme`` for a scored assessment.

    ``score`` must be computed under ``scheme`` (else :class:`SchemeMismatch`), ``eligibility``
    checked against it. ``previous`` is only read by an improvement rule; its months window
    applies only to the processes the rule names (``window_processes``).
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
    return LevelDecision(level.id, awarded=not reasons, reasons=tuple(reasons))


def decide_all(
    scheme: Scheme,
    *,
    score: AssessmentScore,
    eligibility: EligibilityResult,
    process: Process,
    assessment_date: date,
    previous: PreviousAssessment | None = None,
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
