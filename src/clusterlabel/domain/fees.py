"""Fee quotes: net, VAT, gross, and what the applicant pays after a subsidy.

Guarantees: money is ``Decimal`` throughout; every amount is quantised to cents with
ROUND_HALF_UP; ``gross = net + vat`` and ``payable_gross = payable_net + payable_vat`` exactly;
a fee item for the requested mode wins over one for ``mode: any``; a missing item is an error
(:class:`FeeNotDefined`), never a zero fee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from clusterlabel.domain.errors import FeeNotDefined
from clusterlabel.domain.schemes import AssessmentMode, FeeItem, Party, Process, Scheme, Text

_CENT = Decimal("0.01")


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _share(amount: Decimal, percent: Decimal) -> Decimal:
    return _cents(amount * percent / 100)


@dataclass(frozen=True)
class AppliedSubsidy:
    """The subsidy that applies to a quote and the amount (of the net fee) its payer covers."""

    name: Text
    payer: Party
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class FeeQuote:
    """The fee for one application. Without a subsidy the ``payable_*`` amounts equal the full ones.

    VAT on the payable part is computed on ``payable_net``, not by subtracting.
    """

    currency: str
    item_name: Text
    net: Decimal
    vat_percent: Decimal
    vat: Decimal
    gross: Decimal
    subsidy: AppliedSubsidy | None
    payable_net: Decimal
    payable_vat: Decimal
    payable_gross: Decimal


def _fee_item(scheme: Scheme, process: Process, mode: AssessmentMode) -> FeeItem:
    if mode not in scheme.procedure.assessment_modes:
        raise FeeNotDefined(
            f"{scheme.key} does not offer {mode} assessments "
            f"(offered: {', '.join(scheme.procedure.assessment_modes)})"
        )
    items = [item for item in scheme.fees.items if item.process == process]
    for wanted in (mode, "any"):
        for item in items:
            if item.mode == wanted:
                return item
    raise FeeNotDefined(f"{scheme.key} defines no fee for a {process} procedure in mode {mode}")


def quote_fee(
    scheme: Scheme, *, process: Process, mode: AssessmentMode, application_date: date
) -> FeeQuote:
    """Quote the fee of a ``process`` procedure assessed in ``mode``, applied for on a date.

    A subsidy applies when it lists the process and ``application_date`` lies within its
    inclusive dates. Raises :class:`FeeNotDefined` when no item matches or the scheme does not
    offer ``mode``.
    """
    item = _fee_item(scheme, process, mode)
    vat_percent = scheme.fees.vat_percent
    net = _cents(item.net)
    vat = _share(net, vat_percent)
    applied: AppliedSubsidy | None = None
    payable_net = net
    for subsidy in scheme.fees.subsidies:
        if subsidy.applies(process, application_date):
            amount = _share(net, subsidy.percent)
            applied = AppliedSubsidy(subsidy.name, subsidy.payer, subsidy.percent, amount)
            payable_net = net - amount
            break
    payable_vat = _share(payable_net, vat_percent)
    return FeeQuote(
        currency=scheme.fees.currency,
        item_name=item.name,
        net=net,
        vat_percent=vat_percent,
        vat=vat,
        gross=net + vat,
        subsidy=applied,
        payable_net=payable_net,
        payable_vat=payable_vat,
        payable_gross=payable_net + payable_vat,
    )
