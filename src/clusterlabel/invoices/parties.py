"""Who sells and who buys: the seller's and the invoiced third parties' details from the
settings, the organisation's from its record, and the language of each invoice.

* The seller is the scheme version's operator: its name and country from the scheme file, the
  rest (address, VAT ID, bank account, contact, number prefix) from
  ``settings.INVOICE_SELLERS[<operator key>]``; without a prefix, one made from the key.
* A third party (a subsidy payer) is looked up by its name in the scheme file in
  ``settings.INVOICE_PAYERS``: its address, VAT ID, buyer reference (the Leitweg-ID a German
  public buyer requires on an XRechnung), whether it is a public buyer and its language
  (German by default). A payer named in a German scheme file that is configured as nothing
  else is treated as a German public buyer, since the shipped subsidy payers are ministries.
* The organisation is invoiced at its legal name and city, in the preferred language of its
  longest-standing active manager (German without one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings

from clusterlabel.domain.invoicing import number_prefix
from clusterlabel.procedures.models import Procedure
from clusterlabel.schemes.models import Operator

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"


@dataclass(frozen=True)
class Seller:
    """The operator as it appears on its invoices."""

    name: str
    address: str
    country: str
    vat_id: str
    contact: str
    bank_account: str
    prefix: str


@dataclass(frozen=True)
class Buyer:
    """Whom an invoice is addressed to."""

    name: str
    address: str
    city: str
    country: str
    vat_id: str
    reference: str
    is_public: bool
    language: str


def _address(config: dict[str, Any]) -> str:
    street = str(config.get("address", "")).strip()
    place = " ".join(
        part for part in (str(config.get("postcode", "")), str(config.get("city", ""))) if part
    )
    return "\n".join(part for part in (street, place) if part)


def seller_of(operator: Operator) -> Seller:
    """The seller's details for ``operator`` (module docstring)."""
    config: dict[str, Any] = settings.INVOICE_SELLERS.get(operator.slug, {})
    return Seller(
        name=operator.name,
        address=_address(config),
        country=operator.country,
        vat_id=str(config.get("vat_id", "")),
        contact=str(config.get("contact", "")),
        bank_account=str(config.get("iban", "")),
        prefix=str(config.get("prefix") or number_prefix(operator.name)),
    )


def _language(value: object) -> str:
    return value if isinstance(value, str) and value in LANGUAGES else DEFAULT_LANGUAGE


def organisation_language(procedure: Procedure) -> str:
    """The preferred language of the organisation's longest-standing active manager."""
    language = (
        procedure.organisation.managers.filter(is_active=True)
        .order_by("pk")
        .values_list("preferred_language", flat=True)
        .first()
    )
    return _language(language)


def organisation_buyer(procedure: Procedure) -> Buyer:
    """The organisation as the buyer of its share, with the VAT ID of the contract."""
    organisation = procedure.organisation
    return Buyer(
        name=organisation.legal_name,
        address=organisation.city,
        city=organisation.city,
        country=organisation.country,
        vat_id=procedure.fee_customer_vat_id,
        reference=procedure.reference,
        is_public=False,
        language=organisation_language(procedure),
    )


def third_party_buyer(procedure: Procedure, name: str) -> Buyer:
    """The subsidy payer ``name`` of the procedure's contract (module docstring)."""
    config: dict[str, Any] = settings.INVOICE_PAYERS.get(name, {})
    country = next(
        (s.payer.country for s in procedure.scheme.fees.subsidies if s.payer.name == name),
        procedure.scheme.operator.country,
    )
    return Buyer(
        name=name,
        address=_address(config),
        city=str(config.get("city", "")),
        country=str(config.get("country", country)),
        vat_id=str(config.get("vat_id", "")),
        reference=str(config.get("buyer_reference") or procedure.reference),
        is_public=bool(config.get("public", country == "DE")),
        language=_language(config.get("language")),
    )
