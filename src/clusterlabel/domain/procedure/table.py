"""The transition table: every step of the procedure, by whom, from where to where.

Each row names its guards and whether a reason is required. The table is checked on import: for
every (action, state, scheme with/without advisory board) at most one row applies, no row leaves
a terminal state, every row names a role.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clusterlabel.domain.procedure.guards import (
    Guard,
    assessment_date_reached,
    assessment_leaves_preparation_time,
    assessor_count_matches,
    assessor_scores_agree,
    assessors_cover_country,
    assessors_free_of_declared_conflicts,
    assessors_qualified,
    award_rules_met,
    board_member_declared_no_conflict,
    board_quorum_reached,
    board_recommends_award,
    conflicts_of_interest_declared,
    national_and_foreign_assessors,
    no_votes_have_reasons,
    organisation_confirmed,
    organisation_eligible,
    report_agreed_by_all_assessors,
    scores_complete,
    self_assessment_complete,
    self_assessment_evidenced,
)
from clusterlabel.domain.procedure.vocabulary import (
    NON_TERMINAL_STATES,
    TERMINAL_STATES,
    Action,
    Role,
    State,
)

_PANEL: tuple[Guard, ...] = (
    assessor_count_matches,
    national_and_foreign_assessors,
    conflicts_of_interest_declared,
)
_REPORT: tuple[Guard, ...] = (
    assessor_count_matches,
    scores_complete,
    assessor_scores_agree,
    report_agreed_by_all_assessors,
)


@dataclass(frozen=True, kw_only=True)
class Transition:
    """One row of the table: ``action`` by one of ``roles`` leads from any state in ``source``
    to ``target`` when every guard passes (and a reason is given where ``requires_reason``).

    ``advisory_board`` restricts the row to schemes with (``True``) or without (``False``) an
    advisory board; ``None`` means every scheme.
    """

    action: Action
    source: frozenset[State]
    target: State
    roles: frozenset[Role]
    guards: tuple[Guard, ...] = ()
    requires_reason: bool = False
    advisory_board: bool | None = None

    def applies_to(self, state: State, advisory_board: bool) -> bool:
        return state in self.source and self.advisory_board in (None, advisory_board)


def _row(
    action: Action,
    source: Iterable[State],
    target: State,
    roles: Iterable[Role],
    guards: tuple[Guard, ...] = (),
    *,
    reason: bool = False,
    board: bool | None = None,
) -> Transition:
    return Transition(
        action=action,
        source=frozenset(source),
        target=target,
        roles=frozenset(roles),
        guards=guards,
        requires_reason=reason,
        advisory_board=board,
    )


S, R, A = State, Role, Action
# Confirming a panel (or a change of it) also needs assessors who may assess it: qualified on
# the assessment date, no conflict declared on their profile, the country covered. Checked when
# the panel is confirmed, not again when the assessment starts.
_PANEL_AND_DATE = (
    *_PANEL,
    assessors_qualified,
    assessors_free_of_declared_conflicts,
    assessors_cover_country,
    assessment_leaves_preparation_time,
)

# One row per line (two where guards follow): action, from, to, by whom, guards, flags.
# fmt: off
TRANSITIONS: tuple[Transition, ...] = (
    _row(A.SUBMIT_APPLICATION, {S.DRAFT}, S.APPLIED, {R.CLUSTER_MANAGER}),
    _row(A.REQUEST_CHANGES, {S.APPLIED}, S.CHANGES_REQUESTED, {R.SECRETARIAT}, reason=True),
    _row(A.RESUBMIT_APPLICATION, {S.CHANGES_REQUESTED}, S.APPLIED, {R.CLUSTER_MANAGER}),
    _row(A.ACCEPT_APPLICATION, {S.APPLIED}, S.CONTRACTED, {R.SECRETARIAT},
         (organisation_confirmed, organisation_eligible)),
    _row(A.SUBMIT_SELF_ASSESSMENT, {S.CONTRACTED}, S.SELF_ASSESSMENT_SUBMITTED,
         {R.CLUSTER_MANAGER}, (self_assessment_complete, self_assessment_evidenced)),
    _row(A.REOPEN_SELF_ASSESSMENT, {S.SELF_ASSESSMENT_SUBMITTED, S.ASSESSORS_ASSIGNED},
         S.CONTRACTED, {R.SECRETARIAT, R.ASSESSOR}, reason=True),
    _row(A.ASSIGN_ASSESSORS, {S.SELF_ASSESSMENT_SUBMITTED}, S.ASSESSORS_ASSIGNED,
         {R.SECRETARIAT}, _PANEL_AND_DATE),
    _row(A.REASSIGN_ASSESSORS, {S.ASSESSORS_ASSIGNED}, S.ASSESSORS_ASSIGNED,
         {R.SECRETARIAT}, _PANEL_AND_DATE, reason=True),
    _row(A.START_ASSESSMENT, {S.ASSESSORS_ASSIGNED}, S.ASSESSMENT_IN_PROGRESS,
         {R.ASSESSOR}, (*_PANEL, assessment_date_reached)),
    _row(A.SUBMIT_REPORT, {S.ASSESSMENT_IN_PROGRESS}, S.REPORT_SUBMITTED,
         {R.ASSESSOR}, _REPORT, board=True),
    _row(A.SUBMIT_REPORT, {S.ASSESSMENT_IN_PROGRESS}, S.AWAITING_DECISION,
         {R.ASSESSOR}, _REPORT, board=False),
    _row(A.RETURN_REPORT, {S.REPORT_SUBMITTED}, S.ASSESSMENT_IN_PROGRESS,
         {R.SECRETARIAT}, reason=True),
    _row(A.RETURN_REPORT, {S.AWAITING_DECISION}, S.ASSESSMENT_IN_PROGRESS,
         {R.AUTHORITY}, reason=True),
    _row(A.SEND_TO_BOARD, {S.REPORT_SUBMITTED}, S.BOARD_REVIEW, {R.SECRETARIAT}, board=True),
    _row(A.RECORD_BOARD_VOTE, {S.BOARD_REVIEW}, S.BOARD_REVIEW, {R.BOARD_MEMBER},
         (board_member_declared_no_conflict,), board=True),
    _row(A.CLOSE_BOARD_REVIEW, {S.BOARD_REVIEW}, S.AWAITING_DECISION, {R.SECRETARIAT},
         (board_quorum_reached, no_votes_have_reasons), board=True),
    _row(A.RETURN_TO_BOARD, {S.AWAITING_DECISION}, S.BOARD_REVIEW, {R.AUTHORITY},
         reason=True, board=True),
    _row(A.AWARD, {S.AWAITING_DECISION}, S.AWARDED, {R.AUTHORITY},
         (award_rules_met, board_recommends_award)),
    _row(A.REFUSE, {S.AWAITING_DECISION}, S.REFUSED, {R.AUTHORITY}, reason=True),
    _row(A.WITHDRAW, NON_TERMINAL_STATES, S.WITHDRAWN, {R.CLUSTER_MANAGER}, reason=True),
)
# fmt: on

del S, R, A


def _validate_table(table: Iterable[Transition]) -> None:
    """Refuse an ambiguous or ill-formed table (run on import)."""
    seen: set[tuple[Action, State, bool]] = set()
    for row in table:
        if not row.source or not row.roles:
            raise ValueError(f"{row.action}: a row needs a source state and a role")
        if row.source & TERMINAL_STATES:
            raise ValueError(f"{row.action}: nothing may leave a terminal state")
        for state in row.source:
            for board in (True, False):
                if row.applies_to(state, board):
                    key = (row.action, state, board)
                    if key in seen:
                        raise ValueError(f"{row.action} from {state} is ambiguous")
                    seen.add(key)


_validate_table(TRANSITIONS)
