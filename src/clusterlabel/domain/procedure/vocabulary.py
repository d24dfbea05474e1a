"""The procedure's vocabulary: its states, the roles people act in, and the actions.

The values are what the database stores.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a procedure stands. The values are what the database stores."""

    DRAFT = "draft"
    APPLIED = "applied"  # submitted, waiting for the secretariat
    CHANGES_REQUESTED = "changes_requested"  # the secretariat sent the application back
    CONTRACTED = "contracted"  # accepted, fee agreed; self-assessment open
    SELF_ASSESSMENT_SUBMITTED = "self_assessment_submitted"
    ASSESSORS_ASSIGNED = "assessors_assigned"  # panel confirmed, assessment scheduled
    ASSESSMENT_IN_PROGRESS = "assessment_in_progress"  # the assessors score
    REPORT_SUBMITTED = "report_submitted"  # with an advisory board only
    BOARD_REVIEW = "board_review"
    AWAITING_DECISION = "awaiting_decision"  # the awarding authority decides
    AWARDED = "awarded"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


TERMINAL_STATES: frozenset[State] = frozenset({State.AWARDED, State.REFUSED, State.WITHDRAWN})
NON_TERMINAL_STATES: frozenset[State] = frozenset(State) - TERMINAL_STATES


class Role(StrEnum):
    """The capacity in which a user acts on a procedure."""

    CLUSTER_MANAGER = "cluster_manager"  # the applying organisation's staff
    SECRETARIAT = "secretariat"  # the scheme operator's staff
    ASSESSOR = "assessor"
    BOARD_MEMBER = "board_member"  # member of the scheme's advisory board
    AUTHORITY = "authority"  # the awarding authority
    ADMINISTRATOR = "administrator"  # runs the platform; no procedural powers


class Action(StrEnum):
    """What a user can do to a procedure, in the order the procedure normally runs."""

    SUBMIT_APPLICATION = "submit_application"
    REQUEST_CHANGES = "request_changes"
    RESUBMIT_APPLICATION = "resubmit_application"
    ACCEPT_APPLICATION = "accept_application"
    SUBMIT_SELF_ASSESSMENT = "submit_self_assessment"
    REOPEN_SELF_ASSESSMENT = "reopen_self_assessment"
    ASSIGN_ASSESSORS = "assign_assessors"
    REASSIGN_ASSESSORS = "reassign_assessors"
    START_ASSESSMENT = "start_assessment"
    SUBMIT_REPORT = "submit_report"
    RETURN_REPORT = "return_report"
    SEND_TO_BOARD = "send_to_board"
    RECORD_BOARD_VOTE = "record_board_vote"
    CLOSE_BOARD_REVIEW = "close_board_review"
    RETURN_TO_BOARD = "return_to_board"
    AWARD = "award"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
