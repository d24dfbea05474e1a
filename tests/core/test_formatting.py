"""Dates, numbers, money and shares read the same on every page, per language: English dates
day first as in the UK (never "01/12/2027" for 12 January), shares with one precision."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from clusterlabel.core.formatting import money, money_in, percent, percent_number

DAY = date(2027, 1, 12)
MOMENT = datetime(2027, 1, 12, 19, 42, tzinfo=ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(
    ("language", "fmt", "expected"),
    [
        ("en", "DATE_FORMAT", "12 January 2027"),
        ("en", "SHORT_DATE_FORMAT", "12/01/2027"),
        ("de", "DATE_FORMAT", "12. Januar 2027"),
        ("de", "SHORT_DATE_FORMAT", "12.01.2027"),
    ],
)
def test_dates_are_day_first_in_both_languages(language: str, fmt: str, expected: str) -> None:
    with translation.override(language):
        assert formats.date_format(DAY, fmt) == expected


@pytest.mark.parametrize(
    ("language", "fmt", "expected"),
    [
        ("en", "DATETIME_FORMAT", "12 January 2027, 19:42"),
        ("en", "SHORT_DATETIME_FORMAT", "12/01/2027 19:42"),
        ("de", "DATETIME_FORMAT", "12. Januar 2027 19:42"),
        ("de", "SHORT_DATETIME_FORMAT", "12.01.2027 19:42"),
    ],
)
def test_date_times_use_the_24_hour_clock(language: str, fmt: str, expected: str) -> None:
    with translation.override(language):
        assert formats.date_format(MOMENT, fmt) == expected


def test_the_template_date_filter_uses_our_english_format() -> None:
    with translation.override("en"):
        html = Template('{{ day|date:"DATE_FORMAT" }}').render(Context({"day": date(2016, 1, 15)}))
    assert html == "15 January 2016"


@pytest.mark.parametrize(
    ("language", "expected"), [("en", date(2027, 1, 12)), ("de", date(2027, 1, 12))]
)
def test_a_typed_short_date_is_read_day_first(language: str, expected: date) -> None:
    from django import forms

    with translation.override(language):
        field = forms.DateField()
        typed = "12/01/2027" if language == "en" else "12.01.2027"
        assert field.clean(typed) == expected
        assert field.clean("2027-01-12") == expected


@pytest.mark.parametrize(("language", "expected"), [("en", "4,975.00"), ("de", "4.975,00")])
def test_money_has_two_decimals_and_groups(language: str, expected: str) -> None:
    with translation.override(language):
        assert money(Decimal("4975")) == expected


@pytest.mark.parametrize(
    ("language", "currency", "expected"),
    [
        ("en", "EUR", "€4,975.00"),
        ("de", "EUR", "4.975,00 €"),
        ("en", "CHF", "CHF 4,975.00"),
        ("de", "CHF", "4.975,00 CHF"),
    ],
)
def test_money_with_its_currency(language: str, currency: str, expected: str) -> None:
    with translation.override(language):
        assert money_in(Decimal("4975.00"), currency) == expected


@pytest.mark.parametrize(
    ("value", "de", "en"),
    [
        (Decimal("47.875"), "47,8 %", "47.8 %"),  # one decimal, never 47,87 or 47,88
        (Decimal("79.99"), "79,9 %", "79.9 %"),  # rounded down: never a passing 80.0
        (Decimal("80"), "80,0 %", "80.0 %"),  # the same precision for whole numbers
        (11.111, "11,1 %", "11.1 %"),
        (0, "0,0 %", "0.0 %"),
        (Decimal("1234.5"), "1.234,5 %", "1,234.5 %"),
    ],
)
def test_a_share_has_one_precision(value: Decimal | float, de: str, en: str) -> None:
    with translation.override("de"):
        assert percent(value) == de
    with translation.override("en"):
        assert percent(value) == en


def test_no_share_reads_empty() -> None:
    assert percent(None) == ""
    assert percent_number(Decimal("NaN")) == ""


def test_the_template_filters_use_the_same_formatter() -> None:
    template = Template("{% load clusterlabel %}{{ share|percent }} / {{ share|percent_number }}")
    with translation.override("de"):
        assert template.render(Context({"share": Decimal("47.875")})) == "47,8 % / 47,8"
