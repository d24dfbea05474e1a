"""Procedures put into a state by writing the rows that walking there would leave.

``ProcedureBuilder`` (tests/procedures/builders.py) walks a procedure through the real services:
to the report of a BW procedure that is some 80 service calls, each checking the policy and
appending to the audit trail. Most tests only need *a procedure in state X*. ``StateBuilder``
has the same people and the same parameters, and its first ``advance_to(state)`` writes the
procedure's rows directly: the procedure's fields (the fee quoted by ``domain.fees``, the
assessment date the walk would set, the result computed by ``procedures.results``), the answers,
the panel, the scores and their confirmations, the board's declarations and votes. A decision
is published to the real subscribers of ``procedures.decided``, so the labels and the
benchmarking pool's row are the other apps' own (their ``label.issue`` events are the only
audit events a jump leaves): tests of the trail walk.

``tests/procedures/test_fast_states.py`` builds every state both ways and compares the rows, so
this module cannot drift from the services. After the jump the builder goes on through the real
services (``advance_to`` a later state, ``step``, ``walk``), like ``ProcedureBuilder``.

Usage::

    builder = StateBuilder(scheme_id="ecei-gold").at(ProcedureState.AWAITING_DECISION)
    procedure = StateBuilder(scheme_id="ecei-bronze").advance_to(ProcedureState.AWARDED)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from clusterlabel.accounts.models import User
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import InvalidIndicatorValues
from clusterlabel.domain.scoring import IndicatorValue, validate_values
from clusterlabel.procedures import decided
from clusterlabel.procedures.choices import Decision
from clusterlabel.procedures.models import (
    AssessorAssignment,
    BoardConflictDeclaration,
    BoardVote,
    Evidence,
    ImprovementArea,
    IndicatorScore,
    Procedure,
    ScoreConfirmation,
    SelfAssessmentAnswer,
)
from clusterlabel.procedures.results import compute_result
from clusterlabel.procedures.services.application import procedure_fee_quote
from clusterlabel.procedures.uploads import check_upload, upload_size
from clusterlabel.procedures.values import to_json
from clusterlabel.procedures.walkthrough import (
    AREA_REVIEW_COMMENT,
    USUAL_PATH,
    evidence_document,
)
from tests.procedures.builders import ProcedureBuilder, silver_prerequisites

S = flow.State

# What the walk's steps write that is not computed: the evidence seen with every score and
# the reasons given when the walk refuses (``procedures.walkthrough``).
EVIDENCE_SEEN = "Unterlagen und Gespräch vor Ort"
NO_VOTE_REASON = "Die Mindestkriterien sind nicht erfüllt."
REFUSAL_REASON = "Die Vergaberegeln sind nicht erfüllt."

# Every state a StateBuilder jumps to: the usual path, and the states off it.
STATES: tuple[S, ...] = (*USUAL_PATH, S.CHANGES_REQUESTED, S.REFUSED, S.WITHDRAWN)


@dataclass
class StateBuilder(ProcedureBuilder):
    """``ProcedureBuilder`` whose first ``advance_to`` writes the rows instead of walking.

    ``withdrawn_from``: the state the manager withdraws from when the target is ``withdrawn``.
    """

    withdrawn_from: str = S.CONTRACTED

    def open_procedure(self) -> Procedure:
        areas = silver_prerequisites(self.scheme, self.level_id, self.organisation)
        procedure = Procedure.objects.create(
            organisation=self.organisation,
            scheme_version=self.version,
            level_id=self.level_id,
            process=self.process,
            assessment_mode=self.assessment_mode,
            created_by=self.manager,
        )
        ImprovementArea.objects.bulk_create(
            ImprovementArea(
                procedure=procedure,
                position=position,
                category_id=area.category_id,
                description=area.description,
                evidence_reference=area.evidence_reference,
            )
            for position, area in enumerate(areas, start=1)
        )
        return procedure

    def advance_to(self, state: str) -> Procedure:
        """Jump to ``state`` from a fresh draft; once the procedure has moved, walk on through
        the real services (``ProcedureBuilder.advance_to``)."""
        if self._jumped:
            return super().advance_to(state)
        self._jumped = True
        with transaction.atomic():
            return self._jump(S(state))

    def at(self, state: str) -> StateBuilder:
        """``advance_to(state)``, returning the builder (for fixtures that need the people)."""
        self.advance_to(state)
        return self

    # --- the jump ---------------------------------------------------------------------------

    _jumped = False

    def _path(self, target: S) -> list[S]:
        """The states the walk passes through to reach ``target``, draft excluded."""
        walk = self.walk
        if target == S.CHANGES_REQUESTED:
            return [S.APPLIED, S.CHANGES_REQUESTED]
        if target == S.WITHDRAWN:
            return [*self._path(S(self.withdrawn_from)), S.WITHDRAWN]
        if target == S.REFUSED:
            walk.award = False
        # As Walkthrough.advance_to: the first target on the usual path decides whether the
        # assessment lies behind (yesterday) or ahead (the earliest date the scheme allows).
        if walk.assessment_in_past is None and target in USUAL_PATH:
            walk.assessment_in_past = USUAL_PATH.index(target) > USUAL_PATH.index(
                S.ASSESSORS_ASSIGNED
            )
        board = self.scheme.procedure.advisory_board
        path = [
            s for s in USUAL_PATH[1:-1] if board or s not in (S.REPORT_SUBMITTED, S.BOARD_REVIEW)
        ]
        path.append(S.AWARDED if walk.award else S.REFUSED)
        if target == S.DRAFT:
            return []
        if target not in path:
            raise ValueError(f"{target} is not reachable on this path")
        return path[: path.index(target) + 1]

    def _jump(self, target: S) -> Procedure:
        procedure = self.refresh()
        if procedure.state != S.DRAFT:
            raise ValueError("StateBuilder jumps from a fresh draft only")
        for state in self._path(target):
            self._enter(procedure, state)
        procedure.state = target
        procedure.state_entered_at = timezone.now()
        procedure.save()  # the database checks the state and the award's decision
        return self.refresh()

    def _enter(self, p: Procedure, state: S) -> None:
        """The changes of the step that leads into ``state``: fields of ``p`` (saved by the
        caller) and the rows the step adds."""
        walk, now = self.walk, timezone.now()
        board = self.scheme.procedure.advisory_board
        if state == S.APPLIED:
            p.applied_at = now
        elif state == S.CONTRACTED:
            quote = procedure_fee_quote(p)
            p.fee_currency = quote.currency
            p.fee_net, p.fee_vat, p.fee_gross = quote.net, quote.vat, quote.gross
            p.fee_subsidy = quote.subsidy.amount if quote.subsidy else None
            p.fee_subsidy_payer = quote.subsidy.payer.name if quote.subsidy else ""
            p.fee_payable_gross = quote.payable_gross
            p.fee_vat_treatment = quote.vat_treatment.value
            p.fee_customer_vat_id = p.organisation.vat_id
            p.fee_process = quote.process
            p.contracted_at = now
        elif state == S.SELF_ASSESSMENT_SUBMITTED:
            self._answer(p, walk.answer_values)
            self._required_evidence(p)
        elif state == S.ASSESSORS_ASSIGNED:
            AssessorAssignment.objects.bulk_create(
                AssessorAssignment(
                    procedure=p, assessor=a, no_conflict_declared=True, declared_at=now
                )
                for a in self.assessors
            )
            p.assessment_date = walk.scheduled_date()
        elif state == S.ASSESSMENT_IN_PROGRESS:
            # The walk moves the calendar on to the assessment day.
            if p.assessment_date is not None and p.assessment_date > timezone.localdate():
                p.assessment_date = timezone.localdate()
        elif state == S.REPORT_SUBMITTED or (state == S.AWAITING_DECISION and not board):
            self._report(p)
        elif state == S.BOARD_REVIEW:
            if self.board_declared:
                self._declare(p)
        elif state == S.AWAITING_DECISION:
            self._declare(p)
            BoardVote.objects.bulk_create(
                BoardVote(
                    procedure=p,
                    member=member,
                    round=p.board_round,
                    in_favour=walk.award,
                    reason="" if walk.award else NO_VOTE_REASON,
                )
                for member in self.board
            )
        elif state in (S.AWARDED, S.REFUSED):
            award = state == S.AWARDED
            p.decision = Decision.AWARD if award else Decision.REFUSE
            p.decision_reason = (walk.decision_reason or ("" if award else REFUSAL_REASON)).strip()
            p.decided_at = now
            p.decided_by = self.authority
            p.result = compute_result(p).as_json()
            p.save()
            # The other apps' own subscribers: labels issued, the pool's row recorded.
            decided.decision_made.run(
                decided.Decided(
                    procedure=p,
                    actor=self.authority,
                    award=award,
                    decided_on=timezone.localdate(p.decided_at),
                )
            )

    def _report(self, p: Procedure) -> None:
        """The panel scores every indicator, agrees to the report and submits it."""
        self._agree(p)
        p.report_submitted_at = timezone.now()
        p.save()  # compute_result reads the stored scores
        p.result = compute_result(p).as_json()

    def _agree(self, p: Procedure) -> None:
        self._score(p, self.walk.score_values)
        self._review_areas(p)
        p.report_summary = self.walk.report.strip()
        p.assignments.update(report_agreed=True)

    def report_ready(self) -> Procedure:
        """In ``assessment_in_progress``: every indicator scored and confirmed by the whole
        panel and every assessor agreed to the report, which is not submitted yet (what the
        walk's ``score_all`` and each assessor's ``report_agree`` leave)."""
        p = self.refresh()
        if p.state != S.ASSESSMENT_IN_PROGRESS or p.scores.exists():
            raise ValueError("report_ready needs an assessment in progress without scores")
        with transaction.atomic():
            self._agree(p)
            p.save(update_fields=["report_summary"])
        return self.refresh()

    def _answer(self, p: Procedure, values: dict[str, IndicatorValue]) -> None:
        """What ``services.self_assessment_save`` stores for ``values`` on an empty form."""
        _check(p, values)
        SelfAssessmentAnswer.objects.bulk_create(
            SelfAssessmentAnswer(
                procedure=p,
                indicator_id=indicator.id,
                value=to_json(indicator, values[indicator.id]),
                updated_by=self.manager,
            )
            for indicator in p.scheme.indicators
            if indicator.id in values and values[indicator.id] is not None
        )

    def _required_evidence(self, p: Procedure) -> None:
        """What the walk uploads before submitting (``Walkthrough.upload_required_evidence``)."""
        add_required_evidence(p, by=self.manager)

    def _score(self, p: Procedure, values: dict[str, IndicatorValue]) -> None:
        """What ``score_save`` by the first assessor and ``score_confirm`` by the others store:
        revision 1 of every score, confirmed by the whole panel."""
        _check(p, values)
        scores = IndicatorScore.objects.bulk_create(
            IndicatorScore(
                procedure=p,
                indicator_id=indicator_id,
                value=to_json(p.scheme.indicator(indicator_id), value),
                evidence_seen=EVIDENCE_SEEN,
                updated_by=self.assessors[0],
            )
            for indicator_id, value in values.items()
        )
        ScoreConfirmation.objects.bulk_create(
            ScoreConfirmation(score=score, assessor=assessor, revision=1)
            for score in scores
            for assessor in self.assessors
        )

    def _review_areas(self, p: Procedure) -> None:
        """What the walk's ``review_improvement_areas`` stores: every area validated by the
        first assessor against its category's Gold criteria."""
        rule = p.level.award.improvement
        for area in p.improvement_areas.all():
            area.validated = True
            area.gold_criteria = list(rule.gold_criteria(area.category_id)) if rule else []
            area.review_comment = AREA_REVIEW_COMMENT
            area.reviewed_by = self.assessors[0]
            area.reviewed_at = timezone.now()
            area.save()

    def _declare(self, p: Procedure) -> None:
        """Every board member declares no conflict for the current round (once)."""
        declared = set(
            p.board_conflict_declarations.filter(round=p.board_round).values_list(
                "member_id", flat=True
            )
        )
        BoardConflictDeclaration.objects.bulk_create(
            BoardConflictDeclaration(procedure=p, member=m, round=p.board_round, no_conflict=True)
            for m in self.board
            if m.pk not in declared
        )


def _check(p: Procedure, values: dict[str, IndicatorValue]) -> None:
    """The services refuse values the scheme does not allow; so does the jump."""
    problems = validate_values(p.scheme, values)
    if problems:
        raise InvalidIndicatorValues(problems)


def add_evidence(
    procedure: Procedure, *, indicator_id: str, upload: UploadedFile, by: User
) -> Evidence:
    """The row and the stored file ``services.evidence_upload`` makes, in any state and without
    an audit event; the upload is checked as the service checks it."""
    procedure.scheme.indicator(indicator_id)
    content_type, digest = check_upload(upload)
    evidence = Evidence(
        procedure=procedure,
        indicator_id=indicator_id,
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=upload_size(upload),
        sha256=digest,
        uploaded_by=by,
    )
    evidence.file.save(upload.name, upload, save=False)
    evidence.save()
    return evidence


def add_required_evidence(procedure: Procedure, *, by: User) -> list[Evidence]:
    """The walk's document for every indicator whose evidence the scheme requires, as
    ``Walkthrough.upload_required_evidence`` uploads it before submitting."""
    return [
        add_evidence(
            procedure, indicator_id=indicator_id, upload=evidence_document(indicator_id), by=by
        )
        for indicator_id in flow.evidence_missing(procedure.scheme.indicators, ())
    ]
