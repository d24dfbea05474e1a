"""Confirming many of the co-assessor's scores at once.

A shared panel confirms every score before the report can be submitted. Where the co-assessor's
score is exactly what the organisation claimed in its self-assessment, there is nothing to
weigh: the second assessor confirms all of those with one click instead of one page load per
indicator. Each confirmation is what ``score_confirm`` writes, audited on its own, and holds only
for the revision the page showed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction

from clusterlabel.access.policy import Activity
from clusterlabel.accounts.models import User
from clusterlabel.procedures.models import IndicatorScore, Procedure, ScoreConfirmation
from clusterlabel.procedures.services.panel import record_confirmation
from clusterlabel.procedures.services.transition import _locked, _require


def score_matches_self_assessment(score: IndicatorScore, answer_value: object) -> bool:
    """The panel's score is the organisation's own answer, value for value (both stored as the
    same JSON, ``procedures.values.to_json``)."""
    return score.value is not None and score.value == answer_value


def matching_scores_to_confirm(procedure: Procedure, *, actor: User) -> dict[str, int]:
    """The scores ``actor`` may confirm in one go, by indicator, with the revision shown: saved
    by another assessor of the panel, not yet confirmed by ``actor`` at that revision, and equal
    to the organisation's self-assessment. Reads what ``procedure_get`` prefetched."""
    if not any(a.assessor_id == actor.pk for a in procedure.assignments.all()):
        return {}
    answers = {a.indicator_id: a.value for a in procedure.answers.all()}
    matching = {}
    for score in procedure.scores.all():
        if score.updated_by_id == actor.pk or score.indicator_id not in answers:
            continue
        confirmed = any(
            c.assessor_id == actor.pk and c.revision == score.revision
            for c in score.confirmations.all()
        )
        if not confirmed and score_matches_self_assessment(score, answers[score.indicator_id]):
            matching[score.indicator_id] = score.revision
    return dict(sorted(matching.items()))


@dataclass(frozen=True)
class MatchingConfirmed:
    """What ``scores_confirm_matching`` did: the indicators confirmed, and those left alone
    because the score changed since the page was loaded or no longer matches."""

    confirmed: list[str]
    changed: list[str]


def scores_confirm_matching(
    *, procedure: Procedure, actor: User, revisions: Mapping[str, int]
) -> MatchingConfirmed:
    """Confirm, for ``actor``, each score of ``revisions`` (indicator -> the revision the page
    showed) that still stands at that revision, was saved by another assessor and equals the
    organisation's self-assessment.

    Guarantees: only an assessor of the panel while the assessment is in progress (the policy's
    ``confirm_score``); one transaction with the procedure and the scores locked; a score saved
    since the page was loaded is not confirmed (listed in ``changed``), nor one that differs
    from the self-assessment or that ``actor`` saved; one ``score.confirm`` audit event per
    confirmation, as ``score_confirm`` writes it.
    """
    confirmed: list[str] = []
    changed: list[str] = []
    with transaction.atomic():
        locked = _locked(procedure)
        _require(actor, Activity.CONFIRM_SCORE, locked, "assessment_not_in_progress")
        answers = dict(locked.answers.values_list("indicator_id", "value"))
        scores = {
            s.indicator_id: s
            for s in IndicatorScore.objects.select_for_update().filter(
                procedure=locked, indicator_id__in=sorted(revisions)
            )
        }
        already = set(
            ScoreConfirmation.objects.filter(score__in=scores.values(), assessor=actor).values_list(
                "score_id", "revision"
            )
        )
        for indicator_id, revision in sorted(revisions.items()):
            score = scores.get(indicator_id)
            if score is None or score.revision != revision:
                changed.append(indicator_id)
                continue
            if (score.pk, score.revision) in already:
                continue  # confirmed meanwhile (in another tab): nothing to do
            if score.updated_by_id == actor.pk or not score_matches_self_assessment(
                score, answers.get(indicator_id)
            ):
                changed.append(indicator_id)
                continue
            record_confirmation(score=score, actor=actor, procedure=locked)
            confirmed.append(indicator_id)
    return MatchingConfirmed(confirmed=confirmed, changed=changed)
