"""``{% procedure_invoices procedure as invoices %}``: the invoices of a procedure the visitor
may see, for the procedure page (which the procedures app renders without knowing invoices)."""

from __future__ import annotations

from typing import Any

from django import template

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.invoices.models import Invoice
from clusterlabel.invoices.selectors import procedure_invoices as visible_invoices

register = template.Library()


@register.simple_tag(takes_context=True)
def procedure_invoices(context: template.Context, procedure: Any) -> list[Invoice]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or procedure is None or procedure.fee_gross is None:
        return []
    return visible_invoices(user, procedure)


@register.simple_tag(takes_context=True)
def may_issue_invoices(context: template.Context, procedure: Any) -> bool:
    """Whether the visitor may issue the invoices of a contract that has none (one concluded
    before invoices were issued with the contract)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or procedure is None or procedure.fee_gross is None:
        return False
    return policy.can(user, Activity.MANAGE_INVOICE, procedure) and not (
        Invoice.objects.filter(procedure_id=procedure.pk).exists()
    )
