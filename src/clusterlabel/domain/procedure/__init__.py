"""The labelling procedure as a state machine: who may do what, when, and what happens next.

One ``Procedure`` per application. The Django layer persists its ``state``, builds a
``ProcedureFacts`` snapshot and asks this package two questions: "may this actor do this action
now?" (``available_actions`` for the buttons, ``check`` before the write) and "which state
follows?" (``next_state``). The rules live in exactly one place, the ``TRANSITIONS`` table;
every function here reads it. Pure Python, standard library only: no Django, no ORM, no I/O.

State diagram::

    draft
      |  submit_application
      v
    applied  <---------------------------------------------------.
      |   '-- request_changes --> changes_requested --------------'
      |                                           resubmit_application
      |  accept_application
      v
    contracted  <-------------------------------------------.
      |  submit_self_assessment                             |
      v                                                     |  reopen_self_assessment
    self_assessment_submitted  -----------------------------+
      |  assign_assessors                                   |
      v                                                     |
    assessors_assigned  ------------------------------------'
      |  start_assessment                    (reassign_assessors: stays)
      v
    assessment_in_progress  <-------------------------------.
      |                  |                                  |
      |  submit_report   |  submit_report                   |  return_report
      |  [board]         |  [no board]                      |
      v                  |                                  |
    report_submitted  ---|----------------------------------+
      |  send_to_board   |                                  |
      v                  |                                  |
    board_review  <------|---------------------.            |  (record_board_vote: stays)
      |  close_board_    |                     |            |
      |  review          |                     |  return_to_board [board]
      v                  v                     |            |
    awaiting_decision  ------------------------+------------'
      |            |
      |  award     |  refuse
      v            v
    awarded      refused

    withdraw (cluster manager): every non-terminal state --> withdrawn

Terminal states: ``awarded``, ``refused``, ``withdrawn``; nothing leaves them.

Guarantees
----------
* ``TRANSITIONS`` is checked on import: for every (action, state, scheme with/without advisory
  board) at most one row applies, no row leaves a terminal state, every row names at least one
  role. So ``check`` is deterministic.
* ``check`` refuses in a fixed order, and the first reason is the exception's ``code``:
  ``wrong_state`` (the action is not possible in this state), ``no_advisory_board`` (a board
  step in a scheme without a board), ``wrong_role``, the object-level actor check
  (``not_member_of_organisation``, ``not_scheme_secretariat``, ``not_assigned_assessor``,
  ``not_board_member``, ``not_awarding_authority``), the row's guards, and last
  ``reason_required``. The exception carries every reason found in ``blocked``.
* The public functions take the enums or their string values (as stored in the database); an
  unknown value raises ``ValueError``.
* Guards are pure functions of ``ProcedureFacts``; they return ``None`` or a ``Blocked`` with a
  stable, machine-readable ``code`` and ``params`` for the translated message.

Decisions the Django layer relies on
------------------------------------
* A user acts in one role per call. A user holding several roles for a procedure (rare: say a
  secretariat member who also sits on the board) is asked about once per role and the UI
  merges the options; the audit event records the role used.
* The *administrator* has no procedural powers: no row names it. Administrators manage users,
  schemes and the platform; whoever moves a procedure must hold the procedural role for it
  (e.g. the secretariat of the scheme), so the audit trail says in which capacity they acted.
* Only the *awarding authority* awards and refuses. It cannot award against the computed result
  (``award_rules_not_met``) nor against the advisory board's recommendation
  (``board_recommended_against``); it may refuse with a reason whatever the result, send the
  report back to the assessors (``return_report``) or ask the board to reconsider
  (``return_to_board``). After ``return_to_board`` the Django layer starts a new round of
  votes (``facts.board_votes`` holds the current round only).
* With an advisory board, ``submit_report`` leads to ``report_submitted`` (the secretariat
  checks the report and sends it to the board); without one it leads straight to
  ``awaiting_decision`` and the board actions are refused with ``no_advisory_board``. The
  authority can decide only in ``awaiting_decision``, which a scheme with a board reaches only
  through ``close_board_review``.
* A board member may vote while the review is open; recording again replaces the member's vote
  (one vote per member is the Django layer's constraint). A *no* vote needs a reason: the
  review cannot be closed while one lacks it (``votes_without_reason``); the vote form should
  ask for it up front.
* A board member votes only after declaring, for the current round, that they have no conflict
  of interest (``board_conflict_not_declared_none``); a member who declares a conflict sits the
  round out. The quorum stays the scheme's number of votes: when too few members are left to
  reach it, the secretariat has to find more.
* Sending the self-assessment back (``reopen_self_assessment``) returns to ``contracted``. The
  assessor assignments stay, but after resubmission the secretariat confirms them again with
  ``assign_assessors``, which re-checks the panel and the date.
* The self-assessment is not blocked when late. Instead the assessment date must leave the
  assessors the scheme's preparation time: when assigning or reassigning, the assessment date
  must be at least ``self_assessment_due_days_before_assessment`` days after today (the date the
  assessors receive the self-assessment), i.e. ``self_assessment_due_date(assessment_date)``
  must not lie in the past. Scoring starts on or after the assessment date.
* Eligibility is decided when the secretariat accepts the application, not when it is
  submitted. So is the organisation's registration: a self-registered organisation's
  application cannot be accepted until the secretariat has confirmed the organisation
  (``organisation_not_confirmed``).
* An assessor counts as "assigned" (``actor_is_assigned_assessor``) from the moment the
  secretariat proposes them, so a proposed assessor may already send the self-assessment back
  in ``self_assessment_submitted``. ``start_assessment`` and ``submit_report`` re-check the
  panel, so a change of assessors made without ``reassign_assessors`` cannot slip through.
* Changing the panel or the date after assignment is ``reassign_assessors`` (a reason is
  required); it re-checks everything ``assign_assessors`` checks, the preparation time
  included, so a late replacement means a later assessment date.

Where things are
----------------
The package's namespace is the public import path (``__all__``; the Django layer imports it as
``flow``). Inside: the states, roles and actions in :mod:`.vocabulary`; the scheme's rules and
the facts snapshot in :mod:`.facts`; the guards and :class:`Blocked` in :mod:`.guards`; the
board's recommendation in :mod:`.board`; owners and deadlines in :mod:`.deadlines`; the table in
:mod:`.table`; the questions (``available_actions``, ``check``, ``next_state``) in
:mod:`.questions`.
"""

from clusterlabel.domain.procedure.board import Recommendation, board_recommendation
from clusterlabel.domain.procedure.deadlines import (
    DEFAULT_DEADLINE_DAYS,
    deadline_days,
    owner_of,
    self_assessment_due_date,
)
from clusterlabel.domain.procedure.facts import (
    AssessorFacts,
    BoardVote,
    EvidencedIndicator,
    ProcedureFacts,
    ProcedureRules,
    SchemeProcedure,
    evidence_missing,
)
from clusterlabel.domain.procedure.guards import Blocked, Guard
from clusterlabel.domain.procedure.questions import (
    ActionOption,
    TransitionNotAllowed,
    available_actions,
    check,
    next_state,
)
from clusterlabel.domain.procedure.table import TRANSITIONS, Transition
from clusterlabel.domain.procedure.vocabulary import (
    NON_TERMINAL_STATES,
    TERMINAL_STATES,
    Action,
    Role,
    State,
)

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "NON_TERMINAL_STATES",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "Action",
    "ActionOption",
    "AssessorFacts",
    "Blocked",
    "BoardVote",
    "EvidencedIndicator",
    "Guard",
    "ProcedureFacts",
    "ProcedureRules",
    "Recommendation",
    "Role",
    "SchemeProcedure",
    "State",
    "Transition",
    "TransitionNotAllowed",
    "available_actions",
    "board_recommendation",
    "check",
    "deadline_days",
    "evidence_missing",
    "next_state",
    "owner_of",
    "self_assessment_due_date",
]
