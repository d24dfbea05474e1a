"""Invoices and credit notes issued from a procedure's contract, and their counters.

Every write goes through ``invoices.services``. What the database holds:

* ``Invoice.number`` is unique; numbers come from ``InvoiceSequence`` (one row per operator
  and year, taken under a row lock), so they are gap-free per operator and year.
* An issued invoice's content (number, seller, buyer, amounts, VAT, dates, language) never
  changes: a database trigger (migration ``0002_immutable``) refuses an ``UPDATE`` that changes
  any of it, and lines are never updated. Only the payment status and its record change.
* A credit note cancels one invoice (``cancels``, at most one credit note per invoice) with
  the amounts negated; net plus VAT is the gross on every document (``CheckConstraint``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.invoices.choices import InvoiceKind, PayerKind, PaymentStatus, VatTreatment
from clusterlabel.procedures.models import Procedure
from clusterlabel.schemes.models import Operator

#: The columns of an issued invoice a trigger keeps unchanged (migration ``0002_immutable``).
IMMUTABLE_FIELDS = (
    "kind",
    "number",
    "operator_id",
    "scheme_id",
    "procedure_id",
    "payer_kind",
    "cancels_id",
    "language",
    "currency",
    "seller_name",
    "seller_address",
    "seller_country",
    "seller_vat_id",
    "seller_contact",
    "seller_bank_account",
    "buyer_name",
    "buyer_address",
    "buyer_city",
    "buyer_country",
    "buyer_vat_id",
    "buyer_reference",
    "buyer_is_public",
    "vat_treatment",
    "vat_percent",
    "net",
    "vat",
    "gross",
    "issued_on",
    "due_on",
    "issued_at",
)


class InvoiceSequence(models.Model):
    """The last invoice number given by one operator in one year, taken under a row lock
    (``select_for_update``) so that two issuers at once never get the same number and no
    number is skipped."""

    operator = models.ForeignKey(Operator, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("operator", "year"), name="invoices_one_sequence_per_operator_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.operator_id}/{self.year}: {self.last}"


class Invoice(models.Model):
    """One invoice (or credit note) to one payer of one procedure's contract.

    Guarantees: issued once, never changed (module docstring); ``net + vat == gross``; a
    credit note names the invoice it cancels and has its amounts negated; ``status`` is
    ``open``, ``paid`` or ``cancelled`` for an invoice and ``settled`` for a credit note
    (overdue is computed: ``clusterlabel.domain.invoicing.payment_status``).
    """

    kind = models.CharField(
        _("kind"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    number = models.CharField(_("number"), max_length=32, unique=True)
    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("operator")
    )
    scheme_id = models.SlugField(_("scheme"), max_length=64)
    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("procedure")
    )
    payer_kind = models.CharField(_("payer"), max_length=16, choices=PayerKind.choices)
    cancels = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_note",
        verbose_name=_("cancels invoice"),
    )
    language = models.CharField(_("language"), max_length=8)
    currency = models.CharField(_("currency"), max_length=3)

    seller_name = models.CharField(_("seller"), max_length=255)
    seller_address = models.TextField(_("seller's address"), blank=True)
    seller_country = models.CharField(_("seller's country"), max_length=2)
    seller_vat_id = models.CharField(_("seller's VAT ID"), max_length=20, blank=True)
    seller_contact = models.CharField(_("seller's contact"), max_length=255, blank=True)
    seller_bank_account = models.CharField(_("seller's IBAN"), max_length=40, blank=True)

    buyer_name = models.CharField(_("buyer"), max_length=255)
    buyer_address = models.TextField(_("buyer's address"), blank=True)
    buyer_city = models.CharField(_("buyer's city"), max_length=120, blank=True)
    buyer_country = models.CharField(_("buyer's country"), max_length=2)
    buyer_vat_id = models.CharField(_("buyer's VAT ID"), max_length=20, blank=True)
    buyer_reference = models.CharField(
        _("buyer reference"),
        max_length=64,
        help_text=_("The Leitweg-ID of a German public buyer, otherwise the procedure reference."),
    )
    buyer_is_public = models.BooleanField(_("public buyer"), default=False)

    vat_treatment = models.CharField(
        _("VAT treatment"), max_length=16, choices=VatTreatment.choices
    )
    vat_percent = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=2)
    net = models.DecimalField(_("net"), max_digits=10, decimal_places=2)
    vat = models.DecimalField(_("VAT"), max_digits=10, decimal_places=2)
    gross = models.DecimalField(_("gross"), max_digits=10, decimal_places=2)

    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    status = models.CharField(
        _("payment status"),
        max_length=16,
        choices=PaymentStatus.choices,
        default=PaymentStatus.OPEN,
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    status_note = models.TextField(_("note on the payment status"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ("-issued_at", "-pk")
        indexes = [models.Index(fields=("status", "due_on"), name="invoices_status_due")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(gross=models.F("net") + models.F("vat")),
                name="invoices_net_plus_vat_is_gross",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PaymentStatus.values),
                name="invoices_status_valid",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind=InvoiceKind.INVOICE, cancels__isnull=True, gross__gte=0)
                    & ~models.Q(status=PaymentStatus.SETTLED)
                )
                | models.Q(
                    kind=InvoiceKind.CREDIT_NOTE,
                    cancels__isnull=False,
                    gross__lte=0,
                    status=PaymentStatus.SETTLED,
                ),
                name="invoices_credit_note_cancels_one_invoice",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=PaymentStatus.PAID) | models.Q(paid_on__isnull=False),
                name="invoices_paid_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


class InvoiceLine(models.Model):
    """One line of an invoice: what is charged, written when the invoice is issued and never
    changed (a trigger refuses updates)."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    description = models.TextField()
    quantity = models.DecimalField(max_digits=8, decimal_places=2, default=1)
    unit_net = models.DecimalField(max_digits=10, decimal_places=2)
    net = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ("invoice", "position")
        constraints = [
            models.UniqueConstraint(
                fields=("invoice", "position"), name="invoices_one_line_per_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.description}"


class InvoiceReminder(models.Model):
    """The record that the overdue reminder of one invoice went out (at most one per invoice,
    held by the database), with the addresses it went to."""

    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="reminder")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.invoice_id} {self.sent_at:%Y-%m-%d}"
