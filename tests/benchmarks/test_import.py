"""Importing historical assessments into the benchmarking pool: messy lists read exactly,
every bad row named with its line and column, all or nothing, idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusterlabel.audit.models import AuditEvent
from clusterlabel.benchmarks.import_numbers import AmbiguousNumber, file_decimal_mark, parse_number
from clusterlabel.benchmarks.importing import assessments_import
from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from tests.factories import OrganisationFactory
from tests.procedures.builders import ensure_schemes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = (
    "Organisation;Land;Branche;Gründungsjahr;Mitglieder;Schema;Bewertet am;"
    "STR-01;str-02;STR 04;MGT-03;MGT-06;FIN-01;INT-06;"
)
# German headers, ';', German decimals and grouping, a legal-form variant of an existing
# organisation, an earlier cycle, empty cells, yes/no words, choices by their German name, an
# empty line, a note under an empty header, and one row repeated.
MESSY = f"""\
{HEADER}
Optence e. V.;Deutschland;Photonik;2003;1.200;ECEI Bronze;30.09.2019;85;62,5 %;3;35;Strategie vom Clustermanagement allein erstellt;1.250.000,50;ja;zweite Runde
OPTENCE e.V.;DE;;;;Bronze Label;09/2017;20;k.A.;1;;-;90.000;nein;erste Runde

Bioökonomie Süd;Österreich;Biotech;2012;45;ecei-bronze;2021-06-15;40,5;;2;;Keine schriftliche Strategie;120.000;Nein;
Optence e. V.;Deutschland;Photonik;2003;1.200;ECEI Bronze;30.09.2019;85;62,5 %;3;35;Strategie vom Clustermanagement allein erstellt;1.250.000,50;ja;doppelt
"""  # noqa: E501


@pytest.fixture
def optence():
    ensure_schemes()
    return OrganisationFactory(
        legal_name="Optence e.V.",
        cluster_name="Optence",
        country="DE",
        sector="other",
        founding_year=2000,
    )


def run(text: str, *, encoding: str = "cp1252", **options):
    return assessments_import(
        data=text.encode(encoding), actor=None, source_name="liste.csv", **options
    )


def stored(organisation=None, **filters):
    rows = ReferenceAssessment.objects.filter(**filters)
    if organisation is not None:
        rows = rows.filter(organisation=organisation)
    return list(rows.order_by("assessed_on", "pk"))


# --- a messy file, read exactly ----------------------------------------------------------------


def test_a_messy_file_imports_exactly_the_values_it_holds(optence):
    result = run(MESSY)
    assert [str(problem) for problem in result.errors] == []
    assert result.written
    assert (result.encoding, result.delimiter, result.rows) == ("cp1252", ";", 4)
    assert (result.outcome.created, result.outcome.updated, result.outcome.unchanged) == (3, 0, 0)

    earlier, latest = stored(optence)
    assert latest.assessed_on == date(2019, 9, 30)
    assert latest.values == {
        "STR-01": "85",
        "STR-02": "62.5",
        "STR-04": "3",
        "MGT-03": "35",
        "MGT-06": "drafted",
        "FIN-01": "1250000.5",
        "INT-06": True,
    }
    # 3 + 3 + 3 + 3 (35 <= 40, lower is better) + 1 (band) + 3 + 3 = 19 of 108 points
    assert latest.overall_percent == Decimal("17.5926")
    assert (latest.sector, latest.country, latest.founding_year) == (
        "micro_nano_optics",
        "DE",
        2003,
    )
    assert latest.committed_members == 1200
    assert latest.source == ReferenceSource.IMPORT
    assert latest.is_latest and not earlier.is_latest
    assert latest.name == "Optence" and latest.external_key == ""

    # 09/2017 is the month's first day; empty cells take the organisation's profile.
    assert earlier.assessed_on == date(2017, 9, 1)
    assert earlier.values == {"STR-01": "20", "STR-04": "1", "FIN-01": "90000", "INT-06": False}
    assert earlier.overall_percent == Decimal("0")  # 20 < 30, 1 < 2, 90000 < 100000, no
    assert (earlier.sector, earlier.founding_year) == ("other", 2000)
    assert earlier.committed_members == optence.committed_members

    (outside,) = stored(organisation__isnull=True)
    assert outside.external_key == "import:AT:biookonomie sud"
    assert outside.name == "Bioökonomie Süd"
    assert (outside.country, outside.sector, outside.committed_members) == (
        "AT",
        "biotechnology",
        45,
    )
    assert outside.values == {
        "STR-01": "40.5",
        "STR-04": "2",
        "MGT-06": "none",
        "FIN-01": "120000",
        "INT-06": False,
    }
    assert outside.overall_percent == Decimal("2.7778")  # 1 + 1 + 1 = 3 of 108
    assert outside.is_latest


def test_the_messy_file_reports_what_it_read_in_a_way_worth_checking(optence):
    warnings = [str(problem) for problem in run(MESSY).warnings]
    no_column = [w for w in warnings if w.startswith("No column for STR-03, STR-05")]
    assert len(no_column) == 1 and no_column[0].endswith("of ecei-bronze: missing in every row.")
    assert f"line 2: “Optence e. V.” taken as the organisation “Optence” (#{optence.pk})." in (
        warnings
    )
    assert f"line 3: “OPTENCE e.V.” taken as the organisation “Optence” (#{optence.pk})." in (
        warnings
    )
    assert "line 3: Empty, kept as missing (no points): STR-02, MGT-03, MGT-06." in warnings
    assert "line 5: Empty, kept as missing (no points): STR-02, MGT-03." in warnings
    assert "line 6: Same assessment as line 2; imported once." in warnings


def test_importing_again_changes_nothing_and_a_corrected_value_updates(optence):
    run(MESSY)
    events = AuditEvent.objects.filter(action="benchmark.import").count()
    again = run(MESSY)
    assert (again.outcome.created, again.outcome.updated, again.outcome.unchanged) == (0, 0, 3)
    assert AuditEvent.objects.filter(action="benchmark.import").count() == events

    corrected = run(MESSY.replace(";85;62,5 %;", ";75;62,5 %;"))
    # both copies of line 2 corrected: still one row; the other two unchanged
    assert (corrected.outcome.created, corrected.outcome.updated) == (0, 1)
    assert corrected.outcome.unchanged == 2
    latest = ReferenceAssessment.objects.get(organisation=optence, is_latest=True)
    assert latest.values["STR-01"] == "75"
    assert latest.overall_percent == Decimal("16.6667")  # 75 reaches the 50 band: 18 of 108
    assert ReferenceAssessment.objects.count() == 3


def test_a_dry_run_writes_nothing_but_says_what_would_happen(optence):
    result = run(MESSY, dry_run=True)
    assert result.errors == [] and not result.written
    assert (result.outcome.created, result.outcome.updated) == (3, 0)
    assert not ReferenceAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action="benchmark.import").exists()


def test_names_match_without_their_legal_form_and_the_country_narrows_several():
    ensure_schemes()
    nord = OrganisationFactory(legal_name="Medizintechnik Nord gGmbH", cluster_name="MedNord")
    german = OrganisationFactory(
        legal_name="Photonik Netz e.V.", cluster_name="Photonik DE", country="DE"
    )
    vienna = OrganisationFactory(
        legal_name="Photonik Netz GmbH", cluster_name="Photonik AT", country="AT"
    )
    text = (
        "Name;Land;Schema;Datum;STR-01\n"
        "Medizintechnik Nord;;ecei-bronze;2020-01-31;5\n"
        "Photonik Netz;AT;ecei-bronze;2020-01-31;5\n"
        "Photonik Netz;;ecei-bronze;2020-03-31;5\n"
    )
    result = run(text)
    assert [str(problem) for problem in result.errors] == [
        f"line 4: “Photonik Netz” matches several organisations: #{vienna.pk} Photonik AT; "
        f"#{german.pk} Photonik DE."
    ]
    result = run(text.replace("Netz;;", "Netz;Österreich;"))
    assert result.errors == []
    assert f"line 2: “Medizintechnik Nord” taken as the organisation “MedNord” (#{nord.pk})." in [
        str(problem) for problem in result.warnings
    ]
    assert [(r.organisation, r.assessed_on.month) for r in stored()] == [
        (nord, 1),
        (vienna, 1),
        (vienna, 3),
    ]


def test_the_example_of_the_operators_documentation_imports():
    ensure_schemes()
    text = (Path(__file__).parents[2] / "docs" / "assessment-import.md").read_text("utf-8")
    example = text.split("```")[3].strip()
    assert example.startswith("Organisation;Land;")
    result = run(example, encoding="utf-8")
    assert result.errors == []
    assert [(r.name, r.assessed_on, r.values.get("MGT-06")) for r in stored()] == [
        ("Optence e.V.", date(2019, 9, 30), "none"),
        ("Bioökonomie Süd", date(2021, 9, 1), "adopted"),
    ]


# --- bad rows ----------------------------------------------------------------------------------

BAD = f"""\
Organisation;Land;Branche;Schema;Datum;STR-01;STR-04;MGT-06;INT-06;PRO-01
Optence e.V.;DE;;ECEI Bronze;2020-01-31;viele;5;;;
Optence e.V.;DE;;ECEI Bronze;2020-02-29;10;2;vielleicht;vielleicht;
Optence e.V.;DE;;ECEI Platin;2020-03-31;10;;;;
Optence e.V.;DE;;ECEI Bronze;{(date.today() + timedelta(days=40)).isoformat()};10;;;;
Optence e.V.;DE;;ECEI Bronze;31.02.2020;10;;;;
Neuland;Atlantis;Bergbau;ECEI Bronze;2020-04-30;10;;;;
Optence e.V.;DE;;ECEI Bronze;2020-05-31;;-;k.A.;;
Optence e.V.;DE;;ECEI Bronze;2020-06-30;10;;;;
Optence e.V.;DE;;ECEI Bronze;2020-06-30;11;;;;
Unbekannt;;;ECEI Bronze;2020-07-31;10;;;;
;DE;;ECEI Bronze;2020-08-31;10;;;;
Optence e.V.;DE;;ECEI Bronze;2020-09-30;10;;;;;zu breit
Optence e.V.;DE;;ECEI Bronze;2020-10-31;10;;;ja;3
"""


def test_every_bad_row_is_named_with_its_line_and_column_and_nothing_is_written(optence):
    result = run(BAD)
    assert not result.written and result.outcome is None
    errors = [str(problem) for problem in result.errors]
    assert errors == [
        "line 2, column STR-01: “viele” is not a number.",
        "line 2, column STR-04: “5” is above the maximum 4.",
        "line 3, column MGT-06: “vielleicht” is not an answer of MGT-06 (none, drafted, adopted).",
        "line 3, column INT-06: “vielleicht” is not yes or no.",
        "line 4, column Schema: Unknown scheme “ECEI Platin”; loaded are bw-cluster-excellence, "
        "ecei-bronze, ecei-gold, ecei-silver.",
        f"line 5, column Datum: {date.today() + timedelta(days=40)} is in the future.",
        "line 6, column Datum: “31.02.2020” is not a date (use 2019-09-30, 30.09.2019 or 09/2019).",
        "line 7, column Land: Unknown country “Atlantis”.",
        "line 7, column Branche: Unknown sector “Bergbau”; use one of: Aerospace, "
        "Agriculture and food industry, Automotive and mobility, Biotechnology, Chemicals and "
        "materials, Construction, Creative industries, Energy and environment, Health and "
        "medical science, Information and communication technology, Logistics, Maritime "
        "industry, Micro- and nanotechnology, photonics, Production and engineering, Textiles, "
        "Tourism, Other.",
        "line 8: No indicator values.",
        "line 10: Lines 9 and 10 are the same assessment (organisation, pool and date) with "
        "other values: STR-01.",
        "line 11: “Unbekannt” is not a known organisation: give its country or an ID.",
        "line 12: No organisation name.",
        "line 13: 11 cells, the header has 10: quote the delimiter.",
        "line 14, column PRO-01: ecei-bronze has no indicator PRO-01; leave the cell empty.",
    ]
    assert not ReferenceAssessment.objects.exists()
    assert not AuditEvent.objects.filter(action="benchmark.import").exists()


def test_a_mistyped_or_unknown_column_refuses_the_file():
    ensure_schemes()
    result = run("Name;Land;Datum;STR-01;STR-O2;Bemerkung\nA;DE;2020-01-01;1;2;x\n")
    assert [str(problem) for problem in result.errors] == [
        "Line 1: unknown columns “STR-O2”, “Bemerkung” (neither a field nor an indicator)."
    ]
    assert run("Name;Land;Datum\nA;DE;2020-01-01\n").errors[0].message == (
        "Line 1: the header needs a name, a date and indicator columns."
    )
    assert [p.message for p in run("Name;Datum;STR-01\n\n").errors] == [
        "The file has no assessments."
    ]
    wrong = assessments_import(data="Gründung".encode("cp1252"), actor=None, encoding="utf-8")
    assert wrong.errors[0].message == "The file is not in the encoding utf-8 (byte 2)."
    assert run("Name;Datum;STR-01;str01\n").errors[0].message == (
        "Line 1: the columns “STR-01” and “str01” mean the same."
    )


def test_the_scheme_option_replaces_the_scheme_column_and_ids_key_outside_organisations():
    ensure_schemes()
    text = (
        "Cluster,Country,ID,Assessed on,STR-01 (committed participants),INT-06\n"
        'Photonics Hub,NL,esca-4711,30/09/2019,"1,200",yes\n'
        "Photonics Hub,NL,esca-4711,2021-09,3.5\n"
    )
    result = run(text, encoding="utf-8", scheme_id="ecei-silver")
    assert result.errors == []
    assert "line 3: Empty, kept as missing (no points): INT-06." in map(str, result.warnings)
    rows = stored(external_key="import:esca-4711")
    assert [(r.pool_id, r.assessed_on, r.values["STR-01"], r.is_latest) for r in rows] == [
        ("ecei-bronze", date(2019, 9, 30), "1200", False),  # English file: "1,200" groups
        ("ecei-bronze", date(2021, 9, 1), "3.5", True),
    ]
    assert run(text.replace("Country,", "Country,Scheme,").replace("NL,", "NL,ECEI Gold,"),
               encoding="utf-8", scheme_id="ecei-silver").errors[0].message == (
        "“ECEI Gold” is not the scheme ecei-silver chosen for this import."
    )  # fmt: skip
    assert (
        run(text, scheme_id="ecei-platin")
        .errors[0]
        .message.startswith("The scheme ecei-platin is not loaded")
    )


def test_a_file_using_both_decimal_marks_must_write_unclear_numbers_plainly():
    ensure_schemes()
    text = (
        "Name;Land;Schema;Datum;STR-01;STR-03;FIN-01\nA;DE;ecei-bronze;2020-01-01;3,5;2.5;1.200\n"
    )
    assert [str(problem) for problem in run(text).errors] == [
        "line 2, column FIN-01: “1.200” is unclear: the file uses both decimal marks; write the "
        "number without a thousands separator."
    ]


@pytest.mark.parametrize(
    ("text", "mark", "expected"),
    [
        ("3,5", ",", "3.5"),
        ("3.5", ",", "3.5"),
        ("1.200", ",", "1200"),
        ("1.200", ".", "1.2"),
        ("1,200", ".", "1200"),
        ("1,200.5", ",", "1200.5"),
        ("1.250.000,50", ".", "1250000.5"),
        ("85 %", ",", "85"),
        ("-12,0", ",", "-12"),
        ("0,750", ".", "0.75"),
        ("1 000", ",", "1000"),
    ],
)
def test_numbers_in_german_or_english(text, mark, expected):
    assert str(parse_number(text, mark)) == expected


@pytest.mark.parametrize("text", ["viele", "1,2,3", "1.2,3.4", "3,", "12e3", "", "1.20.0"])
def test_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text, ",")


def test_the_files_decimal_mark():
    assert file_decimal_mark(["12", "3,5", "1.200"], ";") == ","
    assert file_decimal_mark(["1,200.5"], ";") == "."
    assert file_decimal_mark(["12", "1.200"], ",") == "."
    assert file_decimal_mark(["12"], ";") == ","
    assert file_decimal_mark(["3,5", "2.5"], ";") is None
    with pytest.raises(AmbiguousNumber):
        parse_number("1.200", None)


# --- the command -------------------------------------------------------------------------------


def test_the_command_reports_bad_lines_on_stderr_and_fails(optence, tmp_path):
    # A CommandError is what makes the console command exit with status 1. (Not run through
    # cli.main here: a command run from the command line closes the database connections at
    # its end, which would end the test's transaction on PostgreSQL.)
    path = tmp_path / "Altbestand.csv"
    path.write_bytes(BAD.encode("cp1252"))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"15 problems; nothing was imported\."):
        call_command("import_assessments", str(path), stdout=out, stderr=err)
    assert "line 2, column STR-01: “viele” is not a number." in err.getvalue().splitlines()
    assert "Read 13 rows from Altbestand.csv (encoding utf-8, delimiter “;”)." in out.getvalue()
    assert not ReferenceAssessment.objects.exists()


def test_the_command_imports_and_summarises(optence, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(MESSY.encode("cp1252"))
    out = StringIO()
    call_command("import_assessments", str(path), "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "Assessments: 3 would be created, 0 updated, 0 unchanged, 0 kept" in text
    assert "Dry run: nothing was written." in text
    assert not ReferenceAssessment.objects.exists()

    out = StringIO()
    call_command("import_assessments", str(path), "-v", "2", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "warning: line 6: Same assessment as line 2; imported once." in text
    assert f"line 2: Optence (#{optence.pk}) ecei-bronze 2019-09-30" in text
    assert "Organisations: 2 rows of ours, 1 rows of outside ones." in text
    assert "Assessments: 3 created, 0 updated, 0 unchanged, 0 kept (assessed in this system)." in (
        text
    )
    assert "Warnings: 6." in text
    assert ReferenceAssessment.objects.count() == 3

    out = StringIO()
    call_command("import_assessments", str(path), stdout=out, stderr=StringIO())
    assert "Assessments: 0 created, 0 updated, 3 unchanged" in out.getvalue()


def test_the_command_refuses_an_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_assessments", str(tmp_path / "missing.csv"))
