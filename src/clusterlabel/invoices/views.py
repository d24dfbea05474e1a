"""Invoice pages: the list (the secretariat's, and a cluster manager's own), one invoice with
the secretariat's forms, and the downloads (PDF with embedded XML, XRechnung XML).

Every view reads through ``invoices.selectors`` (``restrict``: someone else's invoice is a
404) and asks the policy before a write (``MANAGE_INVOICE``: refused with 403)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity, restrict
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.domain.invoicing import payment_status
from clusterlabel.invoices import selectors, services
from clusterlabel.invoices.einvoice import invoice_xml, xml_filename
from clusterlabel.invoices.forms import CancelForm, MarkPaidForm, StatusFilterForm
from clusterlabel.invoices.models import Invoice
from clusterlabel.invoices.pdf import invoice_factur_x_pdf, pdf_filename
from clusterlabel.invoices.services import InvoiceRefused
from clusterlabel.procedures.models import Procedure


def shown_status(invoice: Invoice) -> str:
    """The status the pages show (``overdue`` computed)."""
    return payment_status(invoice.status, due_on=invoice.due_on, today=timezone.localdate())


@login_required
@require_GET
def invoice_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = StatusFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    invoices = list(selectors.invoice_list(request.user, status=status, today=timezone.localdate()))
    rows = [(invoice, shown_status(invoice)) for invoice in invoices]
    return render(request, "invoices/invoice_list.html", {"form": form, "rows": rows})


def _detail_context(request: AuthenticatedHttpRequest, invoice: Invoice, **forms) -> dict:
    manage = policy.can(request.user, Activity.MANAGE_INVOICE, invoice)
    status = shown_status(invoice)
    return {
        "invoice": invoice,
        "status": status,
        "manage": manage,
        "paid_form": forms.get("paid_form") or MarkPaidForm(),
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "may_mark_paid": manage and status in ("open", "overdue") and not invoice.is_credit_note,
        "may_cancel": manage
        and status in ("open", "overdue", "paid")
        and not invoice.is_credit_note,
    }


@login_required
@require_GET
def invoice_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(request.user, pk)
    return render(request, "invoices/invoice_detail.html", _detail_context(request, invoice))


@login_required
@require_GET
@never_cache  # private: an invoice, for its buyer and the secretariat
def invoice_pdf_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The invoice as PDF with its EN 16931 XML embedded (Factur-X/ZUGFeRD)."""
    invoice = selectors.invoice_get(request.user, pk)
    response = HttpResponse(invoice_factur_x_pdf(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(invoice)}"'
    response["Content-Language"] = invoice.language
    return response


@login_required
@require_GET
@never_cache
def invoice_xml_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The XRechnung (EN 16931 CII XML) of the invoice."""
    invoice = selectors.invoice_get(request.user, pk)
    response = HttpResponse(invoice_xml(invoice), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{xml_filename(invoice)}"'
    return response


def _refused(request: AuthenticatedHttpRequest, exc: InvoiceRefused) -> None:
    messages.error(request, exc.message)


@login_required
@require_POST
def invoice_mark_paid_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(request.user, pk)
    if not policy.can(request.user, Activity.MANAGE_INVOICE, invoice):
        raise PermissionDenied
    form = MarkPaidForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, invoice, paid_form=form)
        return render(request, "invoices/invoice_detail.html", context, status=400)
    try:
        services.invoice_mark_paid(
            invoice=invoice,
            paid_on=form.cleaned_data["paid_on"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except InvoiceRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("Invoice %(number)s is marked paid.") % {"number": invoice.number}
        )
    return redirect("invoices:detail", pk=invoice.pk)


@login_required
@require_POST
def invoice_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invoice = selectors.invoice_get(request.user, pk)
    if not policy.can(request.user, Activity.MANAGE_INVOICE, invoice):
        raise PermissionDenied
    form = CancelForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, invoice, cancel_form=form)
        return render(request, "invoices/invoice_detail.html", context, status=400)
    try:
        credit = services.invoice_cancel(
            invoice=invoice, reason=form.cleaned_data["reason"], actor=request.user
        )
    except InvoiceRefused as exc:
        _refused(request, exc)
        return redirect("invoices:detail", pk=invoice.pk)
    messages.success(
        request,
        _("Invoice %(number)s is cancelled by credit note %(credit)s.")
        % {"number": invoice.number, "credit": credit.number},
    )
    return redirect("invoices:detail", pk=credit.pk)


@login_required
@require_POST
def procedure_invoices_issue(request: AuthenticatedHttpRequest, procedure_pk: int) -> HttpResponse:
    """Issue the invoices of a contract concluded before invoices were issued with it (the
    secretariat's button on the procedure page)."""
    procedure = get_object_or_404(
        restrict(Procedure.objects.all(), request.user, Activity.VIEW_PROCEDURE), pk=procedure_pk
    )
    try:
        issued = services.invoices_issue(procedure=procedure, actor=request.user)
    except InvoiceRefused as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _("%(count)s invoices issued.") % {"count": len(issued)},
        )
    return redirect("procedures:detail", pk=procedure.pk)
