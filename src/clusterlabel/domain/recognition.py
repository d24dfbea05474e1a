"""Recognitions that re-check: does an assessment under one scheme also earn the label another
scheme recognises (the BW state label's ECEI Gold)?

A level's ``recognitions`` name the further labels its award *may* yield. This module decides
whether it does: the values of the assessment are read as the recognised scheme's indicators
(through the recognition's ``indicators`` mapping), scored under the recognised scheme with
:func:`~clusterlabel.domain.scoring.score_assessment`, and judged by that scheme's own award
rules (:func:`~clusterlabel.domain.award.decide_level`) and its panel rule.

Guarantees:

* A recognised label is yielded iff the recognising level is awarded **and** the recognised
  level's every award rule holds on the mapped values (its ``min_score_percent`` of its own
  maximum, all its minimum criteria, completeness, eligibility under the recognised scheme)
  **and** the actual panel meets the recognised scheme's ``procedure.assessors`` and
  ``national_and_foreign`` rule.
* ``reasons`` lists every failed rule, in the codes of :mod:`~clusterlabel.domain.award` plus
  ``recognising_level_not_awarded``, ``panel_rule_not_met`` and
  ``recognised_scheme_not_loaded``; a decision is awarded iff it has no reasons.
* Monotone: a better value for one indicator never turns a yielded recognition into a refused
  one (scoring and every award rule are monotone).
* Pure: no I/O; the caller passes the recognised scheme's version, the eligibility checked
  against it and the panel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from clusterlabel.domain.award import LevelDecision, decide_level
from clusterlabel.domain.eligibility import EligibilityResult
from clusterlabel.domain.errors import Reason, SchemeMismatch
from clusterlabel.domain.schemes import ProcedureRules, Process, Recognition, Scheme
from clusterlabel.domain.scoring import AssessmentScore, IndicatorValue, score_assessment


class RecognitionReasonCode(StrEnum):
    """The codes a recognition adds to those of :class:`~clusterlabel.domain.award.ReasonCode`."""

    RECOGNISING_LEVEL_NOT_AWARDED = "recognising_level_not_awarded"
    PANEL_RULE_NOT_MET = "panel_rule_not_met"
    RECOGNISED_SCHEME_NOT_LOADED = "recognised_scheme_not_loaded"


@dataclass(frozen=True)
class Panel:
    """The assessors who actually scored: their countries (ISO 3166-1 alpha-2), and the country
    of the assessed organisation, which decides who counts as national."""

    home_country: str
    assessor_countries: tuple[str, ...]

    @property
    def national(self) -> int:
        home = self.home_country.upper()
        return sum(1 for country in self.assessor_countries if country.upper() == home)

    @property
    def foreign(self) -> int:
        return len(self.assessor_countries) - self.national


@dataclass(frozen=True)
class RecognitionDecision:
    """Whether a recognition yields its label; ``awarded`` iff ``reasons`` is empty.

    ``score`` is the assessment scored under the recognised scheme (``None`` when that scheme
    is not loaded); ``scheme_key`` is the version it was judged under.
    """

    recognition: Recognition
    scheme_key: str | None
    score: AssessmentScore | None
    reasons: tuple[Reason, ...]

    @property
    def awarded(self) -> bool:
        return not self.reasons

    @property
    def reason_codes(self) -> tuple[str, ...]:
        """The codes of ``reasons``, in order."""
        return tuple(reason.code for reason in self.reasons)


def mapped_values(
    recognition: Recognition, recognised: Scheme, values: Mapping[str, IndicatorValue]
) -> dict[str, IndicatorValue]:
    """``values`` (by the recognising scheme's indicator ids) as the recognised scheme's
    indicators: each of its indicators takes the value of the indicator mapped to it (a value
    that is not there is missing, ``None``)."""
    return {
        indicator.id: values.get(recognition.source_of(indicator.id))
        for indicator in recognised.indicators
    }


def panel_reasons(rules: ProcedureRules, panel: Panel) -> list[Reason]:
    """Why ``panel`` does not meet the recognised scheme's panel rule: fewer assessors than it
    needs, or (where it asks for one national and one foreign assessor) none of either."""
    have = len(panel.assessor_countries)
    national, foreign = panel.national, panel.foreign
    short = have < rules.assessors
    mix = rules.national_and_foreign and (national == 0 or foreign == 0)
    if not (short or mix):
        return []
    return [
        Reason(
            RecognitionReasonCode.PANEL_RULE_NOT_MET,
            {
                "need": rules.assessors,
                "have": have,
                "national_and_foreign": rules.national_and_foreign,
                "country": panel.home_country.upper(),
                "national": national,
                "foreign": foreign,
            },
        )
    ]


def _as_assessed(recognition: Recognition, reason: Reason) -> Reason:
    """A failed minimum criterion also names the indicator it was assessed as in the
    recognising scheme (``assessed_as``: Gold's MGT-07 is BW's PRO-01), which is the one the
    people of that procedure know."""
    if reason.code != "minimum_criterion_failed":
        return reason
    indicator = str(reason.params["indicator"])
    return Reason(reason.code, {**reason.params, "assessed_as": recognition.source_of(indicator)})


def recheck_recognition(
    recognition: Recognition,
    recognised: Scheme,
    *,
    values: Mapping[str, IndicatorValue],
    eligibility: EligibilityResult,
    process: Process,
    assessment_date: date,
    panel: Panel,
) -> RecognitionDecision:
    """Judge ``recognition`` by the rules of ``recognised`` (a version of the scheme it names).

    ``values`` are the assessment's values under the recognising scheme, ``eligibility`` is
    checked against ``recognised``. Raises :class:`SchemeMismatch` when ``recognised`` is not
    the scheme the recognition names, and ``InvalidIndicatorValues`` when a mapped value cannot
    be scored under it (the load check keeps mapped indicators of the same type and range).
    """
    if recognised.id != recognition.scheme:
        raise SchemeMismatch(
            f"the recognition names {recognition.scheme}, not {recognised.id} ({recognised.key})"
        )
    score = score_assessment(recognised, mapped_values(recognition, recognised, values))
    decision: LevelDecision = decide_level(
        recognised,
        recognition.level,
        score=score,
        eligibility=eligibility,
        process=process,
        assessment_date=assessment_date,
    )
    reasons = (
        *(_as_assessed(recognition, reason) for reason in decision.reasons),
        *panel_reasons(recognised.procedure, panel),
    )
    return RecognitionDecision(recognition, recognised.key, score, reasons)


def recheck_recognitions(
    scheme: Scheme,
    decision: LevelDecision,
    *,
    recognised: Mapping[str, Scheme],
    values: Mapping[str, IndicatorValue],
    eligibility: Mapping[str, EligibilityResult],
    process: Process,
    assessment_date: date,
    panel: Panel,
) -> tuple[RecognitionDecision, ...]:
    """:func:`recheck_recognition` for every recognition of the decided level of ``scheme``, in
    file order. ``recognised`` and ``eligibility`` are keyed by the recognised scheme's id; a
    scheme missing from ``recognised`` gives ``recognised_scheme_not_loaded``. When the level
    itself is not awarded, each is refused with ``recognising_level_not_awarded`` only."""
    decisions = []
    for recognition in scheme.level(decision.level_id).recognitions:
        target = recognised.get(recognition.scheme)
        if not decision.awarded:
            reason = Reason(RecognitionReasonCode.RECOGNISING_LEVEL_NOT_AWARDED, {})
            decisions.append(RecognitionDecision(recognition, None, None, (reason,)))
        elif target is None:
            reason = Reason(
                RecognitionReasonCode.RECOGNISED_SCHEME_NOT_LOADED, {"scheme": recognition.scheme}
            )
            decisions.append(RecognitionDecision(recognition, None, None, (reason,)))
        else:
            decisions.append(
                recheck_recognition(
                    recognition,
                    target,
                    values=values,
                    eligibility=eligibility[recognition.scheme],
                    process=process,
                    assessment_date=assessment_date,
                    panel=panel,
                )
            )
    return tuple(decisions)
