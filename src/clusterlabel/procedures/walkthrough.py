"""Walk a procedure along the usual path through the real services.

Used by the demo to create procedures in every state, and by the tests. Every step is taken by
the person whose role it is, so the audit trail reads as if people had clicked through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clusterlabel.accounts.models import User
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.schemes import Scheme
from clusterlabel.domain.scoring import IndicatorValue
from clusterlabel.procedures import services
from clusterlabel.procedures.models import Procedure

# The usual path; a scheme without an advisory board skips report_submitted and board_review.
USUAL_PATH = (
    flow.State.DRAFT,
    flow.State.APPLIED,
    flow.State.CONTRACTED,
    flow.State.SELF_ASSESSMENT_SUBMITTED,
    flow.State.ASSESSORS_ASSIGNED,
    flow.State.ASSESSMENT_IN_PROGRESS,
    flow.State.REPORT_SUBMITTED,
    flow.State.BOARD_REVIEW,
    flow.State.AWAITING_DECISION,
    flow.State.AWARDED,
)


# What the walk records when it validates a Silver improvement area on site.
AREA_REVIEW_COMMENT = "Vor Ort anhand der Gold-Kriterien bestätigt."


def excellent_values(scheme: Scheme) -> dict[str, IndicatorValue]:
    """Every indicator exactly at its excellence value: 100 % of the points."""
    return {indicator.id: indicator.threshold for indicator in scheme.indicators}


def evidence_document(indicator_id: str) -> SimpleUploadedFile:
    """The short text file the walk uploads as evidence for an indicator."""
    return SimpleUploadedFile(
        f"Nachweis-{indicator_id}.txt",
        f"Nachweis zu {indicator_id}\n".encode(),
        content_type="text/plain",
    )


@dataclass
class Walkthrough:
    """Takes ``procedure`` one step further along ``USUAL_PATH`` per ``step()``."""

    procedure: Procedure
    manager: User
    secretariat: User
    assessors: list[User]
    authority: User
    board: list[User] = field(default_factory=list)
    answers: dict[str, IndicatorValue] | None = None
    scores: dict[str, IndicatorValue] | None = None
    report: str = "Das Clustermanagement ist professionell aufgestellt."
    award: bool = True
    decision_reason: str = ""
    # Schedule the assessment for yesterday (as if the panel had been confirmed weeks ago), so
    # the assessment can start now and the decision follows it; False schedules it ahead.
    # None: ahead when walking to ``assessors_assigned`` or before, yesterday otherwise.
    assessment_in_past: bool | None = None

    def __post_init__(self) -> None:
        scheme = self.procedure.scheme
        if self.answers is None:
            self.answers = excellent_values(scheme)
        if self.scores is None:
            self.scores = dict(self.answers)

    @property
    def answer_values(self) -> dict[str, IndicatorValue]:
        """The answers the walk gives (set in ``__post_init__``, and a test may replace them)."""
        return self.answers if self.answers is not None else {}

    @property
    def score_values(self) -> dict[str, IndicatorValue]:
        """The scores the walk gives (set in ``__post_init__``, and a test may replace them)."""
        return self.scores if self.scores is not None else {}

    @property
    def scheme(self) -> Scheme:
        return self.procedure.scheme

    @property
    def preparation_days(self) -> int:
        return self.scheme.procedure.self_assessment_due_days_before_assessment or 0

    def assessment_date(self, today: date | None = None) -> date:
        """The earliest assessment date a panel proposed today may have."""
        today = today or timezone.localdate()
        return today + timedelta(days=self.preparation_days + 1)

    def scheduled_date(self) -> date:
        """The date the walkthrough schedules: yesterday, or the earliest date ahead."""
        if self.assessment_in_past:
            return timezone.localdate() - timedelta(days=1)
        return self.assessment_date()

    def panel_confirmed_on(self) -> date:
        """The day the panel is confirmed: enough preparation time before the assessment."""
        date_ = self.procedure.assessment_date or self.scheduled_date()
        return min(timezone.localdate(), date_ - timedelta(days=self.preparation_days + 1))

    def refresh(self) -> Procedure:
        self.procedure.refresh_from_db()
        return self.procedure

    def upload_required_evidence(self, p: Procedure) -> None:
        """The walk's document (``evidence_document``), uploaded by the manager, for every
        indicator whose evidence the scheme requires: the submission is refused without."""
        for indicator_id in flow.evidence_missing(p.scheme.indicators, ()):
            services.evidence_upload(
                procedure=p,
                actor=self.manager,
                indicator_id=indicator_id,
                upload=evidence_document(indicator_id),
            )

    def step(self) -> Procedure:
        p = self.refresh()
        state = p.state
        if state == flow.State.DRAFT:
            services.procedure_submit_application(procedure=p, actor=self.manager)
        elif state == flow.State.APPLIED:
            services.procedure_accept(procedure=p, actor=self.secretariat)
        elif state == flow.State.CONTRACTED:
            services.self_assessment_save(
                procedure=p, actor=self.manager, values=self.answer_values
            )
            self.upload_required_evidence(p)
            services.procedure_transition(
                procedure=p, actor=self.manager, action=flow.Action.SUBMIT_SELF_ASSESSMENT
            )
        elif state == flow.State.SELF_ASSESSMENT_SUBMITTED:
            self.propose_panel()
            self.confirm_panel()
        elif state == flow.State.ASSESSORS_ASSIGNED:
            if p.assessment_date is not None and p.assessment_date > timezone.localdate():
                # The calendar moves on to the assessment day (a walkthrough cannot wait weeks).
                Procedure.objects.filter(pk=p.pk).update(assessment_date=timezone.localdate())
                p = self.refresh()
            services.procedure_transition(
                procedure=p, actor=self.assessors[0], action=flow.Action.START_ASSESSMENT
            )
        elif state == flow.State.ASSESSMENT_IN_PROGRESS:
            self.score_all()
            self.review_improvement_areas()
            for assessor in self.assessors:
                services.report_agree(procedure=p, actor=assessor, summary=self.report)
            services.procedure_submit_report(procedure=p, actor=self.assessors[0])
        elif state == flow.State.REPORT_SUBMITTED:
            services.procedure_transition(
                procedure=p, actor=self.secretariat, action=flow.Action.SEND_TO_BOARD
            )
        elif state == flow.State.BOARD_REVIEW:
            for member in self.board:
                self.declare_no_board_conflict(member)
                services.board_vote_record(
                    procedure=p,
                    actor=member,
                    in_favour=self.award,
                    reason="" if self.award else "Die Mindestkriterien sind nicht erfüllt.",
                )
            services.procedure_transition(
                procedure=p, actor=self.secretariat, action=flow.Action.CLOSE_BOARD_REVIEW
            )
        elif state == flow.State.AWAITING_DECISION:
            services.procedure_decide(
                procedure=p,
                actor=self.authority,
                award=self.award,
                reason=self.decision_reason
                or ("" if self.award else "Die Vergaberegeln sind nicht erfüllt."),
            )
        else:
            raise ValueError(f"no further step from {state}")
        return self.refresh()

    def propose_panel(self) -> None:
        services.panel_propose(
            procedure=self.procedure,
            actor=self.secretariat,
            assessors=self.assessors,
            assessment_date=self.scheduled_date(),
        )
        for assessor in self.assessors:
            services.conflict_declare(procedure=self.procedure, actor=assessor, no_conflict=True)

    def declare_no_board_conflict(self, member: User) -> None:
        """The member declares no conflict for the current round (once: again is a no-op)."""
        services.board_conflict_declare(procedure=self.procedure, actor=member, no_conflict=True)

    def confirm_panel(self) -> None:
        self.refresh()
        services.procedure_transition(
            procedure=self.procedure,
            actor=self.secretariat,
            action=flow.Action.ASSIGN_ASSESSORS,
            today=self.panel_confirmed_on(),
        )

    def score_all(self, only: list[str] | None = None) -> None:
        first, *others = self.assessors
        for indicator_id, value in self.score_values.items():
            if only is not None and indicator_id not in only:
                continue
            score = services.score_save(
                procedure=self.procedure,
                actor=first,
                indicator_id=indicator_id,
                value=value,
                comment="",
                evidence_seen="Unterlagen und Gespräch vor Ort",
                based_on_revision=0,
            )
            for other in others:
                services.score_confirm(
                    procedure=self.procedure,
                    actor=other,
                    indicator_id=indicator_id,
                    revision=score.revision,
                )

    def review_improvement_areas(self) -> None:
        """The panel validates every improvement area a Silver application names (the first
        assessor records it; nothing for other levels)."""
        for area in self.procedure.improvement_areas.all():
            services.improvement_area_review(
                area=area,
                validated=True,
                comment=AREA_REVIEW_COMMENT,
                actor=self.assessors[0],
            )

    def advance_to(self, state: str) -> Procedure:
        target = flow.State(state)
        if self.assessment_in_past is None and target in USUAL_PATH:
            self.assessment_in_past = USUAL_PATH.index(target) > USUAL_PATH.index(
                flow.State.ASSESSORS_ASSIGNED
            )
        if target not in USUAL_PATH and target not in (flow.State.REFUSED,):
            raise ValueError(f"{state} is not on the usual path")
        if target == flow.State.REFUSED:
            self.award = False
        final = flow.State.AWARDED if self.award else flow.State.REFUSED
        while self.refresh().state != target:
            if self.procedure.state == final:
                raise ValueError(f"{state} is not reachable on this path")
            self.step()
        return self.procedure
