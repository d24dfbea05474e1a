"""Fee quotes: VAT, subsidies by date, mode-specific items, cents rounded half up."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from clusterlabel.domain.errors import FeeNotDefined
from clusterlabel.domain.fees import AppliedSubsidy, FeeQuote, quote_fee
from clusterlabel.domain.schemes import Scheme
from tests.domain.factories import build_scheme, party, scheme_data, text

INTRODUCTION = {
    "name": text("Introduction phase"),
    "payer": party("Ministry of Finance and Economics Baden-Württemberg"),
    "percent": "50",
    "processes": ["new"],
    "valid_from": date(2012, 11, 1),
    "valid_until": date(2016, 12, 31),
}


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
        item_name=bw.fees.items[0].name,
        net=Decimal("4975.00"),
        vat_percent=Decimal("19"),
        vat=Decimal("945.25"),
        gross=Decimal("5920.25"),
        subsidy=None,
        payable_net=Decimal("4975.00"),
        payable_vat=Decimal("945.25"),
        payable_gross=Decimal("5920.25"),
    )


def test_half_of_the_fee_paid_by_the_ministry(bw: Scheme) -> None:
    quote = quote_fee(bw, process="new", mode="on_site", application_date=date(2014, 2, 1))
    assert (quote.net, quote.vat, quote.gross) == (
        Decimal("4975.00"),
        Decimal("945.25"),
        Decimal("5920.25"),
    )
    assert quote.subsidy == AppliedSubsidy(
        name=bw.fees.subsidies[0].name,
        payer=bw.fees.subsidies[0].payer,
        percent=Decimal("50"),
        amount=Decimal("2487.50"),
    )
    assert quote.payable_net == Decimal("2487.50")
    assert quote.payable_vat == Decimal("472.63")  # 472.625 rounded half up
    assert quote.payable_gross == Decimal("2960.13")
    assert str(quote.payable_gross) == "2960.13"


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


def test_subsidy_applies_only_to_its_processes(bw: Scheme) -> None:
    quote = quote_fee(bw, process="renewal", mode="on_site", application_date=date(2014, 2, 1))
    assert quote.subsidy is None
    assert (quote.net, quote.vat, quote.gross) == (
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
    quote = quote_fee(scheme, process="renewal", mode="on_site", application_date=date(1999, 1, 1))
    assert quote.subsidy is not None and quote.payable_net == Decimal("1987.50")


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
        quote_fee(scheme, process="renewal", mode="on_site", application_date=date(2024, 1, 1))
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
