"""The computed result of a procedure: scores, eligibility and the decision per level.

Everything is computed by the domain core from the stored values and the procedure's own
scheme version, so it can be recomputed at any time and gives the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from clusterlabel.audit.canonical import json_safe
from clusterlabel.domain.award import (
    AreaReview,
    LevelDecision,
    PreviousAssessment,
    decide_level,
)
from clusterlabel.domain.eligibility import EligibilityResult, check_eligibility
from clusterlabel.domain.recognition import Panel, RecognitionDecision, recheck_recognitions
from clusterlabel.domain.schemes import Recognition, Scheme, process_of
from clusterlabel.domain.scoring import AssessmentScore, IndicatorValue, score_assessment
from clusterlabel.procedures.benchmarkings import previous_benchmarking_of
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.values import from_json
from clusterlabel.schemes.selectors import scheme_versions_current


def answer_values(procedure: Procedure) -> dict[str, IndicatorValue]:
    """The self-assessment's values by indicator id (only indicators of the scheme)."""
    scheme = procedure.scheme
    ids = {indicator.id for indicator in scheme.indicators}
    return {
        answer.indicator_id: from_json(scheme.indicator(answer.indicator_id), answer.value)
        for answer in procedure.answers.all()
        if answer.indicator_id in ids
    }


def score_values(procedure: Procedure) -> dict[str, IndicatorValue]:
    """The panel's scores by indicator id."""
    scheme = procedure.scheme
    ids = {indicator.id for indicator in scheme.indicators}
    return {
        score.indicator_id: from_json(scheme.indicator(score.indicator_id), score.value)
        for score in procedure.scores.all()
        if score.indicator_id in ids
    }


@dataclass(frozen=True)
class ProcedureResult:
    scheme: Scheme
    score: AssessmentScore
    eligibility: EligibilityResult
    decision: LevelDecision
    recognition_checks: tuple[RecognitionDecision, ...] = ()

    @property
    def recognitions(self) -> tuple[Recognition, ...]:
        """The further labels the award yields: those whose re-check passed."""
        return tuple(check.recognition for check in self.recognition_checks if check.awarded)

    @property
    def recognitions_refused(self) -> tuple[RecognitionDecision, ...]:
        """The further labels the level names that this assessment does not earn, with why
        (shown while the level itself is awarded; a refused level yields nothing anyway)."""
        if not self.decision.awarded:
            return ()
        return tuple(check for check in self.recognition_checks if not check.awarded)

    def as_json(self) -> dict[str, Any]:
        """The result as stored with the decision (and shown in the audit trail)."""
        return json_safe(
            {
                "scheme": self.scheme.id,
                "scheme_version": self.scheme.version,
                "scheme_hash": self.scheme.content_hash,
                "points": self.score.points,
                "max_points": self.score.max_points,
                "percent": self.score.percent,
                "categories": {
                    category_id: {
                        "points": category.points,
                        "max_points": category.max_points,
                        "percent": category.percent,
                    }
                    for category_id, category in self.score.categories.items()
                },
                "level": self.decision.level_id,
                "awarded": self.decision.awarded,
                "reasons": [
                    {"code": reason.code, "params": dict(reason.params)}
                    for reason in self.decision.reasons
                ],
                "recognitions": [
                    {"scheme": r.scheme, "scheme_family": r.scheme_family, "level": r.level}
                    for r in self.recognitions
                ],
                "recognitions_refused": [
                    {
                        "scheme": check.recognition.scheme,
                        "scheme_family": check.recognition.scheme_family,
                        "level": check.recognition.level,
                        "scheme_version": check.scheme_key,
                        "points": check.score.points if check.score else None,
                        "max_points": check.score.max_points if check.score else None,
                        "reasons": [
                            {"code": reason.code, "params": dict(reason.params)}
                            for reason in check.reasons
                        ],
                    }
                    for check in self.recognitions_refused
                ],
            }
        )


def previous_assessment(procedure: Procedure) -> PreviousAssessment | None:
    """What an improvement rule compares with: for a level with one (ECEI Silver) the previous
    benchmarking found automatically (``benchmarkings``: a scored procedure or an imported
    record, the latest on or before the application day); otherwise the previous procedure
    the application named."""
    if procedure.level.award.improvement is not None:
        found = previous_benchmarking_of(procedure)
        if found is None:
            return None
        return PreviousAssessment(score=found.score, assessment_date=found.assessed_on)
    previous = procedure.previous_procedure
    if previous is None or previous.assessment_date is None:
        return None
    return PreviousAssessment(
        score=score_assessment(previous.scheme, score_values(previous)),
        assessment_date=previous.assessment_date,
    )


def panel_of(procedure: Procedure) -> Panel:
    """The assessors on the procedure's panel, by country, against the organisation's."""
    return Panel(
        home_country=procedure.organisation.country,
        assessor_countries=tuple(a.assessor.country or "" for a in procedure.assignments.all()),
    )


def area_reviews(procedure: Procedure) -> tuple[AreaReview, ...]:
    """The improvement areas the application named, as the on-site review left them (none
    looked up for a level without improvement areas)."""
    rule = procedure.level.award.improvement
    if rule is None or rule.improvement_areas is None:
        return ()
    return tuple(
        AreaReview(area.category_id, validated=area.validated)
        for area in procedure.improvement_areas.all()
    )


def compute_result(procedure: Procedure, *, on: date | None = None) -> ProcedureResult:
    """Score the panel's values and decide the level applied for; an awarded level's
    recognitions are re-checked under the current version of each recognised scheme
    (:mod:`clusterlabel.domain.recognition`), the version the recognised label is issued
    under."""
    scheme = procedure.scheme
    values = score_values(procedure)
    score = score_assessment(scheme, values)
    eligibility = check_eligibility(scheme, procedure.organisation.profile())
    decision = decide_level(
        scheme,
        procedure.level_id,
        score=score,
        eligibility=eligibility,
        process=process_of(procedure.process),
        assessment_date=procedure.assessment_date or on or timezone.localdate(),
        previous=previous_assessment(procedure),
        areas=area_reviews(procedure),
    )
    recognitions = scheme.level(decision.level_id).recognitions
    checks: tuple[RecognitionDecision, ...] = ()
    if decision.awarded and recognitions:
        recognised = {
            version.scheme_id: version.scheme
            for version in scheme_versions_current().filter(
                scheme_id__in=[r.scheme for r in recognitions]
            )
        }
        profile = procedure.organisation.profile()
        checks = recheck_recognitions(
            scheme,
            decision,
            recognised=recognised,
            values=values,
            eligibility={
                key: check_eligibility(target, profile) for key, target in recognised.items()
            },
            process=process_of(procedure.process),
            assessment_date=procedure.assessment_date or on or timezone.localdate(),
            panel=panel_of(procedure),
        )
    return ProcedureResult(
        scheme=scheme,
        score=score,
        eligibility=eligibility,
        decision=decision,
        recognition_checks=checks,
    )
