"""The structured assessment report and the organisation's feedback.

Writes happen only in ``services.py``, which asks ``clusterlabel.domain.report`` and writes the
audit event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.domain.report import RATING_MAX, RATING_MIN
from clusterlabel.procedures.models import Procedure


class StructuredReport(models.Model):
    """The panel's structured report on one procedure: its findings per category.

    Guarantees: one per procedure; ``revision`` grows by one with every change of a finding, and
    a change must name the revision it was based on (``clusterlabel.domain.report``), so two
    assessors saving at once cannot overwrite each other. Every change withdraws the panel's
    agreement to the report (``AssessorAssignment.report_agreed``), which the transition
    ``submit_report`` requires from every assessor: the report submitted is the one all agreed
    to. Every agreement names the revision the assessor read and is checked against it
    (``services.agreement_check``, run by ``procedures.services.report_agree``; once there are
    findings, the summary form without a revision is refused); the revision agreed to is kept
    per assessor in ``ReportAgreement``.
    """

    procedure = models.OneToOneField(
        Procedure,
        on_delete=models.CASCADE,
        related_name="structured_report",
        verbose_name=_("procedure"),
    )
    revision = models.PositiveIntegerField(_("revision"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(_("last changed at"), auto_now=True)

    class Meta:
        verbose_name = _("structured report")
        verbose_name_plural = _("structured reports")

    def __str__(self) -> str:
        return f"{self.procedure_id} r{self.revision}"


class CategoryFinding(models.Model):
    """The panel's findings for one category of the scheme: three lists of short texts.

    Guarantees: one row per report and category; each list is a JSON list of non-empty strings
    as ``clusterlabel.domain.report.findings_clean`` leaves them."""

    report = models.ForeignKey(
        StructuredReport, on_delete=models.CASCADE, related_name="categories"
    )
    category_id = models.CharField(_("category"), max_length=32)
    strengths = models.JSONField(_("strengths"), default=list, blank=True)
    weaknesses = models.JSONField(_("weaknesses"), default=list, blank=True)
    recommendations = models.JSONField(_("recommendations"), default=list, blank=True)

    class Meta:
        verbose_name = _("findings of a category")
        verbose_name_plural = _("findings of the categories")
        constraints = [
            models.UniqueConstraint(
                fields=("report", "category_id"), name="reports_one_finding_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.category_id}"


class ReportAgreement(models.Model):
    """Which revision of the structured report an assessor agreed to (the record; whether the
    agreement still counts is ``revision == report.revision``)."""

    report = models.ForeignKey(
        StructuredReport, on_delete=models.CASCADE, related_name="agreements"
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(_("revision"))
    agreed_at = models.DateTimeField(_("agreed at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("report", "assessor"), name="reports_one_agreement_per_assessor"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessor_id} agrees to r{self.revision}"


#: The rating columns, named as ``clusterlabel.domain.report.FeedbackQuestion``.
RATING_FIELDS = ("process", "communication", "panel_expertise", "panel_fairness")


def _rating(verbose_name: Any) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(verbose_name)


class Feedback(models.Model):
    """The organisation's feedback on a decided procedure: four ratings from 1 to 5 and an
    optional comment.

    Guarantees: at most one per procedure (the database holds it: a second submission, even at
    the same moment, is refused); every rating between 1 and 5. Only a manager of the
    organisation gives it, and only after the decision (``services.feedback_give``). Nobody
    reads one entry but its author: the scheme's secretariat and operator see aggregates
    (``selectors.feedback_summary``)."""

    procedure = models.OneToOneField(
        Procedure, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("procedure")
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    process = _rating(_("the procedure as a whole"))
    communication = _rating(_("information and communication"))
    panel_expertise = _rating(_("the assessors' expertise"))
    panel_fairness = _rating(_("the assessors' fairness and preparation"))
    comment = models.TextField(_("comment"), blank=True)
    given_at = models.DateTimeField(_("given at"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    **{f"{name}__gte": RATING_MIN for name in RATING_FIELDS},
                    **{f"{name}__lte": RATING_MAX for name in RATING_FIELDS},
                ),
                name="reports_feedback_ratings_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"feedback on {self.procedure_id}"
