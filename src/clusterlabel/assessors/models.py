"""An assessor's profile in the expert pool: what they speak, know and may assess, their
qualifications and the conflicts of interest they declared once.

Written only by ``clusterlabel.assessors.services``; read for the panel through
``clusterlabel.assessors.selectors``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.assessors.choices import QualificationKindChoices


class AssessorProfile(models.Model):
    """One assessor's profile, one per account.

    ``languages`` are ISO 639-1 codes, ``sectors`` values of the organisations' ``Sector``,
    ``countries`` ISO 3166-1 alpha-2 codes of the countries the assessor may assess in (empty:
    no restriction); each list is stored sorted and without repetitions (the service
    normalises it).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assessor_profile",
        verbose_name=_("assessor"),
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    sectors = models.JSONField(_("sectors"), default=list, blank=True)
    countries = models.JSONField(_("countries assessed in"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("assessor profile")
        verbose_name_plural = _("assessor profiles")
        ordering = ("user__last_name", "user__first_name", "user__username")

    def __str__(self) -> str:
        return str(self.user)


class Qualification(models.Model):
    """A qualification of an assessor for one level of one scheme, valid from ``valid_from``
    to ``valid_until`` (both inclusive).

    Guarantees: ``valid_until`` is not before ``valid_from``; it counts only once confirmed
    (``confirmed_at`` set, by ``confirmed_by``, a secretariat of the scheme who is not the
    assessor); the assessor can add or remove their own, never confirm them. One qualification
    per assessor, scheme, level and start date.
    """

    profile = models.ForeignKey(
        AssessorProfile,
        on_delete=models.CASCADE,
        related_name="qualifications",
        verbose_name=_("assessor profile"),
    )
    scheme_id = models.SlugField(_("scheme"), max_length=64)
    level_id = models.CharField(_("level"), max_length=32)
    kind = models.CharField(_("kind"), max_length=16, choices=QualificationKindChoices.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ("scheme_id", "level_id", "-valid_until", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("valid_from")),
                name="assessors_qualification_period",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_by__isnull=True)
                | models.Q(confirmed_at__isnull=False),
                name="assessors_qualification_confirmed_when",
            ),
            models.UniqueConstraint(
                fields=("profile", "scheme_id", "level_id", "valid_from"),
                name="assessors_qualification_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.level_id} ({self.valid_from} to {self.valid_until})"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class DeclaredConflict(models.Model):
    """A conflict of interest the assessor declared once on their profile: they worked for (or
    with) the organisation since ``since``. It applies to every later procedure of that
    organisation: the assessor is never suggested for it and cannot be put on its panel.
    One declaration per assessor and organisation."""

    profile = models.ForeignKey(
        AssessorProfile,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("assessor profile"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    note = models.TextField(_("note"))
    since = models.DateField(_("since"), null=True, blank=True)
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("declared conflict of interest")
        verbose_name_plural = _("declared conflicts of interest")
        ordering = ("organisation__cluster_name", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("profile", "organisation"), name="assessors_conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.profile}: {self.organisation}"
