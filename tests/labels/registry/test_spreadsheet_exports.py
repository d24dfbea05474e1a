"""The registry's exports that people open in a spreadsheet: CSV (BOM, comma or semicolon, no
formula) and XLSX; the JSON export for programs is left as it was."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from clusterlabel.labels import services
from clusterlabel.labels.registry.queries import EXPORT_COLUMNS
from clusterlabel.labels.views import registry
from tests.factories import OrganisationFactory, UserFactory
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db

NAME = '=HYPERLINK("http://evil.example","Cluster")'


@pytest.fixture
def label(loaded_schemes):
    return make_label(organisation=OrganisationFactory(legal_name=NAME, cluster_name="@Cluster"))


def _get(client, fmt, **params):
    response = client.get(reverse("labels:registry_export", args=[fmt]), params)
    assert response.status_code == 200
    return response


def test_the_csv_neutralises_formulas(client, label):
    raw = b"".join(_get(client, "csv").streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")
    (row,) = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    assert row["organisation"] == "'" + NAME
    assert row["cluster_name"] == "'@Cluster"
    assert row["certificate_number"] == label.certificate_number


def test_the_semicolon_variant_for_german_excel(client, label):
    text = b"".join(_get(client, "csv", sep="semicolon").streaming_content).decode("utf-8-sig")
    assert text.split("\r\n")[0] == ";".join(EXPORT_COLUMNS)
    (row,) = csv.DictReader(io.StringIO(text, newline=""), delimiter=";")
    assert row["organisation"] == "'" + NAME


def test_the_json_export_is_unchanged(client, label):
    document = json.loads(b"".join(_get(client, "json").streaming_content))
    assert document["labels"][0]["organisation"] == NAME  # programs get the value as it is


def test_the_xlsx_export_holds_the_filtered_rows_as_text_and_dates(client, label, loaded_schemes):
    make_label(scheme_id="ecei-bronze")
    response = _get(client, "xlsx", scheme="ecei-gold")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content))["registry"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == EXPORT_COLUMNS
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["organisation"] == NAME and sheet["C2"].data_type == "s"  # text, not formula
    assert row["valid_from"].date() == label.valid_from


def test_the_xlsx_export_refuses_an_invalid_filter(client, label):
    response = client.get(reverse("labels:registry_export", args=["xlsx"]), {"country": "xx1"})
    assert response.status_code == 400


def test_the_page_links_every_export_with_the_filters(client, label):
    page = client.get(reverse("labels:registry"), {"country": "de"}).content.decode()
    csv_url = reverse("labels:registry_export", args=["csv"])
    xlsx_url = reverse("labels:registry_export", args=["xlsx"])
    assert f'href="{csv_url}?country=DE&amp;sep=semicolon"' in page
    assert f'href="{xlsx_url}?country=DE"' in page
    unfiltered = client.get(reverse("labels:registry")).content.decode()
    assert f'href="{csv_url}?sep=semicolon"' in unfiltered


def test_the_open_data_workbook_is_built_once_per_data_generation(client, label, monkeypatch):
    built = []
    real = registry.xlsx_workbook
    monkeypatch.setattr(registry, "xlsx_workbook", lambda *a, **k: built.append(1) or real(*a, **k))
    first = _get(client, "xlsx", country="DE").content
    assert _get(client, "xlsx", country="de").content == first  # the same filters
    assert len(built) == 1
    _get(client, "xlsx", country="AT")
    assert len(built) == 2  # other filters, another workbook
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    sheet = load_workbook(io.BytesIO(_get(client, "xlsx", country="DE").content))["registry"]
    header, row = list(sheet.iter_rows(values_only=True))
    assert dict(zip(header, row, strict=True))["status_today"] == "revoked"  # never from the cache
    assert len(built) == 3
