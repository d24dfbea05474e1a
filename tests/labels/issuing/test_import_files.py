"""Operators' own exports import as they are: their columns (German, English, French,
Spanish), a label for a list without one, countries and regions by name, every unambiguous date,
the labels' aliases, title rows, Excel's ``sep=`` line, UTF-16; a scheme limited to one region
fills it; every refused cell is named with its line and column, all at once."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusterlabel.labels.issuing.import_check import Checker, read_rows
from clusterlabel.labels.issuing.import_result import ImportResult
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label
from clusterlabel.labels.registry.queries import RegistryFilters, SchemeCatalogue
from clusterlabel.labels.registry.statistics import organisations_holding
from clusterlabel.organisations.models import Organisation

pytestmark = pytest.mark.django_db

# ESCA's Bronze register as exported: its own headers, year-first dates, countries by name in
# English, no label column (every row is Bronze).
ESCA = """\
Name,Comparative portfolio,Country,www,Label valid until
Clúster Automotriz de Nuevo León,Automotive,Mexico,www.claut.example,2015/04/30
Cluster Minero de Chile,Mining,Chile,,2016/11/15
Ruta N Medellín,ICT,Colombia,rutan.example,2017/02/28
Polo de Software Córdoba,ICT,Argentinien,,2016/01/31
"""


def run(text: str, *, encoding: str = "utf-8", **options: object):
    return labels_import(data=text.encode(encoding), actor=None, file_name="list.csv", **options)


def test_esca_s_own_export_imports_with_the_label_given(loaded_schemes):
    result = run(ESCA, label="ECEI Bronze")
    assert result.errors == []
    assert result.written
    labels = {
        label.organisation.cluster_name: label
        for label in Label.objects.select_related("organisation")
    }
    assert {name: label.organisation.country for name, label in labels.items()} == {
        "Clúster Automotriz de Nuevo León": "MX",
        "Cluster Minero de Chile": "CL",
        "Ruta N Medellín": "CO",
        "Polo de Software Córdoba": "AR",
    }
    assert {label.level_id for label in labels.values()} == {"bronze"}
    assert labels["Cluster Minero de Chile"].valid_until == date(2016, 11, 15)
    assert labels["Ruta N Medellín"].organisation.website == "https://rutan.example"
    assert any("ECEI" in note and "Bronze" in note for note in result.notes)


def test_a_list_without_a_label_column_and_no_label_given_says_so_in_one_line(
    english, loaded_schemes
):
    result = run(ESCA)
    assert [(problem.line, problem.column) for problem in result.errors] == [(0, "")]
    assert "label" in result.errors[0].message
    assert result.rows == 0 and not result.encoding  # no "Read 0 rows" after it
    result = run(ESCA, label="Platin")
    assert "Platin" in result.errors[0].message and "ECEI Gold" in result.errors[0].message
    assert Label.objects.count() == 0


def test_the_command_takes_the_label_and_reports_a_header_problem_in_one_line(
    loaded_schemes, tmp_path
):
    path = tmp_path / "esca.csv"
    path.write_text(ESCA, encoding="utf-8")
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_labels", str(path), stdout=out)
    assert "Read 0 rows" not in out.getvalue()
    assert len([line for line in out.getvalue().splitlines() if line.strip()]) == 1
    out = StringIO()
    call_command("import_labels", str(path), "--label", "EUCLES Bronze", stdout=out)
    assert "Labels: 4 imported" in out.getvalue()
    assert "Note: Rows without a label are" in out.getvalue()


# The ministry's list of the state label: no country, no region, the label as the ministry
# writes it.
MINISTRY = """\
Clusterinitiative;Label;Verliehen am;Gültig bis
MedTech Mannheim;Qualitätssiegel Cluster-Exzellenz Baden-Württemberg;12.2013;30.11.2015
TechnologyMountains;CE-BW;03.07.2015;02.07.2017 00:00
Photonics BW;Cluster-Exzellenz BW;;31.12.2024
"""


def test_a_state_label_list_without_a_region_column_gets_the_schemes_region(loaded_schemes):
    result = run(MINISTRY)
    assert result.errors == []
    assert set(Organisation.objects.values_list("country", "region")) == {("DE", "DE-BW")}
    notes = [note for note in result.notes if "Baden-Württemberg" in note]
    assert len(notes) == 1  # once, not per row
    state = Label.objects.filter(scheme_id="bw-cluster-excellence")
    mannheim = state.get(organisation__cluster_name="MedTech Mannheim")
    assert mannheim.valid_from == date(2013, 12, 1)  # a month alone starts on its first day
    mountains = state.get(organisation__cluster_name="TechnologyMountains")
    assert (mountains.valid_from, mountains.valid_until) == (date(2015, 7, 3), date(2017, 7, 2))
    catalogue = SchemeCatalogue.load()

    def holders(day: date) -> int:
        filters = RegistryFilters(
            scheme="bw-cluster-excellence", region="DE-BW", status="any", valid_on=day
        )
        return len(organisations_holding(filters, catalogue=catalogue))

    assert holders(date(2015, 8, 1)) == 2  # Mannheim (until Nov 2015) and TechnologyMountains
    assert holders(date(2016, 1, 1)) == 1
    assert holders(date(2024, 6, 30)) == 1


def test_regions_by_name_or_code_in_the_rows_country_and_the_event_of_each_row(loaded_schemes):
    text = """\
Organisation;Land;Bundesland;Label;Art;Gültig bis
Cluster Bayern;Deutschland;Bayern;Gold;Vergabe;31.12.2025
Pôle Lyon;France;Auvergne-Rhône-Alpes;EUCLES Gold;Renouvellement;31.12.2025
Cluster Sachsen;;Sachsen;Silberlabel;Rezertifizierung;31.12.2025
Cluster Nirgendwo;DE;Atlantis;Gold;Unsinn;31.12.2025
"""
    result = ImportResult()
    rows = read_rows(text, None, result)
    checker = Checker(result)
    plans = [checker.check(row) for row in rows]
    assert [(p.organisation.region, p.event) for p in plans[:3]] == [
        ("DE-BY", "award"),
        ("FR-ARA", "renewal"),
        ("DE-SN", "recertification"),  # a region alone gives its country
    ]
    assert plans[2].organisation.country == "DE"
    assert plans[3] is None
    assert [(e.line, e.column) for e in result.errors] == [(5, "Bundesland"), (5, "Art")]
    assert "Deutschland" in result.errors[0].message or "Germany" in result.errors[0].message


def test_every_problem_of_a_row_is_named_with_its_column_at_once(loaded_schemes, english):
    text = """\
Name;Country;Label;Valid from;Label valid until
Cluster A;Atlantis;Platin;02/07/2017;31.02.2026
Cluster B;DE;Gold;02.2013;2015
"""
    result = run(text)
    assert not result.written
    assert [(e.line, e.column) for e in result.errors] == [
        (2, "Label"),
        (2, "Country"),
        (2, "Label valid until"),
        (2, "Valid from"),
        (3, "Label valid until"),
    ]
    by_column = {(e.line, e.column): e.message for e in result.errors}
    assert "ISO code" in by_column[(2, "Country")]
    assert "2017-07-02 (day first) or 2017-02-07 (month first)" in by_column[(2, "Valid from")]
    assert "is a year" in by_column[(3, "Label valid until")]
    assert Label.objects.count() == 0 and Organisation.objects.count() == 0


def test_title_rows_the_sep_line_and_utf16_unicode_text(loaded_schemes):
    text = (
        "sep=\t\r\n"
        "Liste der Labelträger\t\t\t\r\n"
        "Stand: 01.03.2024\r\n"
        "\r\n"
        "Organisation\tLand\tLabel\tGültig bis\r\n"
        "Optence e.V.\tDeutschland\tEUCLES Gold\t30.09.2026\r\n"
        "Clúster de Automoción\tEspaña\tCluster Management Excellence Label GOLD\t31.12.2026\r\n"
    )
    result = run(text, encoding="utf-16")  # Excel's "Unicode text": UTF-16 with a BOM, tabs
    assert result.errors == []
    assert (result.encoding, result.delimiter, result.rows) == ("utf-16", "\t", 2)
    assert any("line 5" in note or "5" in note for note in result.notes)
    assert [item.line for item in result.created] == [6, 7]
    assert set(Organisation.objects.values_list("country", flat=True)) == {"DE", "ES"}


def test_a_workbook_is_refused_in_one_line(loaded_schemes):
    result = labels_import(data=b"PK\x03\x04rest-of-a-zip", actor=None, file_name="list.xlsx")
    assert len(result.errors) == 1
    assert "CSV" in result.errors[0].message
