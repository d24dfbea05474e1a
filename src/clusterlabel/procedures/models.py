"""The labelling procedure: one per application, from draft to the authority's decision.

State changes happen only in ``services.py``, which asks ``clusterlabel.domain.procedure``
whether the step is allowed and writes the audit event in the same transaction.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.choices import AssessmentMode, Decision, ProcedureState, Process
from clusterlabel.schemes.models import SchemeVersion

TERMINAL_STATES = (ProcedureState.AWARDED, ProcedureState.REFUSED, ProcedureState.WITHDRAWN)


class Procedure(models.Model):
    """One application of one organisation for one level of one scheme version.

    Guarantees: ``scheme_version`` never changes after creation (results stay reproducible);
    ``state`` only changes through the domain's transition table; the fee is frozen into the
    contract fields when the secretariat accepts the application.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="procedures",
        verbose_name=_("organisation"),
    )
    scheme_version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, verbose_name=_("scheme version")
    )
    level_id = models.CharField(_("level"), max_length=32)
    process = models.CharField(_("process"), max_length=16, choices=Process.choices)
    assessment_mode = models.CharField(
        _("assessment mode"), max_length=16, choices=AssessmentMode.choices
    )
    state = models.CharField(
        _("state"), max_length=32, choices=ProcedureState.choices, default=ProcedureState.DRAFT
    )
    state_entered_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    previous_procedure = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous assessment"),
        help_text=_("The organisation's previous cycle: renewals and Silver compare against it."),
    )
    application_note = models.TextField(_("note on the application"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    # The contract: the fee as quoted when the application was accepted.
    fee_currency = models.CharField(max_length=3, blank=True)
    fee_net = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_vat = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_gross = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_subsidy = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fee_subsidy_payer = models.CharField(max_length=255, blank=True)
    fee_payable_gross = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    # How VAT was charged (``clusterlabel.domain.fees.VatTreatment``: domestic, reverse_charge,
    # outside_eu), to the VAT ID the organisation had given then; the process whose fee was
    # charged (``new`` for a renewal applied for after the scheme's renewal window).
    fee_vat_treatment = models.CharField(max_length=16, blank=True)
    fee_customer_vat_id = models.CharField(max_length=15, blank=True)
    fee_process = models.CharField(max_length=16, blank=True)
    contracted_at = models.DateTimeField(_("contract concluded at"), null=True, blank=True)

    assessment_date = models.DateField(_("assessment date"), null=True, blank=True)
    report_summary = models.TextField(_("assessment report"), blank=True)
    report_submitted_at = models.DateTimeField(null=True, blank=True)
    board_round = models.PositiveSmallIntegerField(default=1)

    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    result = models.JSONField(
        _("computed result"),
        null=True,
        blank=True,
        help_text=_("Scores, the decision per level and recognised labels, as computed."),
    )

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("state", "state_entered_at"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ProcedureState.values),
                name="procedures_state_valid",
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ProcedureState.AWARDED) | models.Q(decision="award"),
                name="procedures_awarded_has_award_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.scheme_version.name_en} ({self.level_id})"

    @property
    def scheme(self):
        return self.scheme_version.scheme

    @property
    def level(self):
        return self.scheme.level(self.level_id)

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES

    @property
    def reference(self) -> str:
        """A short reference for letters and e-mails, e.g. P-2026-0042."""
        return f"P-{self.created_at:%Y}-{self.pk:04d}"


class SelfAssessmentAnswer(models.Model):
    """The organisation's own value for one indicator, with an optional comment."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="answers")
    indicator_id = models.CharField(_("indicator"), max_length=32)
    value = models.JSONField(_("value"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("self-assessment answer")
        verbose_name_plural = _("self-assessment answers")
        constraints = [
            models.UniqueConstraint(
                fields=("procedure", "indicator_id"), name="procedures_one_answer_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value}"


def evidence_path(instance: Evidence, filename: str) -> str:
    # Never the uploaded name: stored names must not collide or leak through URLs.
    return (
        f"evidence/{instance.procedure_id}/{instance.sha256[:16]}-{timezone.now():%Y%m%d%H%M%S%f}"
    )


class Evidence(models.Model):
    """A document that proves an indicator's value, uploaded by the organisation or assessors."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="evidence")
    indicator_id = models.CharField(_("indicator"), max_length=32)
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ("indicator_id", "uploaded_at")

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.original_name}"


class AssessorAssignment(models.Model):
    """An assessor on the panel of a procedure, with the conflict-of-interest declaration."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="assignments")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessor_assignments",
        limit_choices_to={"role": "assessor"},
    )
    no_conflict_declared = models.BooleanField(_("declared no conflict of interest"), default=False)
    declared_at = models.DateTimeField(null=True, blank=True)
    report_agreed = models.BooleanField(_("agrees to the report"), default=False)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessor assignment")
        verbose_name_plural = _("assessor assignments")
        constraints = [
            models.UniqueConstraint(
                fields=("procedure", "assessor"), name="procedures_assessor_once_per_panel"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} @ {self.procedure_id}"


class IndicatorScore(models.Model):
    """The panel's score for one indicator.

    Shared by the panel: ``revision`` grows with every change, and a save must name the revision
    it was based on, so that of two assessors saving at once the second is told instead of
    overwriting. ``confirmations`` record which assessors agree with the current revision.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="scores")
    indicator_id = models.CharField(_("indicator"), max_length=32)
    value = models.JSONField(_("value"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    evidence_seen = models.TextField(_("evidence seen"), blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("indicator score")
        verbose_name_plural = _("indicator scores")
        constraints = [
            models.UniqueConstraint(
                fields=("procedure", "indicator_id"), name="procedures_one_score_per_indicator"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.value} (r{self.revision})"


class ScoreConfirmation(models.Model):
    """An assessor agrees with a score at one revision."""

    score = models.ForeignKey(
        IndicatorScore, on_delete=models.CASCADE, related_name="confirmations"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField()
    confirmed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("score", "assessor"), name="procedures_one_confirmation_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor} confirms r{self.revision}"


class BoardVote(models.Model):
    """One advisory-board member's vote in one round of a procedure's board review."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="board_votes")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="board_votes"
    )
    round = models.PositiveSmallIntegerField()
    in_favour = models.BooleanField(_("recommends the award"))
    reason = models.TextField(_("reason"), blank=True)
    voted_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("board vote")
        verbose_name_plural = _("board votes")
        constraints = [
            models.UniqueConstraint(
                fields=("procedure", "member", "round"), name="procedures_one_vote_per_round"
            ),
            models.CheckConstraint(
                condition=models.Q(in_favour=True) | ~models.Q(reason=""),
                name="procedures_no_vote_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member}: {'yes' if self.in_favour else 'no'} (round {self.round})"


class BoardConflictDeclaration(models.Model):
    """A board member's conflict-of-interest declaration for one round of a board review.

    Guarantees: at most one per member and round, so every new round (after
    ``return_to_board``) needs a new declaration; a declared conflict says what it is. Until
    the member has declared no conflict for the current round the policy
    (``clusterlabel.access.policy``) shows them nothing of the file, and the transition table
    refuses their vote.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="board_conflict_declarations"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="board_conflict_declarations",
    )
    round = models.PositiveSmallIntegerField()
    no_conflict = models.BooleanField(_("declared no conflict of interest"))
    note = models.TextField(_("conflict of interest"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), default=timezone.now)

    class Meta:
        verbose_name = _("board conflict declaration")
        verbose_name_plural = _("board conflict declarations")
        ordering = ("round", "declared_at")
        constraints = [
            models.UniqueConstraint(
                fields=("procedure", "member", "round"),
                name="procedures_one_board_declaration_per_round",
            ),
            models.CheckConstraint(
                condition=models.Q(no_conflict=True) | ~models.Q(note=""),
                name="procedures_board_conflict_has_note",
            ),
        ]

    def __str__(self) -> str:
        verdict = "no conflict" if self.no_conflict else "conflict"
        return f"{self.member}: {verdict} (round {self.round})"


class DeadlineReminder(models.Model):
    """The record that one deadline reminder went out to one person.

    A reminder is about the deadline of the step the procedure was in (``step``, see
    ``clusterlabel.domain.procedure.reminders``) during one stay in that state
    (``state_entered_at``: re-entering the state starts a new series), for the due date it
    had then (``due``: a moved assessment date starts a new series for the new date), at one
    of ``settings.DEADLINE_REMINDER_DAYS`` (``offset`` days before the due date; negative:
    after it). Guarantees: at most one per procedure, stay, step, due date, offset and
    recipient, held by the database, so two runs of ``clusterlabel send-reminders`` at once
    cannot both send it; ``email`` is the address it was sent to.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    state_entered_at = models.DateTimeField(_("in the state since"))
    step = models.CharField(_("step"), max_length=32)
    due = models.DateField(_("due"))
    offset = models.SmallIntegerField(_("days before the due date"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    email = models.EmailField(_("sent to"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        ordering = ("-sent_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("procedure", "state_entered_at", "step", "due", "offset", "recipient"),
                name="procedures_one_deadline_reminder_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id}: {self.step} due {self.due} ({self.offset:+d} days)"


def improvement_evidence_path(instance: ImprovementArea, filename: str) -> str:
    # As for evidence: never the uploaded name.
    return (
        f"evidence/{instance.procedure_id}/area-{instance.evidence_sha256[:16]}-"
        f"{timezone.now():%Y%m%d%H%M%S%f}"
    )


class ImprovementArea(models.Model):
    """One of the improvement areas a Silver application names (ECEI: three), and how the
    on-site review judged it.

    Guarantees: one area per category and per position within a procedure; every area says what
    was improved and has evidence (a file, a reference to evidence, or both). ``validated`` is
    None until an assessor of the panel has reviewed it, then whether the area was validated
    against ``gold_criteria`` (the Gold criteria the scheme maps to its category, as they were
    at the review).
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="improvement_areas"
    )
    position = models.PositiveSmallIntegerField(_("area"))
    category_id = models.CharField(_("category"), max_length=32)
    description = models.TextField(_("what was improved"))
    evidence_reference = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(
        _("evidence file"), upload_to=improvement_evidence_path, max_length=255, blank=True
    )
    evidence_name = models.CharField(_("file name"), max_length=255, blank=True)
    evidence_content_type = models.CharField(max_length=100, blank=True)
    evidence_size = models.PositiveBigIntegerField(null=True, blank=True)
    evidence_sha256 = models.CharField(max_length=64, blank=True)
    validated = models.BooleanField(_("validated against the Gold criteria"), null=True, blank=True)
    gold_criteria = models.JSONField(_("Gold criteria"), default=list, blank=True)
    review_comment = models.TextField(_("comment of the review"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("improvement area")
        verbose_name_plural = _("improvement areas")
        ordering = ("procedure", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("procedure", "position"), name="procedures_one_area_per_position"
            ),
            models.UniqueConstraint(
                fields=("procedure", "category_id"), name="procedures_one_area_per_category"
            ),
            models.CheckConstraint(
                condition=~models.Q(description=""), name="procedures_area_has_description"
            ),
            models.CheckConstraint(
                condition=~models.Q(evidence_reference="") | ~models.Q(evidence_file=""),
                name="procedures_area_has_evidence",
            ),
            models.CheckConstraint(
                condition=models.Q(validated__isnull=True) | models.Q(reviewed_at__isnull=False),
                name="procedures_area_review_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.category_id}"
