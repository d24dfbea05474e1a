"""Choice lists of invoices; values match ``clusterlabel.domain.invoicing`` and
``clusterlabel.domain.fees``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class PaymentStatus(models.TextChoices):
    """Stored statuses; "overdue" is computed (an open invoice past its due date)."""

    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled by credit note")
    SETTLED = "settled", _("Credit note")


#: Every status a user can filter by, including the computed one.
STATUS_FILTER = (*PaymentStatus.choices[:1], ("overdue", _("Overdue")), *PaymentStatus.choices[1:])


class PayerKind(models.TextChoices):
    ORGANISATION = "organisation", _("The organisation")
    THIRD_PARTY = "third_party", _("A third party (subsidy)")


class VatTreatment(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic VAT")
    REVERSE_CHARGE = "reverse_charge", _("Reverse charge")
    OUTSIDE_EU = "outside_eu", _("Not taxable in Germany")
