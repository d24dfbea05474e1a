"""Guards: the conditions a transition needs, each a pure function of the facts.

A guard returns ``None`` when its condition holds, or a :class:`Blocked` with a stable,
machine-readable ``code`` and the ``params`` of the translated message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import TypeAlias

from clusterlabel.domain.procedure.board import board_recommendation
from clusterlabel.domain.procedure.deadlines import self_assessment_due_date
from clusterlabel.domain.procedure.facts import ProcedureFacts


@dataclass(frozen=True)
class Blocked:
    """A machine-readable reason why an action is not possible; the UI translates ``code``.

    ``params`` holds plain values (int, str, date, tuple of str) for the message placeholders;
    it is read-only, and a ``Blocked`` is hashable (params do not take part in the hash).
    """

    code: str
    params: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


Guard: TypeAlias = Callable[[ProcedureFacts], Blocked | None]


def organisation_confirmed(facts: ProcedureFacts) -> Blocked | None:
    """The secretariat has confirmed the organisation's registration (a self-registered
    organisation may prepare and submit its application before, but it is not accepted)."""
    if not facts.organisation_confirmed:
        return Blocked("organisation_not_confirmed", {})
    return None


def organisation_eligible(facts: ProcedureFacts) -> Blocked | None:
    """The organisation meets every eligibility criterion of the scheme."""
    if facts.eligibility_failures:
        return Blocked("not_eligible", {"criteria": tuple(facts.eligibility_failures)})
    return None


def self_assessment_complete(facts: ProcedureFacts) -> Blocked | None:
    """Every indicator of the self-assessment is answered."""
    if not facts.self_assessment_complete:
        return Blocked("self_assessment_incomplete", {"missing": facts.self_assessment_missing})
    return None


def self_assessment_evidenced(facts: ProcedureFacts) -> Blocked | None:
    """Every indicator whose evidence the scheme requires has at least one uploaded file."""
    if facts.self_assessment_evidence_missing:
        return Blocked(
            "self_assessment_evidence_missing",
            {"indicators": facts.self_assessment_evidence_missing},
        )
    return None


def assessor_count_matches(facts: ProcedureFacts) -> Blocked | None:
    """Exactly as many assessors as the scheme says score."""
    need, have = facts.rules.assessors, len(facts.assessors)
    if have < need:
        return Blocked("too_few_assessors", {"need": need, "have": have})
    if have > need:
        return Blocked("too_many_assessors", {"need": need, "have": have})
    return None


def national_and_foreign_assessors(facts: ProcedureFacts) -> Blocked | None:
    """Where the scheme asks for it: at least one assessor from the assessed organisation's
    country and at least one from another country."""
    if not facts.rules.national_and_foreign:
        return None
    country = facts.home_country.upper()
    national = sum(1 for a in facts.assessors if a.nationality.upper() == country)
    foreign = len(facts.assessors) - national
    if national == 0 or foreign == 0:
        return Blocked(
            "national_and_foreign_assessors_required",
            {"country": country, "national": national, "foreign": foreign},
        )
    return None


def _excluded_names(facts: ProcedureFacts, codes: frozenset[str]) -> tuple[str, ...]:
    return tuple(a.name for a in facts.assessors if codes.intersection(a.exclusions))


# The codes of ``clusterlabel.domain.panel_suggestion.ExclusionCode`` (spelled out: this package
# imports only itself; tests/domain/test_panel_suggestion.py checks that they agree).
QUALIFICATION_EXCLUSIONS = frozenset(
    {
        "qualification_missing",
        "qualification_unconfirmed",
        "qualification_not_yet_valid",
        "qualification_expired",
    }
)
CONFLICT_EXCLUSION = "conflict_declared"
COUNTRY_EXCLUSION = "country_not_covered"


def assessors_qualified(facts: ProcedureFacts) -> Blocked | None:
    """Every assessor holds a qualification for the scheme and level, confirmed by the scheme's
    secretariat and valid on the assessment date."""
    names = _excluded_names(facts, QUALIFICATION_EXCLUSIONS)
    if names:
        return Blocked("assessors_not_qualified", {"names": names})
    return None


def assessors_free_of_declared_conflicts(facts: ProcedureFacts) -> Blocked | None:
    """No assessor declared a conflict of interest with the organisation on their profile."""
    names = _excluded_names(facts, frozenset({CONFLICT_EXCLUSION}))
    if names:
        return Blocked("assessors_conflict_declared_on_profile", {"names": names})
    return None


def assessors_cover_country(facts: ProcedureFacts) -> Blocked | None:
    """Every assessor may assess in the organisation's country (their profile's countries)."""
    names = _excluded_names(facts, frozenset({COUNTRY_EXCLUSION}))
    if names:
        return Blocked(
            "assessors_country_not_covered",
            {"names": names, "country": facts.home_country.upper()},
        )
    return None


def conflicts_of_interest_declared(facts: ProcedureFacts) -> Blocked | None:
    """Every assessor has declared that there is no conflict of interest."""
    count = sum(1 for a in facts.assessors if not a.conflict_declared_none)
    if count:
        return Blocked("conflict_of_interest_not_declared", {"count": count})
    return None


def assessment_leaves_preparation_time(facts: ProcedureFacts) -> Blocked | None:
    """The assessment is scheduled at least ``self_assessment_due_days_before_assessment`` days
    from today, so the assessors get the scheme's preparation time with the self-assessment."""
    if facts.assessment_date is None:
        return Blocked("assessment_not_scheduled", {})
    days = facts.rules.self_assessment_due_days_before_assessment
    if self_assessment_due_date(facts.assessment_date, facts.rules) < facts.today:
        return Blocked(
            "assessment_too_soon",
            {
                "assessment_date": facts.assessment_date,
                "earliest": facts.today + timedelta(days=days),
                "days": days,
            },
        )
    return None


def assessment_date_reached(facts: ProcedureFacts) -> Blocked | None:
    """Scoring starts on the assessment date or later."""
    if facts.assessment_date is None:
        return Blocked("assessment_not_scheduled", {})
    if facts.today < facts.assessment_date:
        return Blocked("assessment_date_not_reached", {"assessment_date": facts.assessment_date})
    return None


def scores_complete(facts: ProcedureFacts) -> Blocked | None:
    """Every indicator is scored."""
    if not facts.scores_complete:
        return Blocked("scores_incomplete", {"missing": facts.scores_missing})
    return None


def assessor_scores_agree(facts: ProcedureFacts) -> Blocked | None:
    """No indicator where the assessors' scores still differ."""
    if facts.scores_disagreement_count > 0:
        return Blocked("assessor_scores_disagree", {"count": facts.scores_disagreement_count})
    return None


def report_agreed_by_all_assessors(facts: ProcedureFacts) -> Blocked | None:
    """Every assessor of the panel has agreed to the report."""
    count = sum(1 for a in facts.assessors if not a.report_agreed)
    if count:
        return Blocked("report_not_agreed", {"count": count})
    return None


def board_quorum_reached(facts: ProcedureFacts) -> Blocked | None:
    """At least ``board_quorum`` board members have voted."""
    if len(facts.board_votes) < facts.rules.board_quorum:
        return Blocked(
            "board_quorum_not_reached",
            {"need": facts.rules.board_quorum, "have": len(facts.board_votes)},
        )
    return None


def board_member_declared_no_conflict(facts: ProcedureFacts) -> Blocked | None:
    """The voting member has declared that they have no conflict of interest in this round
    (a member who declared a conflict, or none yet, does not vote)."""
    if not facts.actor_declared_no_board_conflict:
        return Blocked("board_conflict_not_declared_none", {})
    return None


def no_votes_have_reasons(facts: ProcedureFacts) -> Blocked | None:
    """Every *no* vote states its reason (a recommendation against must be justified)."""
    count = sum(1 for v in facts.board_votes if not v.yes and not v.has_reason)
    if count:
        return Blocked("votes_without_reason", {"count": count})
    return None


def award_rules_met(facts: ProcedureFacts) -> Blocked | None:
    """The scheme's award rules, applied to the scores, give a level; the authority cannot
    override the scheme."""
    if not facts.computed_award_possible:
        return Blocked("award_rules_not_met", {})
    return None


def board_recommends_award(facts: ProcedureFacts) -> Blocked | None:
    """Where the scheme has an advisory board, it recommended the award."""
    if not facts.rules.advisory_board:
        return None
    recommendation = board_recommendation(facts.board_votes, facts.rules)
    if not recommendation.quorum_reached:
        return board_quorum_reached(facts)
    if not recommendation.recommended:
        return Blocked(
            "board_recommended_against", {"yes": recommendation.yes, "no": recommendation.no}
        )
    return None
