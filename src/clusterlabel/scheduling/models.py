"""Scheduling the assessment: the assessors' availability and the appointment's versions.

Rows are written only by ``clusterlabel.scheduling.services``, which asks
``clusterlabel.domain.scheduling`` and the policy first and records every write in the audit
trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.procedures.choices import AssessmentMode
from clusterlabel.procedures.models import Procedure


class Availability(models.Model):
    """A period (whole days, both ends included) in which an assessor is available for
    assessments, with an optional note.

    Guarantees: ``start <= end`` (a check constraint); the periods of one assessor never
    overlap — the service checks it under a lock of the assessor's account row, and on
    PostgreSQL an exclusion constraint (migration 0001) holds it in the database too.
    """

    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="availability",
        verbose_name=_("assessor"),
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("until"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("availability")
        verbose_name_plural = _("availability")
        ordering = ("assessor", "start")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=F("end")), name="scheduling_availability_ordered"
            ),
            models.UniqueConstraint(
                fields=("assessor", "start"), name="scheduling_availability_one_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessor_id}: {self.start} to {self.end}"


class AppointmentProposal(models.Model):
    """A start date somebody of the panel or the secretariat suggested, checked against the
    deadlines and everyone's availability when it was made. Only a suggestion: the appointment
    is what the secretariat fixes (:class:`Appointment`)."""

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="appointment_proposals"
    )
    start_date = models.DateField(_("first day"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)

    class Meta:
        verbose_name = _("proposed assessment date")
        verbose_name_plural = _("proposed assessment dates")
        ordering = ("start_date", "proposed_at")

    def __str__(self) -> str:
        return f"{self.procedure_id}: {self.start_date}"


class Appointment(models.Model):
    """One version of a procedure's assessment appointment. Fixing a date creates version 1;
    every change creates the next version, and earlier ones are kept as the history.

    Guarantees: versions of a procedure are numbered 1, 2, ... (unique per procedure; the
    service locks the procedure row while it numbers); ``start_date <= end_date``; every version
    after the first says why it changed; an on-site version has an address and a video version
    a link (``https`` only, checked by the service through the domain). The current appointment
    is the highest version, and its ``start_date`` is the procedure's ``assessment_date`` when
    it was fixed. ``agenda`` is a list of ``{"day": 1, "time": "09:00", "title": "..."}``.
    """

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="appointments")
    version = models.PositiveIntegerField(_("version"))
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    mode = models.CharField(_("assessment mode"), max_length=16, choices=AssessmentMode.choices)
    address = models.TextField(_("address"), blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    agenda = models.JSONField(_("agenda"), default=list, blank=True)
    reason = models.TextField(_("reason for the change"), blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    fixed_at = models.DateTimeField(_("fixed at"), default=timezone.now)

    class Meta:
        verbose_name = _("assessment appointment")
        verbose_name_plural = _("assessment appointments")
        ordering = ("procedure", "-version")
        constraints = [
            models.UniqueConstraint(
                fields=("procedure", "version"), name="scheduling_one_appointment_per_version"
            ),
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")), name="scheduling_appointment_ordered"
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="scheduling_appointment_version_positive"
            ),
            models.CheckConstraint(
                condition=Q(version=1) | ~Q(reason=""), name="scheduling_reschedule_has_reason"
            ),
            models.CheckConstraint(
                condition=~Q(mode=AssessmentMode.ON_SITE) | ~Q(address=""),
                name="scheduling_on_site_has_address",
            ),
            models.CheckConstraint(
                condition=~Q(mode=AssessmentMode.VIDEO) | Q(video_link__startswith="https://"),
                name="scheduling_video_has_https_link",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure_id} v{self.version}: {self.start_date}"

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1
