"""What data protection keeps: a person's requests to be erased, and the marks that a
procedure's evidence files were deleted under its scheme's retention rule."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ErasureStatus(models.TextChoices):
    OPEN = "open", _("open")
    CARRIED_OUT = "carried_out", _("carried out")


class ErasureRequest(models.Model):
    """A person asks to be erased. Guarantees: at most one open request per person (the
    database refuses a second); it is closed by ``privacy.services.person_erase`` when an
    installation administrator carries it out. The reason is optional and the person's own."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.PROTECT,
        related_name="erasure_requests",
    )
    reason = models.TextField(_("reason"), blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=ErasureStatus.choices, default=ErasureStatus.OPEN
    )
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ("-requested_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("user",),
                condition=models.Q(status="open"),
                name="privacy_one_open_erasure_request",
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} ({self.status})"


class EvidenceRetention(models.Model):
    """The evidence files of one procedure were deleted under its scheme's retention rule:
    what the procedure keeps so that it can say so ("deleted after 60 months"). Guarantees:
    one per procedure; ``files_deleted`` counts every file deleted for it, over all runs."""

    procedure = models.OneToOneField(
        "procedures.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="evidence_retention",
    )
    months = models.PositiveSmallIntegerField(_("months after the decision"))
    files_deleted = models.PositiveIntegerField(_("files deleted"))
    applied_at = models.DateTimeField(_("applied at"))

    class Meta:
        verbose_name = _("evidence retention")
        verbose_name_plural = _("evidence retentions")

    def __str__(self) -> str:
        return f"{self.procedure_id}: {self.files_deleted} after {self.months} months"
