"""Every write to a procedure.

Each service runs in one transaction, locks the procedure row, asks the domain whether the step
is allowed (``clusterlabel.domain.procedure``), saves with ``update_fields``, writes the audit
event in the same transaction and sends the e-mails only after the commit.

By concept: ``transition`` (what every step shares, ``procedure_transition``), ``application``
(application and contract), ``self_assessment`` (answers and evidence), ``panel`` (panel,
conflicts and scoring, the report) and ``board`` (the board's declarations and votes, the
decision). The public services are re-exported here: callers write ``services.score_save``.
"""

from __future__ import annotations

from clusterlabel.procedures.services.application import (
    procedure_accept,
    procedure_create,
    procedure_submit_application,
)
from clusterlabel.procedures.services.board import (
    BOARD_DECLARATION_EVENT,
    board_conflict_declare,
    board_vote_record,
    procedure_decide,
    procedure_return_to_board,
)
from clusterlabel.procedures.services.confirmations import (
    MatchingConfirmed,
    matching_scores_to_confirm,
    scores_confirm_matching,
)
from clusterlabel.procedures.services.improvement import (
    ImprovementAreaInput,
    improvement_area_review,
)
from clusterlabel.procedures.services.panel import (
    PANEL_OPEN,
    ScoreConflict,
    conflict_declare,
    panel_propose,
    procedure_submit_report,
    report_agree,
    score_confirm,
    score_save,
)
from clusterlabel.procedures.services.self_assessment import (
    SELF_ASSESSMENT_OPEN,
    evidence_upload,
    self_assessment_save,
    self_assessment_save_with_evidence,
)
from clusterlabel.procedures.services.transition import ActionRefused, procedure_transition

__all__ = [
    "BOARD_DECLARATION_EVENT",
    "PANEL_OPEN",
    "SELF_ASSESSMENT_OPEN",
    "ActionRefused",
    "ImprovementAreaInput",
    "MatchingConfirmed",
    "ScoreConflict",
    "board_conflict_declare",
    "board_vote_record",
    "conflict_declare",
    "evidence_upload",
    "improvement_area_review",
    "matching_scores_to_confirm",
    "panel_propose",
    "procedure_accept",
    "procedure_create",
    "procedure_decide",
    "procedure_return_to_board",
    "procedure_submit_application",
    "procedure_submit_report",
    "procedure_transition",
    "report_agree",
    "score_confirm",
    "score_save",
    "scores_confirm_matching",
    "self_assessment_save",
    "self_assessment_save_with_evidence",
]
