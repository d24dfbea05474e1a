"""The secretariat's two forms on an invoice: mark it paid, cancel it by a credit note."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.invoices.choices import STATUS_FILTER


class MarkPaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Paid on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(
        label=_("Note (e.g. the bank statement)"), max_length=1000, widget=forms.Textarea
    )


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"), max_length=1000, widget=forms.Textarea
    )


class StatusFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Payment status"),
        choices=[("", _("All")), *STATUS_FILTER],
        required=False,
    )
