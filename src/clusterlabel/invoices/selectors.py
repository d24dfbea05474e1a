"""Reads of invoices, each through the policy (``restrict``) with its prefetches, so a list
costs the same number of queries for one invoice or a thousand."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.invoices.choices import PaymentStatus
from clusterlabel.invoices.models import Invoice
from clusterlabel.procedures.models import Procedure


def _visible(user: Any) -> QuerySet[Invoice]:
    return restrict(Invoice.objects.all(), user, Activity.VIEW_INVOICE)


def invoice_list(user: Any, *, status: str = "", today: date) -> QuerySet[Invoice]:
    """The invoices and credit notes ``user`` may see, newest first, optionally of one status
    (``overdue``: open and past the due date; ``open``: open and not yet due)."""
    invoices = _visible(user).select_related("procedure__organisation", "operator", "cancels")
    if status == "overdue":
        invoices = invoices.filter(status=PaymentStatus.OPEN, due_on__lt=today)
    elif status == PaymentStatus.OPEN:
        invoices = invoices.filter(status=PaymentStatus.OPEN, due_on__gte=today)
    elif status in PaymentStatus.values:
        invoices = invoices.filter(status=status)
    return invoices.order_by("-issued_at", "-pk")


def invoice_get(user: Any, pk: int) -> Invoice:
    """One invoice ``user`` may see, with its lines, or 404 (someone else's invoice is not
    found, not forbidden)."""
    return get_object_or_404(
        _visible(user)
        .select_related("procedure__organisation", "procedure__scheme_version", "cancels")
        .prefetch_related("lines"),
        pk=pk,
    )


def procedure_invoices(user: Any, procedure: Procedure) -> list[Invoice]:
    """The invoices of ``procedure`` that ``user`` may see (the procedure page's list)."""
    return list(
        _visible(user)
        .filter(procedure_id=procedure.pk)
        .select_related("procedure", "cancels")
        .order_by("issued_at", "pk")
    )
