"""Fee quotes: net, VAT per customer, gross, and who pays which share of the gross.

Guarantees:

* Money is ``Decimal`` throughout; every amount is quantised to cents with ROUND_HALF_UP.
* VAT is computed once, on the net: ``vat = round(net * vat_percent / 100)`` and
  ``gross = net + vat`` exactly.
* VAT per customer (:func:`vat_treatment`): the scheme's ``vat_percent`` is the VAT of the
  operator's country (the operator invoices). A customer in that country pays it
  (``domestic``); a customer in another EU member state with a VAT ID owes the VAT itself
  (``reverse_charge``, Art. 196 VAT Directive, § 13b UStG: the invoice carries no VAT and says
  so); a customer outside the EU pays none (``outside_eu``, the place of supply of a service to
  a business is where the recipient is, § 3a (2) UStG). A customer in another EU state without a
  VAT ID is treated as a non-business and pays the operator's VAT (§ 3a (1) UStG).
* The payers' shares add up to the gross to the cent. A subsidy is a share of the **gross**,
  because VAT is owed on a third party's payment for a service too (§ 10 (1) sentence 3 UStG):
  each third party's share is ``round(gross * percent / 100)``, and the applicant, listed last,
  pays the remainder ``gross - sum(the others)``. So 4,975.00 + 945.25 VAT = 5,920.25 splits
  into 2,960.13 (the ministry, 50 % rounded half up) and 2,960.12 (the organisation).
* A subsidy applies when it lists the process, the application date lies within its inclusive
  dates and, when it names programmes, the customer is a member of one of them; the first such
  subsidy in the file applies (the scheme check allows no two to overlap).
* The renewal fee is charged only inside the scheme's renewal window: on or before the previous
  label's ``valid_until`` plus ``renewal.grace_months_after_expiry`` (a month end staying a
  month end), counted on the application date. A renewal without a previous label, or applied
  for later, is charged the first-assessment fee, and the quote says why
  (``renewal_refused``).
* A fee item for the requested mode wins over one for ``mode: any``; a missing item is an error
  (:class:`FeeNotDefined`), never a zero fee.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from clusterlabel.domain.dates import add_months_keeping_month_end
from clusterlabel.domain.errors import FeeNotDefined
from clusterlabel.domain.schemes import AssessmentMode, FeeItem, Party, Process, Scheme, Text

_CENT = Decimal("0.01")

#: The member states of the European Union (ISO 3166-1 alpha-2; Greece is GR here, EL in VAT
#: IDs), whose businesses receive services under the reverse charge.
EU_MEMBER_STATES = frozenset(
    {
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    }
)  # fmt: skip


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(_CENT, rounding=ROUND_HALF_UP)


def _share(amount: Decimal, percent: Decimal) -> Decimal:
    return _cents(amount * percent / 100)


class VatTreatment(StrEnum):
    """How VAT is charged to a customer."""

    DOMESTIC = "domestic"
    REVERSE_CHARGE = "reverse_charge"
    OUTSIDE_EU = "outside_eu"


class RenewalRefused(StrEnum):
    """Why a renewal was charged the first-assessment fee."""

    NO_PREVIOUS_LABEL = "no_previous_label"
    WINDOW_PASSED = "window_passed"


@dataclass(frozen=True)
class Customer:
    """Who is invoiced: the country of the seat (ISO code), the VAT ID (empty when it has
    none) and the keys of the programmes it is a member of."""

    country: str
    vat_id: str = ""
    programmes: frozenset[str] = frozenset()


def vat_treatment(supplier_country: str, customer: Customer) -> VatTreatment:
    """How the operator in ``supplier_country`` charges VAT to ``customer`` (module docstring)."""
    if customer.country == supplier_country:
        return VatTreatment.DOMESTIC
    if customer.country not in EU_MEMBER_STATES:
        return VatTreatment.OUTSIDE_EU
    if supplier_country in EU_MEMBER_STATES and customer.vat_id.strip():
        return VatTreatment.REVERSE_CHARGE
    return VatTreatment.DOMESTIC


def renewal_fee_window_end(scheme: Scheme, previous_valid_until: date) -> date:
    """The last application day (inclusive) charged the renewal fee: ``previous_valid_until``
    plus the scheme's ``renewal.grace_months_after_expiry``, a month end staying a month end."""
    return add_months_keeping_month_end(
        previous_valid_until, scheme.renewal.grace_months_after_expiry
    )


@dataclass(frozen=True)
class AppliedSubsidy:
    """The subsidy that applies to a quote and the share of the gross fee its payer pays."""

    name: Text
    payer: Party
    percent: Decimal
    amount: Decimal


@dataclass(frozen=True)
class PayerShare:
    """What one payer pays of the gross; ``payer`` is ``None`` for the applicant."""

    payer: Party | None
    amount: Decimal


@dataclass(frozen=True)
class FeeQuote:
    """The fee for one application: ``process`` is the process charged (``new`` when a
    renewal was refused, see ``renewal_refused``); ``vat_percent`` is the rate charged (0 under
    the reverse charge and outside the EU). ``shares`` lists the third parties first and the
    applicant last and sums to ``gross``; ``payable_gross`` is the applicant's share."""

    currency: str
    process: Process
    item_name: Text
    net: Decimal
    vat_treatment: VatTreatment
    vat_percent: Decimal
    vat: Decimal
    gross: Decimal
    subsidy: AppliedSubsidy | None
    shares: tuple[PayerShare, ...]
    payable_gross: Decimal
    renewal_refused: RenewalRefused | None = None


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


def charged_process(
    scheme: Scheme,
    process: Process,
    *,
    application_date: date,
    previous_valid_until: date | None,
) -> tuple[Process, RenewalRefused | None]:
    """The process whose fee is charged, and why a renewal was refused (module docstring)."""
    if process != "renewal":
        return process, None
    if previous_valid_until is None:
        return "new", RenewalRefused.NO_PREVIOUS_LABEL
    if application_date > renewal_fee_window_end(scheme, previous_valid_until):
        return "new", RenewalRefused.WINDOW_PASSED
    return "renewal", None


def quote_fee(
    scheme: Scheme,
    *,
    process: Process,
    mode: AssessmentMode,
    application_date: date,
    customer: Customer | None = None,
    previous_valid_until: date | None = None,
    check_renewal_window: bool = True,
) -> FeeQuote:
    """Quote the fee of a ``process`` procedure assessed in ``mode``, applied for on a date by
    ``customer`` (default: one in the operator's country, member of no programme: the list
    price), renewing a label valid until ``previous_valid_until``.

    ``check_renewal_window=False`` quotes the renewal fee as such (the scheme's price list).
    Raises :class:`FeeNotDefined` when no item matches or the scheme does not offer ``mode``.
    """
    supplier_country = scheme.operator.country
    customer = customer or Customer(country=supplier_country)
    refused: RenewalRefused | None = None
    if check_renewal_window:
        process, refused = charged_process(
            scheme,
            process,
            application_date=application_date,
            previous_valid_until=previous_valid_until,
        )
    item = _fee_item(scheme, process, mode)
    treatment = vat_treatment(supplier_country, customer)
    vat_percent = scheme.fees.vat_percent if treatment == VatTreatment.DOMESTIC else Decimal(0)
    net = _cents(item.net)
    vat = _share(net, vat_percent)
    gross = net + vat
    applied: AppliedSubsidy | None = None
    for subsidy in scheme.fees.subsidies:
        if subsidy.applies(process, application_date, customer.programmes):
            amount = _share(gross, subsidy.percent)
            applied = AppliedSubsidy(subsidy.name, subsidy.payer, subsidy.percent, amount)
            break
    third_parties = (PayerShare(applied.payer, applied.amount),) if applied else ()
    payable_gross = gross - sum((share.amount for share in third_parties), Decimal(0))
    return FeeQuote(
        currency=scheme.fees.currency,
        process=process,
        item_name=item.name,
        net=net,
        vat_treatment=treatment,
        vat_percent=vat_percent,
        vat=vat,
        gross=gross,
        subsidy=applied,
        shares=(*third_parties, PayerShare(None, payable_gross)),
        payable_gross=payable_gross,
        renewal_refused=refused,
    )
