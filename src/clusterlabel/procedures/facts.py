"""The snapshot of a procedure that the domain's transition table decides on."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.utils import timezone

from clusterlabel.access.policy import board_declaration, procedure_roles
from clusterlabel.accounts.models import User
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.panel_pool import panel_exclusion_codes
from clusterlabel.procedures.results import ProcedureResult, compute_result


def procedure_rules(procedure: Procedure) -> flow.ProcedureRules:
    return flow.ProcedureRules.from_scheme(procedure.scheme.procedure)


def disagreements(procedure: Procedure) -> int:
    """Scores that not every assessor of the panel has confirmed at their current revision."""
    assessor_ids = {a.assessor_id for a in procedure.assignments.all()}
    if len(assessor_ids) < 2:
        return 0
    count = 0
    for score in procedure.scores.all():
        confirmed = {
            c.assessor_id for c in score.confirmations.all() if c.revision == score.revision
        }
        if not assessor_ids <= confirmed:
            count += 1
    return count


def scores_missing(procedure: Procedure) -> int:
    """Indicators without a score, or without the evidence seen where the scheme requires it."""
    scheme = procedure.scheme
    scored = {score.indicator_id: score for score in procedure.scores.all()}
    missing = 0
    for indicator in scheme.indicators:
        score = scored.get(indicator.id)
        unscored = score is None or score.value is None
        undocumented = (
            score is not None
            and not unscored
            and indicator.evidence_required
            and not score.evidence_seen.strip()
        )
        if unscored or undocumented:
            missing += 1
    return missing


def self_assessment_evidence_missing(procedure: Procedure) -> tuple[str, ...]:
    """The indicators whose evidence the scheme requires and that have no uploaded file (from
    the prefetched evidence when there is one)."""
    evidenced = {item.indicator_id for item in procedure.evidence.all()}
    return flow.evidence_missing(procedure.scheme.indicators, evidenced)


def self_assessment_missing(procedure: Procedure) -> int:
    answered = {a.indicator_id for a in procedure.answers.all() if a.value is not None}
    return sum(1 for indicator in procedure.scheme.indicators if indicator.id not in answered)


def procedure_facts(
    procedure: Procedure,
    *,
    actor: User,
    today: date | None = None,
    computed: ProcedureResult | None = None,
    exclusions: Mapping[int, tuple[str, ...]] | None = None,
) -> flow.ProcedureFacts:
    """Everything the transition table looks at, for ``actor`` acting in the roles their
    grants give them for this procedure (``clusterlabel.access.policy.procedure_roles``).

    ``computed`` is the procedure's computed result when the caller has it already (the
    procedure page shows it too); it is computed here otherwise, once. ``exclusions`` are the
    panel's assessors who may not assess it, as codes by user id, when the caller read them for
    a whole list (``panel_pool.panel_exclusion_codes_many``); read here otherwise.
    """
    today = today or timezone.localdate()
    rules = procedure_rules(procedure)
    assignments = list(procedure.assignments.all())
    current_votes = [v for v in procedure.board_votes.all() if v.round == procedure.board_round]
    in_assessment = procedure.state in {
        flow.State.ASSESSMENT_IN_PROGRESS,
        flow.State.REPORT_SUBMITTED,
        flow.State.BOARD_REVIEW,
        flow.State.AWAITING_DECISION,
    }
    excluded = (
        exclusions if exclusions is not None else panel_exclusion_codes(procedure, today=today)
    )
    roles = procedure_roles(actor, procedure)
    computed = computed or compute_result(procedure, on=today)
    computed_award_possible = computed.decision.awarded if in_assessment else False
    eligibility = computed.eligibility
    return flow.ProcedureFacts(
        rules=rules,
        today=today,
        home_country=procedure.organisation.country,
        eligibility_failures=tuple(failure.code for failure in eligibility.failures),
        self_assessment_missing=self_assessment_missing(procedure),
        self_assessment_evidence_missing=self_assessment_evidence_missing(procedure),
        assessors=tuple(
            flow.AssessorFacts(
                name=a.assessor.get_full_name() or a.assessor.username,
                nationality=a.assessor.country or "",
                exclusions=excluded.get(a.assessor_id, ()),
                conflict_declared_none=a.no_conflict_declared,
                report_agreed=a.report_agreed,
            )
            for a in assignments
        ),
        assessment_date=procedure.assessment_date,
        scores_missing=scores_missing(procedure),
        scores_disagreement_count=disagreements(procedure),
        board_votes=tuple(
            flow.BoardVote(yes=v.in_favour, has_reason=bool(v.reason.strip()))
            for v in current_votes
        ),
        computed_award_possible=computed_award_possible,
        organisation_confirmed=procedure.organisation.is_confirmed,
        actor_is_member_of_organisation=flow.Role.CLUSTER_MANAGER in roles,
        actor_is_scheme_secretariat=flow.Role.SECRETARIAT in roles,
        actor_is_assigned_assessor=flow.Role.ASSESSOR in roles,
        actor_is_board_member=flow.Role.BOARD_MEMBER in roles,
        actor_is_awarding_authority=flow.Role.AUTHORITY in roles,
        actor_declared_no_board_conflict=board_declaration(actor, procedure) is True,
    )
