"""Importing existing label holders from messy lists: all or nothing, every bad row named."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.cli import _command_name
from clusterlabel.labels import services
from clusterlabel.labels.issuing.import_values import derive_valid_from
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label, LabelState
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.models import SchemeVersion
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.helpers import elements, login, parsed, text
from tests.labels.issuing.test_reminders import make_label

# Line 7: an impossible date; line 9: a label nobody knows. Line 8 is empty.
MESSY = """\
Clustername;Land;Branche;Label;Stufe;Gültig bis;Zertifikatsnummer;Website;Bemerkung
OPTENCE e. V.;Deutschland;Photonik;ECEI;Gold;30.09.2019;;;erste Runde
Optence e.V.;DE;Optik;ECEI;Gold;09/2021;;;Verlängerung
Bioökonomie Süd;Österreich;Biotech;Cluster-Exzellenz BW;;2026-12-31;BW-2024-00077;bio.example;
Maschinenbau Nordwürttemberg;Germany;Maschinenbau;Silber;;31.03.2027;;;
OPTENCE e.V.;DE;;ECEI Gold;;30.09.2019;;;doppelt
Smart Grids BW;DE;Energie;bw;;31.02.2026;;;
;;;;;;;;
Datenwerk;DE;IKT;Platin;;2026-01-31;;;
"""
FIXED = MESSY.replace("31.02.2026", "28.02.2026").replace("Platin", "ECEI Bronze")


@pytest.fixture
def optence(loaded_schemes):
    return OrganisationFactory(
        legal_name="Optence e.V.", cluster_name="Optence", country="DE", sector="other"
    )


def run(text: str, *, encoding: str = "cp1252", **options) -> object:
    return labels_import(data=text.encode(encoding), actor=None, file_name="list.csv", **options)


def test_a_bad_file_names_every_bad_row_and_imports_nothing(optence):
    organisations = Organisation.objects.count()
    result = run(MESSY)
    assert not result.written
    assert [problem.line for problem in result.errors] == [7, 9]
    assert "31.02.2026" in result.errors[0].message
    assert "Platin" in result.errors[1].message
    assert Label.objects.count() == 0
    assert Organisation.objects.count() == organisations
    assert not AuditEvent.objects.filter(action__in=["label.import", "organisation.create"])


def test_the_corrected_file_imports_and_a_second_import_changes_nothing(optence):
    result = run(FIXED)
    assert result.errors == []
    assert result.written
    assert result.encoding == "cp1252"
    assert result.delimiter == ";"
    assert result.rows == 7
    assert [item.line for item in result.created] == [2, 3, 4, 5, 7, 9]
    assert result.duplicates == [(6, 2)]
    assert [(m.organisation_id, m.names, m.lines) for m in result.matched] == [
        (optence.pk, ["OPTENCE e. V.", "Optence e.V.", "OPTENCE e.V."], [2, 3, 6])
    ]
    assert [(new.cluster_name, new.country) for new in result.new_organisations] == [
        ("Bioökonomie Süd", "AT"),
        ("Maschinenbau Nordwürttemberg", "DE"),
        ("Smart Grids BW", "DE"),
        ("Datenwerk", "DE"),
    ]
    assert [problem.line for problem in result.warnings] == [1]
    assert "Bemerkung" in result.warnings[0].message

    first, second = Label.objects.filter(organisation=optence).order_by("valid_until")
    # Valid from counted back by the scheme's 24 months; the second continues the first.
    assert (first.valid_from, first.valid_until) == (date(2017, 10, 1), date(2019, 9, 30))
    assert (second.valid_from, second.valid_until) == (date(2019, 10, 1), date(2021, 9, 30))
    assert second.previous == first
    assert second.first_awarded_on == first.first_awarded_on == date(2017, 10, 1)
    assert first.state == LabelState.SUPERSEDED
    assert second.state == LabelState.ACTIVE
    assert second.status == "expired"  # history is imported as it was
    assert first.certificate_number == "ECEI-G-2017-00001"
    assert second.certificate_number == "ECEI-G-2019-00001"
    assert {label.source for label in Label.objects.all()} == {"imported"}  # also recognised

    bio = Label.objects.get(certificate_number="BW-2024-00077")
    assert (bio.scheme_id, bio.level_id) == ("bw-cluster-excellence", "label")
    assert bio.valid_from == date(2025, 1, 1)  # 24 months back from 2026-12-31, plus a day
    organisation = bio.organisation
    assert (organisation.legal_name, organisation.country, organisation.sector) == (
        "Bioökonomie Süd",
        "AT",
        "biotechnology",
    )
    assert organisation.website == "https://bio.example"
    silver = Label.objects.get(organisation__cluster_name="Maschinenbau Nordwürttemberg")
    assert (silver.scheme_id, silver.level_id) == ("ecei-silver", "silver")
    assert silver.organisation.sector == "production_engineering"
    assert Label.objects.get(organisation__cluster_name="Datenwerk").scheme_id == "ecei-bronze"
    grids = Label.objects.get(organisation__cluster_name="Smart Grids BW", scheme_id=bio.scheme_id)
    assert (grids.valid_from, grids.valid_until) == (date(2024, 3, 1), date(2026, 2, 28))
    # The BW counter moved past the imported number before numbers were generated.
    assert grids.certificate_number == "BW-2024-00078"
    with transaction.atomic():
        assert services.certificate_number(family="bw", level_id="label", year=2024) == (
            "BW-2024-00079"
        )
    # The two state labels bring ECEI Gold along, as an award in clusterlabel does.
    assert Label.objects.values("status_list_index").distinct().count() == 8
    assert [
        (label.organisation.cluster_name, label.recognised_with)
        for label in Label.objects.filter(recognised_with__isnull=False).order_by("valid_until")
    ] == [
        ("Smart Grids BW", grids),
        ("Bioökonomie Süd", bio),
    ]
    events = AuditEvent.objects.filter(action="label.import")
    assert events.count() == 6
    event = events.get(target_id=str(second.pk))
    assert event.after["renews"] == first.certificate_number
    assert event.after["line"] == 3
    assert AuditEvent.objects.filter(action="organisation.create").count() == 4

    labels_before = list(Label.objects.order_by("pk").values())
    again = run(FIXED)
    assert again.errors == []
    assert again.created == []
    assert [item.line for item in again.unchanged] == [2, 3, 4, 5, 7, 9]
    assert again.new_organisations == []
    assert len(again.matched) == 5
    assert list(Label.objects.order_by("pk").values()) == labels_before
    assert AuditEvent.objects.filter(action="label.import").count() == 6


def test_utf8_with_english_headers_commas_quotes_and_other_scripts(loaded_schemes):
    text = (
        "\ufeffOrganization,Cluster name,Country,Sector,Scheme,Level,Valid from,Valid until,"
        "Certificate number\n"
        '"Лазерный кластер, АНО",Лазерный кластер,Poland,"Photonics, lasers",ECEI,silver,'  # noqa: RUF001
        "2023-04-01,2025-03,\n"
        "Ελληνικό Cluster,,EL,Health,ecei-gold,,,2019-09-30 00:00:00,ecei-g-2017-00042\n"
    )
    result = run(text, encoding="utf-8")
    assert result.errors == []
    assert (result.encoding, result.delimiter) == ("utf-8", ",")
    laser = Label.objects.get(organisation__cluster_name="Лазерный кластер")
    assert laser.organisation.legal_name == "Лазерный кластер, АНО"  # noqa: RUF001
    assert (laser.organisation.country, laser.organisation.sector) == ("PL", "micro_nano_optics")
    assert (laser.valid_from, laser.valid_until) == (date(2023, 4, 1), date(2025, 3, 31))
    greek = Label.objects.get(certificate_number="ECEI-G-2017-00042")
    assert greek.organisation.country == "GR"
    assert greek.organisation.cluster_name == "Ελληνικό Cluster"


def test_valid_from_is_counted_back_by_the_schemes_validity(loaded_schemes):
    ecei = SchemeVersion.objects.get(scheme_id="ecei-gold")
    bw = SchemeVersion.objects.get(scheme_id="bw-cluster-excellence")
    assert derive_valid_from(ecei, date(2019, 9, 30)) == date(2017, 10, 1)
    assert derive_valid_from(bw, date(2017, 7, 2)) == date(2015, 7, 3)
    assert derive_valid_from(bw, date(2026, 2, 28)) == date(2024, 3, 1)


def test_missing_columns_are_named(loaded_schemes):
    result = run("Name;Land\nOptence;DE\n")
    assert [problem.line for problem in result.errors] == [0]
    assert "Zeile 1" in result.errors[0].message or "Line 1" in result.errors[0].message
    assert not Label.objects.exists()


def test_new_organisations_need_a_country_and_ambiguous_names_are_refused(loaded_schemes):
    one = OrganisationFactory(legal_name="Netz e.V.", cluster_name="Netz", country="DE")
    other = OrganisationFactory(legal_name="Netz e.V.", cluster_name="Netz Nord", country="DE")
    text = "Name;Label;Gültig bis\nNetz e. V.;Gold;2020-09-30\nNeuland;Gold;2020-09-30\n"
    result = run(text)
    assert [problem.line for problem in result.errors] == [2, 3]
    assert f"#{one.pk} Netz; #{other.pk} Netz Nord" in result.errors[0].message
    assert "Neuland" in result.errors[1].message


def test_a_certificate_number_of_another_label_is_a_conflict(optence):
    existing = make_label(optence, valid_until=date(2024, 9, 30))
    text = (
        "Name;Label;Gültig bis;Zertifikatsnummer\n"
        f"Optence;Gold;2020-09-30;{existing.certificate_number.lower()}\n"
        f"Optence;Gold;2024-09-30;{existing.certificate_number}\n"
        "Optence;Gold;2022-09-30;X-1\n"
        "Optence;Bronze;2022-09-30;X-1\n"
        "Optence;Gold;2018-09-30;BW/17\n"
    )
    result = run(text)
    assert [problem.line for problem in result.errors] == [2, 5, 6]
    assert existing.certificate_number in result.errors[0].message
    assert [item.line for item in result.unchanged] == [3]
    assert Label.objects.count() == 1


def test_the_same_label_twice_with_two_numbers_is_an_error(optence):
    text = "Name;Label;Gültig bis;Nr\nOptence;Gold;2020-09-30;A-1\nOptence;Gold;30.09.2020;A-2\n"
    result = run(text)
    assert [problem.line for problem in result.errors] == [3]


def test_a_dry_run_writes_nothing(optence):
    result = run(FIXED.replace("31.02", "28.02"), dry_run=True)
    assert result.errors == []
    assert len(result.created) == 6
    assert not result.written
    assert not Label.objects.exists()
    assert Organisation.objects.count() == 1


def test_an_encoding_that_does_not_fit_is_reported(optence):
    result = labels_import(
        data=FIXED.encode("cp1252"), actor=None, file_name="x.csv", encoding="utf-8"
    )
    assert [problem.line for problem in result.errors] == [0]
    assert not Label.objects.exists()


# --- the command ----------------------------------------------------------------------------


def test_the_command_lists_bad_lines_and_fails(optence, tmp_path):
    path = tmp_path / "Labelträger.csv"
    path.write_bytes(MESSY.encode("cp1252"))
    out = StringIO()
    with pytest.raises(CommandError, match="2 problems; nothing was imported"):
        call_command("import_labels", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "Read 7 rows from Labelträger.csv (encoding cp1252, delimiter ';')."
    assert any(
        line.startswith("line 7, column “Gültig bis”: ") and "31.02.2026" in line for line in lines
    )
    assert any(line.startswith("line 9, column “Label”: ") and "Platin" in line for line in lines)
    assert not Label.objects.exists()


def test_the_command_imports_and_reports_matches(optence, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(FIXED.encode("cp1252"))
    out = StringIO()
    call_command("import_labels", str(path), "--dry-run", stdout=out)
    summary = "Labels: 6 would be imported, 0 unchanged, 1 duplicates, 0 corrected, 2 recognised."
    assert summary in out.getvalue()
    assert "Dry run: nothing was written." in out.getvalue()
    assert not Label.objects.exists()
    out = StringIO()
    call_command("import_labels", str(path), "--delimiter", ";", "-v", "2", stdout=out)
    text = out.getvalue()
    assert "Organisations: 1 matched, 4 created." in text
    assert (
        f"matched “OPTENCE e. V.”, “Optence e.V.”, “OPTENCE e.V.” -> Optence (#{optence.pk})"
        in (text)
    )
    assert "line 6: duplicate of line 2, imported once" in text
    assert "line 3: ECEI-G-2019-00001 OPTENCE e.V." not in text  # the organisation's own name
    assert "line 3: ECEI-G-2019-00001 Optence ecei-gold gold 2019-10-01..2021-09-30, renews " in (
        text
    )
    assert "Labels: 6 imported, 0 unchanged, 1 duplicates, 0 corrected, 2 recognised." in text
    out = StringIO()
    call_command("import_labels", str(path), stdout=out)
    summary = "Labels: 0 imported, 6 unchanged, 1 duplicates, 0 corrected, 0 recognised."
    assert summary in out.getvalue()


def test_dashed_command_names_reach_the_django_commands():
    assert _command_name(["import-labels", "x.csv"]) == ["import_labels", "x.csv"]
    assert _command_name(["send-reminders", "--dry-run"]) == ["send_reminders", "--dry-run"]
    assert _command_name(["help", "send-reminders"]) == ["help", "send_reminders"]
    assert _command_name(["verify", "send-reminders"]) == ["verify", "send-reminders"]
    assert _command_name([]) == []


# --- the admin ------------------------------------------------------------------------------


def upload(text: str, name: str = "liste.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("cp1252"), content_type="text/csv")


def test_the_admin_checks_then_imports_a_list(client, optence):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    login(client, admin, language="en")
    url = reverse("admin:labels_label_import")
    assert client.get(url).status_code == 200
    changelist = client.get(reverse("admin:labels_label_changelist")).content.decode()
    assert url in changelist

    response = client.post(url, {"file": upload(MESSY), "dry_run": "on"})
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert html.count('class="import-error"') == 2
    assert "<td>7</td>" in html and "<td>9</td>" in html

    html = client.post(url, {"file": upload(FIXED), "dry_run": "on"}).content.decode()
    assert "Check passed: nothing written yet" in html
    assert '<td id="count-created">6</td>' in html
    assert not Label.objects.exists()
    # the labels to import by name, as on every other page, not as stored ids
    cells = [text(cell) for cell in elements(parsed(html), "td")]
    assert "ECEI Bronze Label" in cells and "ecei-bronze bronze" not in cells
    assert "DE" not in cells  # the new organisations' country by name

    html = client.post(url, {"file": upload(FIXED)}, follow=True).content.decode()
    assert '<td id="count-created">6</td>' in html
    assert '<td id="count-matched">1</td>' in html
    assert '<td id="count-new">4</td>' in html
    assert "6 labels imported from liste.csv." in html
    assert Label.objects.count() == 8  # and the two recognised ECEI Gold labels
    assert AuditEvent.objects.filter(action="label.import", actor=admin).count() == 6

    html = client.post(url, {"file": upload(FIXED)}).content.decode()
    assert '<td id="count-unchanged">6</td>' in html
    assert Label.objects.count() == 8


def test_the_admin_import_is_refused_without_permission(client, optence):
    # Staff without a grant that imports (the secretariat and administrators may: see
    # test_import_permissions.py).
    staff = UserFactory(role=Role.ASSESSOR)
    User.objects.filter(pk=staff.pk).update(is_staff=True)
    client.login(username=staff.username, password=PASSWORD)
    response = client.post(reverse("admin:labels_label_import"), {"file": upload(FIXED)})
    assert response.status_code == 403
    assert not Label.objects.exists()
    assert Organisation.objects.count() == 1


def test_an_imported_label_continues_a_stored_one_only_once(optence):
    stored = make_label(optence, valid_until=date(2019, 9, 30))
    text = (
        "Name;Label;Gültig ab;Gültig bis\n"
        "Optence;Gold;;30.09.2021\n"
        "Optence;Gold;01.10.2019;30.09.2022\n"
    )
    result = run(text)
    assert result.errors == []
    renewal = Label.objects.get(valid_until=date(2021, 9, 30))
    assert renewal.previous == stored
    assert renewal.first_awarded_on == stored.first_awarded_on
    assert Label.objects.get(valid_until=date(2022, 9, 30)).previous is None
    stored.refresh_from_db()
    assert (stored.state, stored.state_reason) == (
        LabelState.SUPERSEDED,
        renewal.certificate_number,
    )
    assert [item.renews for item in result.created] == [stored.certificate_number, ""]


def test_progress_is_reported_every_hundred_rows(optence):
    rows = "".join(f"Cluster {n};DE;Gold;{2000 + n % 30}-09-30\n" for n in range(250))
    calls = []
    result = run(
        "Name;Land;Label;Gültig bis\n" + rows,
        progress=lambda phase, done, total: calls.append((phase, done, total)),
    )
    assert result.errors == []
    assert calls == [
        ("check", 100, 250),
        ("check", 200, 250),
        ("check", 250, 250),
        ("write", 100, 250),
        ("write", 200, 250),
        ("write", 250, 250),
    ]
    assert Label.objects.count() == 250
