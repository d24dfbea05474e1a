"""Fee quotes: VAT per customer, shares of the gross that add up, subsidies by date and by
programme, the renewal fee only inside the renewal window, cents rounded half up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain.errors import FeeNotDefined, SchemeFileError
from clusterlabel.domain.fees import (
    AppliedSubsidy,
    Customer,
    FeeQuote,
    PayerShare,
    RenewalRefused,
    VatTreatment,
    quote_fee,
    renewal_fee_window_end,
    vat_treatment,
)
from clusterlabel.domain.schemes import Scheme, load_scheme_dir
from tests.domain.conftest import SHIPPED_DIR
from tests.domain.factories import build_scheme, party, scheme_data, text

INTRODUCTION = {
    "name": text("Introduction phase"),
    "payer": party("Ministry of Finance and Economics Baden-Württemberg"),
    "percent": "50",
    "processes": ["new"],
    "valid_from": date(2012, 11, 1),
    "valid_until": date(2016, 12, 31),
}

GO_CLUSTER = {
    "name": text("go-cluster pays the Silver assessment"),
    "payer": party("Federal Ministry for Economic Affairs"),
    "percent": "100",
    "processes": ["new", "renewal"],
    "valid_from": date(2016, 1, 1),
    "programmes": ["go-cluster"],
}

GERMAN = Customer(country="DE")


def fee_scheme(*, items: list[dict[str, Any]] | None = None, **fees: Any) -> Scheme:
    data = scheme_data()
    if items is not None:
        data["fees"]["items"] = items
    data["fees"].update(fees)
    return build_scheme(data)


@pytest.fixture(scope="module")
def bw() -> Scheme:
    return fee_scheme(subsidies=[INTRODUCTION])


def test_fee_with_vat_and_no_subsidy(bw: Scheme) -> None:
    quote = quote_fee(bw, process="new", mode="on_site", application_date=date(2020, 5, 1))
    assert quote == FeeQuote(
        currency="EUR",
        process="new",
        item_name=bw.fees.items[0].name,
        net=Decimal("4975.00"),
        vat_treatment=VatTreatment.DOMESTIC,
        vat_percent=Decimal("19"),
        vat=Decimal("945.25"),
        gross=Decimal("5920.25"),
        subsidy=None,
        shares=(PayerShare(None, Decimal("5920.25")),),
        payable_gross=Decimal("5920.25"),
    )


def test_half_of_the_gross_fee_paid_by_the_ministry(bw: Scheme) -> None:
    """The seeds' contract: 4,975.00 + 945.25 VAT = 5,920.25, half of it (VAT included) paid
    by the ministry, 2,960.125 rounded half up; the organisation pays the rest. No cent of the
    VAT on the ministry's half is left unpaid (it was 472.62 when shares were taken of the
    net)."""
    quote = quote_fee(bw, process="new", mode="on_site", application_date=date(2014, 2, 1))
    assert (quote.net, quote.vat, quote.gross) == (
        Decimal("4975.00"),
        Decimal("945.25"),
        Decimal("5920.25"),
    )
    ministry = bw.fees.subsidies[0]
    assert quote.subsidy == AppliedSubsidy(
        name=ministry.name, payer=ministry.payer, percent=Decimal("50"), amount=Decimal("2960.13")
    )
    assert quote.shares == (
        PayerShare(ministry.payer, Decimal("2960.13")),
        PayerShare(None, Decimal("2960.12")),
    )
    assert quote.payable_gross == Decimal("2960.12")
    assert sum(share.amount for share in quote.shares) == quote.gross


@given(
    net=st.decimals(min_value=0, max_value=Decimal("999999.99"), places=2),
    vat_percent=st.decimals(min_value=0, max_value=100, places=2),
    subsidy_percent=st.decimals(min_value=0, max_value=100, places=2),
)
def test_the_shares_add_up_to_the_gross_to_the_cent(
    net: Decimal, vat_percent: Decimal, subsidy_percent: Decimal
) -> None:
    scheme = fee_scheme(
        items=[{"process": "new", "mode": "any", "net": str(net), "name": text("Fee")}],
        vat_percent=str(vat_percent),
        subsidies=[{**INTRODUCTION, "percent": str(subsidy_percent), "valid_until": None}],
    )
    quote = quote_fee(scheme, process="new", mode="video", application_date=date(2020, 1, 1))
    assert quote.gross == quote.net + quote.vat
    assert sum(share.amount for share in quote.shares) == quote.gross
    assert all(share.amount >= 0 for share in quote.shares)
    assert all(share.amount.as_tuple().exponent == -2 for share in quote.shares)
    ministry, applicant = quote.shares
    # The third party's share is its percentage of the gross, within half a cent.
    assert abs(ministry.amount - quote.gross * subsidy_percent / 100) <= Decimal("0.005")
    assert applicant.payer is None and applicant.amount == quote.payable_gross


@pytest.mark.parametrize(
    ("applied", "subsidised"),
    [
        (date(2012, 10, 31), False),
        (date(2012, 11, 1), True),
        (date(2016, 12, 31), True),
        (date(2017, 1, 1), False),
    ],
)
def test_subsidy_dates_are_inclusive(bw: Scheme, applied: date, subsidised: bool) -> None:
    quote = quote_fee(bw, process="new", mode="video", application_date=applied)
    assert (quote.subsidy is not None) is subsidised
    assert len(quote.shares) == (2 if subsidised else 1)


def test_subsidy_applies_only_to_its_processes(bw: Scheme) -> None:
    quote = quote_fee(
        bw,
        process="renewal",
        mode="on_site",
        application_date=date(2014, 2, 1),
        previous_valid_until=date(2014, 6, 30),
    )
    assert quote.subsidy is None
    assert (quote.process, quote.net, quote.vat, quote.gross) == (
        "renewal",
        Decimal("3975.00"),
        Decimal("755.25"),
        Decimal("4730.25"),
    )


def test_open_ended_subsidy() -> None:
    scheme = fee_scheme(
        subsidies=[
            {
                **INTRODUCTION,
                "processes": ["new", "renewal"],
                "valid_from": None,
                "valid_until": None,
            }
        ]
    )
    quote = quote_fee(
        scheme,
        process="renewal",
        mode="on_site",
        application_date=date(1999, 1, 1),
        previous_valid_until=date(1999, 3, 31),
    )
    assert quote.subsidy is not None
    assert quote.payable_gross == Decimal("2365.12")  # 4,730.25 - 2,365.13


# --- subsidies by programme membership ------------------------------------------------------------


@pytest.fixture(scope="module")
def silver() -> Scheme:
    items = [{"process": "new", "mode": "any", "net": "3620.00", "name": text("Silver")}]
    return fee_scheme(items=items, subsidies=[GO_CLUSTER])


def test_the_programme_pays_its_members_silver(silver: Scheme) -> None:
    member = Customer(country="DE", programmes=frozenset({"go-cluster", "other"}))
    quote = quote_fee(
        silver, process="new", mode="on_site", application_date=date(2016, 1, 1), customer=member
    )
    assert quote.gross == Decimal("4307.80")
    assert quote.subsidy is not None and quote.subsidy.amount == Decimal("4307.80")
    assert quote.payable_gross == Decimal("0.00")
    assert [share.amount for share in quote.shares] == [Decimal("4307.80"), Decimal("0.00")]


@pytest.mark.parametrize(
    ("programmes", "applied"),
    [
        (frozenset(), date(2020, 1, 1)),  # not a member
        (frozenset({"other"}), date(2020, 1, 1)),  # a member of another programme
        (frozenset({"go-cluster"}), date(2015, 12, 31)),  # a member, before the programme paid
    ],
)
def test_no_programme_subsidy_for_others_or_before_its_date(
    silver: Scheme, programmes: frozenset[str], applied: date
) -> None:
    customer = Customer(country="DE", programmes=programmes)
    quote = quote_fee(
        silver, process="new", mode="on_site", application_date=applied, customer=customer
    )
    assert quote.subsidy is None
    assert quote.payable_gross == quote.gross == Decimal("4307.80")


def test_a_subsidy_open_to_everyone_keeps_its_serialised_form() -> None:
    """``programmes`` is left out of the content hash when empty: schemes loaded before it
    existed keep their hash."""
    scheme = fee_scheme(subsidies=[INTRODUCTION])
    assert "programmes" not in scheme.model_dump()["fees"]["subsidies"][0]
    named = fee_scheme(subsidies=[{**INTRODUCTION, "programmes": ["go-cluster"]}])
    assert named.model_dump()["fees"]["subsidies"][0]["programmes"] == ("go-cluster",)
    assert named.content_hash != scheme.content_hash


def test_a_programme_is_named_by_its_key() -> None:
    with pytest.raises(SchemeFileError, match="programmes"):
        fee_scheme(subsidies=[{**GO_CLUSTER, "programmes": ["Go Cluster!"]}])


# --- VAT per customer -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("customer", "treatment"),
    [
        (Customer(country="DE"), VatTreatment.DOMESTIC),
        (Customer(country="DE", vat_id="DE123456789"), VatTreatment.DOMESTIC),
        (Customer(country="AT", vat_id="ATU12345678"), VatTreatment.REVERSE_CHARGE),
        (Customer(country="GR", vat_id="EL123456789"), VatTreatment.REVERSE_CHARGE),
        (Customer(country="AT"), VatTreatment.DOMESTIC),  # no VAT ID: not a business
        (Customer(country="AT", vat_id="  "), VatTreatment.DOMESTIC),
        (Customer(country="NO", vat_id="NO123456789MVA"), VatTreatment.OUTSIDE_EU),
        (Customer(country="CH"), VatTreatment.OUTSIDE_EU),
        (Customer(country="GB", vat_id="GB123456789"), VatTreatment.OUTSIDE_EU),
    ],
)
def test_vat_treatment_per_customer(customer: Customer, treatment: VatTreatment) -> None:
    assert vat_treatment("DE", customer) is treatment


def test_an_operator_outside_germany_charges_its_own_customers_domestically() -> None:
    assert vat_treatment("BE", Customer(country="BE", vat_id="BE0123456789")) is (
        VatTreatment.DOMESTIC
    )
    assert vat_treatment("BE", Customer(country="DE", vat_id="DE123456789")) is (
        VatTreatment.REVERSE_CHARGE
    )


def test_reverse_charge_quotes_no_vat_and_the_shares_still_add_up(bw: Scheme) -> None:
    austrian = Customer(country="AT", vat_id="ATU12345678")
    quote = quote_fee(
        bw, process="new", mode="on_site", application_date=date(2014, 2, 1), customer=austrian
    )
    assert quote.vat_treatment is VatTreatment.REVERSE_CHARGE
    assert (quote.net, quote.vat_percent, quote.vat, quote.gross) == (
        Decimal("4975.00"),
        Decimal(0),
        Decimal("0.00"),
        Decimal("4975.00"),
    )
    assert [share.amount for share in quote.shares] == [Decimal("2487.50"), Decimal("2487.50")]


def test_a_customer_outside_the_eu_pays_no_german_vat(bw: Scheme) -> None:
    swiss = Customer(country="CH")
    quote = quote_fee(
        bw, process="new", mode="on_site", application_date=date(2020, 2, 1), customer=swiss
    )
    assert quote.vat_treatment is VatTreatment.OUTSIDE_EU
    assert (quote.vat, quote.gross, quote.payable_gross) == (
        Decimal("0.00"),
        Decimal("4975.00"),
        Decimal("4975.00"),
    )


# --- the renewal window ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grace", "valid_until", "last_renewal_day"),
    [
        (0, date(2017, 7, 2), date(2017, 7, 2)),
        (12, date(2019, 9, 30), date(2020, 9, 30)),
        (12, date(2023, 2, 28), date(2024, 2, 29)),  # a month end stays a month end
        (12, date(2019, 9, 15), date(2020, 9, 15)),
    ],
)
def test_renewal_fee_just_inside_and_just_outside_the_window(
    grace: int, valid_until: date, last_renewal_day: date
) -> None:
    data = scheme_data()
    data["renewal"] = {"grace_months_after_expiry": grace, "extension_months": 24}
    scheme = build_scheme(data)
    assert renewal_fee_window_end(scheme, valid_until) == last_renewal_day
    inside = quote_fee(
        scheme,
        process="renewal",
        mode="on_site",
        application_date=last_renewal_day,
        previous_valid_until=valid_until,
    )
    assert (inside.process, inside.net, inside.renewal_refused) == (
        "renewal",
        Decimal("3975.00"),
        None,
    )
    outside = quote_fee(
        scheme,
        process="renewal",
        mode="on_site",
        application_date=date.fromordinal(last_renewal_day.toordinal() + 1),
        previous_valid_until=valid_until,
    )
    assert (outside.process, outside.net, outside.renewal_refused) == (
        "new",
        Decimal("4975.00"),
        RenewalRefused.WINDOW_PASSED,
    )


def test_a_renewal_of_a_label_that_expired_years_ago_costs_the_first_assessment_fee(
    bw: Scheme,
) -> None:
    """The issue's case: a 'renewal' at 3,975 accepted for a label that expired years ago."""
    quote = quote_fee(
        bw,
        process="renewal",
        mode="on_site",
        application_date=date(2024, 3, 1),
        previous_valid_until=date(2017, 7, 2),
    )
    assert (quote.process, quote.net, quote.renewal_refused) == (
        "new",
        Decimal("4975.00"),
        RenewalRefused.WINDOW_PASSED,
    )


def test_a_renewal_without_a_previous_label_costs_the_first_assessment_fee(bw: Scheme) -> None:
    quote = quote_fee(bw, process="renewal", mode="on_site", application_date=date(2024, 3, 1))
    assert (quote.process, quote.net, quote.renewal_refused) == (
        "new",
        Decimal("4975.00"),
        RenewalRefused.NO_PREVIOUS_LABEL,
    )


def test_the_price_list_quotes_the_renewal_fee_as_such(bw: Scheme) -> None:
    quote = quote_fee(
        bw,
        process="renewal",
        mode="on_site",
        application_date=date(2024, 3, 1),
        check_renewal_window=False,
    )
    assert (quote.process, quote.net, quote.renewal_refused) == (
        "renewal",
        Decimal("3975.00"),
        None,
    )


# --- items and rounding ---------------------------------------------------------------------------


def test_a_mode_specific_item_wins_over_any() -> None:
    items = [
        {"process": "new", "mode": "any", "net": "2250.00", "name": text("Benchmarking")},
        {"process": "new", "mode": "video", "net": "1650.00", "name": text("Video benchmarking")},
    ]
    scheme = fee_scheme(items=items)
    video = quote_fee(scheme, process="new", mode="video", application_date=date(2024, 1, 1))
    on_site = quote_fee(scheme, process="new", mode="on_site", application_date=date(2024, 1, 1))
    assert (video.net, video.item_name.en) == (Decimal("1650.00"), "Video benchmarking")
    assert (on_site.net, on_site.item_name.en) == (Decimal("2250.00"), "Benchmarking")


def test_no_matching_item_is_an_error() -> None:
    items = [{"process": "new", "mode": "on_site", "net": "8250.00", "name": text("Gold")}]
    scheme = fee_scheme(items=items)
    with pytest.raises(FeeNotDefined, match="no fee for a renewal procedure in mode on_site"):
        quote_fee(
            scheme,
            process="renewal",
            mode="on_site",
            application_date=date(2024, 1, 1),
            previous_valid_until=date(2024, 1, 1),
        )
    with pytest.raises(FeeNotDefined, match="no fee for a new procedure in mode video"):
        quote_fee(scheme, process="new", mode="video", application_date=date(2024, 1, 1))


def test_a_mode_the_scheme_does_not_offer_is_an_error() -> None:
    data = scheme_data()
    data["procedure"]["assessment_modes"] = ["on_site"]
    scheme = build_scheme(data)
    with pytest.raises(FeeNotDefined, match="does not offer video assessments"):
        quote_fee(scheme, process="new", mode="video", application_date=date(2024, 1, 1))


@pytest.mark.parametrize(
    ("net", "vat_percent", "vat"),
    [
        ("0.05", "10", "0.01"),
        ("0.04", "12.5", "0.01"),
        ("0.03", "12.5", "0.00"),
        ("100.00", "0", "0.00"),
    ],
)
def test_vat_rounds_half_up_to_cents(net: str, vat_percent: str, vat: str) -> None:
    items = [{"process": "new", "mode": "any", "net": net, "name": text("Fee")}]
    scheme = fee_scheme(items=items, vat_percent=vat_percent)
    quote = quote_fee(scheme, process="new", mode="on_site", application_date=date(2024, 1, 1))
    assert quote.vat == Decimal(vat)
    assert quote.gross == quote.net + quote.vat
    assert quote.net.as_tuple().exponent == -2


# --- the shipped schemes -------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> dict[str, Scheme]:
    return {scheme.id: scheme for scheme in load_scheme_dir(SHIPPED_DIR)}


def test_go_cluster_pays_its_members_silver_in_the_shipped_scheme(
    shipped: dict[str, Scheme],
) -> None:
    """BioCon Valley's ECEI assessment ran inside go-cluster (seed 002): its 2019
    re-certification of the 2017 Silver label is paid by the programme, VAT included."""
    silver = shipped["ecei-silver"]
    biocon = Customer(country="DE", programmes=frozenset({"go-cluster"}))
    quote = quote_fee(
        silver,
        process="renewal",
        mode="on_site",
        application_date=date(2019, 9, 1),
        customer=biocon,
        previous_valid_until=date(2019, 9, 30),
    )
    assert (quote.process, quote.net, quote.gross) == (
        "renewal",
        Decimal("3620.00"),
        Decimal("4307.80"),
    )
    assert quote.subsidy is not None and quote.subsidy.amount == quote.gross
    assert quote.payable_gross == Decimal("0.00")
    other = quote_fee(silver, process="new", mode="on_site", application_date=date(2019, 9, 1))
    assert other.subsidy is None and other.payable_gross == Decimal("4307.80")


def test_gold_renewal_fee_up_to_a_year_after_expiry_in_the_shipped_scheme(
    shipped: dict[str, Scheme],
) -> None:
    """ESCA: Gold renewal within a year of expiry 6,765 EUR, otherwise 8,250 EUR."""
    gold = shipped["ecei-gold"]

    def fee(applied: date) -> Decimal:
        return quote_fee(
            gold,
            process="renewal",
            mode="on_site",
            application_date=applied,
            previous_valid_until=date(2023, 9, 30),
        ).net

    assert fee(date(2024, 9, 30)) == Decimal("6765.00")
    assert fee(date(2024, 10, 1)) == Decimal("8250.00")
