"""Issued labels: who holds which label of which scheme, valid from when until when."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models.functions import Trim, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.core.day_arithmetic import DaysBetween
from clusterlabel.credentials.status_list import MINIMUM_SIZE as STATUS_LIST_SIZE
from clusterlabel.domain.labels import LabelStatus, RecordedState, label_status
from clusterlabel.domain.validity import Validity
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.models import Procedure
from clusterlabel.schemes.models import SchemeVersion

#: How many days a label's validity spans (``valid_until - valid_from``), as indexed by
#: ``labels_validity_days``: the registry bounds its search for the labels valid on a day by
#: the longest (``labels.registry.queries.valid_on_range``).
VALIDITY_DAYS = DaysBetween(models.F("valid_until"), models.F("valid_from"))


class LabelState(models.TextChoices):
    ACTIVE = RecordedState.ACTIVE.value, _("Active")
    SUSPENDED = RecordedState.SUSPENDED.value, _("Suspended")
    REVOKED = RecordedState.REVOKED.value, _("Revoked")
    SUPERSEDED = RecordedState.SUPERSEDED.value, _("Superseded by a renewal")


class LabelSource(models.TextChoices):
    AWARDED = "awarded", _("Awarded in clusterlabel")
    RECOGNISED = "recognised", _("Recognised with another label")
    IMPORTED = "imported", _("Imported from an earlier register")


STATUS_LABELS = {
    LabelStatus.VALID: _("Valid"),
    LabelStatus.EXPIRED: _("Expired"),
    LabelStatus.NOT_YET_VALID: _("Not yet valid"),
    LabelStatus.SUSPENDED: _("Suspended"),
    LabelStatus.REVOKED: _("Revoked"),
}


class Label(models.Model):
    """One label period of one organisation: a scheme, a level and a validity.

    Guarantees: ``certificate_number`` and ``status_list_index`` are unique and never reused;
    ``valid_from <= valid_until``; a renewal is a new ``Label`` pointing at the one it renews
    (``previous``), so the whole history (2017 → 2019 → 2022) stays visible; the recorded
    ``state`` changes only through ``labels.services`` with an audit event.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="labels",
        verbose_name=_("organisation"),
    )
    scheme_version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, verbose_name=_("scheme version")
    )
    scheme_id = models.SlugField(_("scheme"), max_length=64)
    family = models.SlugField(_("label family"), max_length=64)
    level_id = models.CharField(_("level"), max_length=32)
    # The version of the indicator catalogue the assessment was scored under; empty when it is
    # not known. ``scheme_version`` is the version whose rules date the label; for a label
    # imported from a register that does not name one, that is a later version than the
    # assessment's, so it must not be reported as the catalogue (set by ``labels.services``
    # and the import, never later than the row says).
    catalogue_version = models.CharField(
        _("catalogue version"),
        max_length=32,
        blank=True,
        help_text=_("Empty when not known (a label imported from a register that does not say)."),
    )
    certificate_number = models.CharField(_("certificate number"), max_length=40, unique=True)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    awarded_on = models.DateField(_("awarded on"))
    first_awarded_on = models.DateField(
        _("first awarded on"), help_text=_("Start of the unbroken chain of renewals.")
    )
    state = models.CharField(
        _("state"), max_length=16, choices=LabelState.choices, default=LabelState.ACTIVE
    )
    state_reason = models.TextField(_("reason for the state"), blank=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=LabelSource.choices)
    procedure = models.ForeignKey(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="labels",
        verbose_name=_("procedure"),
    )
    recognised_with = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recognitions",
        verbose_name=_("recognised with"),
    )
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("renews"),
    )
    status_list_index = models.PositiveIntegerField(unique=True)
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("label")
        verbose_name_plural = _("labels")
        ordering = ("-valid_until", "certificate_number")
        # The registry's reads (``labels.registry.queries``): its default order, and each
        # filter with that order behind it, so that a page is an index range read, not a sort
        # of every label. The default order's index also holds the columns the filters on
        # dates and states and the join to the holder read (after the unique number, so they
        # do not change the order): the page's ids come from the index alone.
        indexes = [
            models.Index(fields=("family", "level_id", "valid_until")),
            models.Index(fields=("valid_from", "valid_until")),
            models.Index(
                fields=(
                    "-valid_until",
                    "certificate_number",
                    "valid_from",
                    "state",
                    "state_changed_at",
                    "organisation",
                    "id",
                ),
                name="labels_registry_order",
            ),
            models.Index(
                fields=("state", "-valid_until", "certificate_number"), name="labels_state_order"
            ),
            # A scheme's or a level's labels hold their holder and id as well: a page filtered
            # by them and by the holder's place walks the index alone, checking each holder in
            # ``organisations_public``, and their count reads no label row.
            models.Index(
                fields=("scheme_id", "level_id", "-valid_until", "certificate_number"),
                include=("organisation", "id"),
                name="labels_scheme_order",
            ),
            models.Index(
                fields=("level_id", "-valid_until", "certificate_number"),
                include=("organisation", "id"),
                name="labels_level_order",
            ),
            models.Index(VALIDITY_DAYS, name="labels_validity_days"),
        ]
        constraints = [
            # Stored in the one spelling lookups use (``canonical_certificate_number``).
            models.CheckConstraint(
                condition=models.Q(certificate_number=Upper(Trim("certificate_number"))),
                name="labels_certificate_number_canonical",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_from__lte=models.F("valid_until")),
                name="labels_validity_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=LabelState.values), name="labels_state_valid"
            ),
            # A position in the issuer's status lists (random: ``services.status_list_positions``):
            # inside the 131,072 entries of a W3C Bitstring Status List, and unique (the field),
            # so no two labels ever share a bit.
            models.CheckConstraint(
                condition=models.Q(status_list_index__lt=STATUS_LIST_SIZE),
                name="labels_status_list_index_in_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.certificate_number} {self.organisation} ({self.scheme_id} {self.level_id})"

    @property
    def validity(self) -> Validity:
        return Validity(self.valid_from, self.valid_until)

    def status_on(self, day: date | None = None) -> LabelStatus:
        return label_status(self.state, self.validity, day or timezone.localdate())

    @property
    def status(self) -> LabelStatus:
        return self.status_on()

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def scheme(self):
        return self.scheme_version.scheme

    @property
    def level(self):
        return self.scheme.level(self.level_id)


class NumberSequence(models.Model):
    """Counters for certificate numbers and status-list positions, taken under a row lock so
    that two issuers at once never get the same number."""

    key = models.CharField(max_length=64, unique=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class StoredStatusList(models.Model):
    """The signed revocation or suspension list as published, one row per purpose.

    Written by ``labels.certificates.credentials.status_lists_sign`` whenever a label's state may
    have changed (``labels.changes.labels_changed``, in the write's transaction), so that serving
    the list and checking a credential in the app read it instead of building and signing one per
    request.
    Guarantees: ``token`` is the VC-JWT of ``list_url`` signed with key ``kid`` at ``signed_at``,
    holding a bit for every label (of the issuer's schemes) in the purpose's states when that
    write committed; one row per issuer and purpose. ``issuer`` is the awarding authority's key,
    or ``""`` for the platform's lists from before per-authority issuers.
    """

    issuer = models.CharField(max_length=64, default="", blank=True)
    purpose = models.CharField(max_length=16)
    list_url = models.URLField(max_length=300)
    kid = models.CharField(max_length=300)
    token = models.TextField()
    signed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("issuer", "purpose"), name="labels_one_status_list_per_issuer_purpose"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose} ({self.signed_at:%Y-%m-%d %H:%M:%S})"


class StoredAggregate(models.Model):
    """A small aggregate of the public label data that a public page would otherwise count on
    every request after a change: the statistics of a day, the places of the holders.

    Built after the commit of every label write (``labels.registry.aggregates``, a task), and
    for today and tomorrow by the daily run, so that no request counts 100,000 labels.
    Guarantees: ``data`` was counted from data at least as new as data generation
    ``generation`` (read before counting), in the JSON format ``data["format"]``; a reader uses
    it only when ``generation`` is the current one; a row is never replaced by one counted at
    an older generation. One row per ``key`` (``statistics:<day>``, ``places``). Written by the
    application only.
    """

    key = models.CharField(max_length=64, unique=True)
    generation = models.PositiveBigIntegerField()
    data = models.JSONField()
    built_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key} · {self.generation}"


class LabelReminder(models.Model):
    """The record that one expiry reminder of one kind went out for one label.

    ``kind`` is the number of days before expiry the reminder is for (``"180"``, ``"90"``,
    ``"30"``, from ``settings.REMINDER_DAYS_BEFORE_EXPIRY``) or ``"expired"``. Guarantees: at
    most one reminder of each kind per label, held by the database, so two runs of
    ``clusterlabel send-reminders`` at once cannot both send it; ``recipients`` are the e-mail
    addresses it was sent to.
    """

    EXPIRED = "expired"

    label = models.ForeignKey(
        Label, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("label")
    )
    kind = models.CharField(_("reminder"), max_length=16)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)

    class Meta:
        verbose_name = _("expiry reminder")
        verbose_name_plural = _("expiry reminders")
        ordering = ("-sent_at",)
        constraints = [
            models.UniqueConstraint(fields=("label", "kind"), name="labels_one_reminder_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.label.certificate_number}: {self.kind}"
