"""Cells safe for spreadsheets: no text a spreadsheet would run as a formula, in CSV or XLSX,
and what our CSV wrote reads back as it was."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from clusterlabel.core.spreadsheet import csv_pieces, restored_cell, safe_cell, xlsx_workbook
from clusterlabel.core.tabular import csv_records


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_that_starts_a_formula_gets_an_apostrophe(start):
    assert safe_cell(f'{start}HYPERLINK("http://x")') == f'\'{start}HYPERLINK("http://x")'


@pytest.mark.parametrize("value", ["Cluster =1", "", "'quoted", 5, -5, None, date(2024, 1, 1)])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


@given(st.text())
def test_what_is_made_safe_reads_back_as_it_was(text):
    assert restored_cell(safe_cell(text)) == text or not text.startswith("'")


def _csv(rows, **kwargs) -> str:
    return "".join(csv_pieces(("name", "number"), iter(rows), **kwargs))


def test_the_csv_has_a_bom_crlf_and_no_formula():
    text = _csv([("=1+1", 7), ("@SUM(A1)", None)])
    assert text.startswith("\ufeffname,number\r\n")
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert rows[1:] == [["'=1+1", "7"], ["'@SUM(A1)", ""]]


def test_the_semicolon_variant_for_german_excel():
    text = _csv([("Cluster; Süd", 1)], delimiter=";")
    assert text == '\ufeffname;number\r\n"Cluster; Süd";1\r\n'


def test_the_importers_read_our_csv_back_as_it_was():
    text = _csv([("-Cluster Nord", 1), ("+49 711", 2)]).removeprefix("\ufeff")
    assert [cells for _line, cells in csv_records(text, ",")][1:] == [
        ["-Cluster Nord", "1"],
        ["+49 711", "2"],
    ]


def test_the_workbook_keeps_text_as_text_and_dates_as_dates():
    data = xlsx_workbook(
        ("name", "valid_from", "count"),
        [('=HYPERLINK("http://x")', "2024-01-31", 3), ("-5", None, -5)],
        title="registry",
        date_columns=("valid_from",),
    )
    sheet = load_workbook(io.BytesIO(data))["registry"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("name", "valid_from", "count")
    assert rows[1][0] == '=HYPERLINK("http://x")'
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert rows[1][1].date() == date(2024, 1, 31) and rows[1][2] == 3
    assert rows[2] == ("-5", None, -5)
