"""Organisation names in an operator's list: variants match, resemblance is only suggested, and
the column "Organisation ID" maps a row to an organisation the importing person may see."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label
from clusterlabel.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.helpers import login
from tests.labels.issuing.test_reminders import make_label


@pytest.fixture
def register(loaded_schemes):
    """Organisations as a first source left them."""
    return {
        "optence": OrganisationFactory(
            legal_name="Optence e.V.", cluster_name="Optence", country="DE"
        ),
        "biostern": OrganisationFactory(
            legal_name="BioRegio STERN Management GmbH", cluster_name="BioRegio STERN"
        ),
        "medtech": OrganisationFactory(
            legal_name="Medizintechnologie-Cluster Mannheim e. V.",
            cluster_name="Medizintechnologie-Cluster Mannheim",
        ),
        "automotriz": OrganisationFactory(
            legal_name="Clúster Automotriz de Nuevo León, A.C.",
            cluster_name="Clúster Automotriz de Nuevo León",
            country="MX",
            region="",
        ),
    }


SECOND_SOURCE = """\
Name;Land;Label;Gültig bis
Optence gGmbH;DE;ECEI Gold;30.09.2021
Spitzencluster BioRegio STERN;DE;ECEI Gold;30.09.2021
BioRegio STERN (Träger: BioRegio STERN Management GmbH);DE;ECEI Bronze;30.06.2020
Cluster Automotriz de Nuevo Leon S.A. de C.V.;Mexiko;ECEI Silver;31.12.2022
Kompetenznetz Optence;DE;ECEI Bronze;31.03.2018
Medical Technology Cluster Mannheim;DE;ECEI Gold;30.06.2024
"""


def run(text: str, *, actor=None, **options):
    return labels_import(data=text.encode("utf-8"), actor=actor, file_name="list.csv", **options)


def test_variants_match_the_existing_organisations_and_resemblance_is_only_suggested(register):
    result = run(SECOND_SOURCE, dry_run=True)
    assert result.errors == []
    matched = {match.organisation_id: match.names for match in result.matched}
    assert matched == {
        register["optence"].pk: ["Optence gGmbH", "Kompetenznetz Optence"],
        register["biostern"].pk: [
            "Spitzencluster BioRegio STERN",
            "BioRegio STERN (Träger: BioRegio STERN Management GmbH)",
        ],
        register["automotriz"].pk: ["Cluster Automotriz de Nuevo Leon S.A. de C.V."],
    }
    (new,) = result.new_organisations
    assert new.cluster_name == "Medical Technology Cluster Mannheim"
    assert [s.organisation_id for s in new.similar] == [register["medtech"].pk]
    assert new.similar[0].organisation == "Medizintechnologie-Cluster Mannheim"
    assert new.similar[0].score >= 70

    result = run(SECOND_SOURCE)
    assert result.written
    # Never merged on resemblance alone: the English name is a new organisation.
    created = Organisation.objects.get(cluster_name="Medical Technology Cluster Mannheim")
    assert created.pk != register["medtech"].pk
    assert not register["medtech"].labels.exists()
    assert register["optence"].labels.count() == 2
    assert register["biostern"].labels.count() == 2


def test_variants_of_one_new_name_in_the_file_create_one_organisation(loaded_schemes):
    text = (
        "Name;Land;Label;Gültig bis\n"
        "Neuland e.V.;DE;ECEI Gold;30.09.2021\n"
        "Neuland Management GmbH;DE;ECEI Bronze;30.09.2019\n"
        "Cluster Neuland (Träger: Neuland e.V.);DE;ECEI Silver;30.09.2023\n"
    )
    result = run(text)
    assert result.written
    (new,) = result.new_organisations
    assert new.lines == [2, 3, 4]
    assert Organisation.objects.count() == 1


def test_the_organisation_id_column_maps_a_row_to_the_organisation_meant(register):
    medtech = register["medtech"]
    text = (
        "Organisation ID;Name;Land;Label;Gültig bis\n"
        f"{medtech.pk};Medical Technology Cluster Mannheim;DE;ECEI Gold;30.06.2024\n"
        f"#{medtech.pk};MTC Mannheim;DE;ECEI Bronze;30.06.2020\n"
        ";Optence GmbH;DE;ECEI Gold;30.09.2021\n"
    )
    result = run(text)
    assert result.errors == []
    assert result.new_organisations == []
    assert {m.organisation_id for m in result.matched} == {medtech.pk, register["optence"].pk}
    assert medtech.labels.count() == 2
    assert Organisation.objects.count() == 4


def test_a_mapping_to_no_or_a_hidden_organisation_is_refused_naming_line_and_column(
    register, english
):
    hidden = register["automotriz"]
    make_label(hidden, scheme_id="ecei-gold", valid_until=date(2020, 9, 30))
    secretariat = grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="bw-cluster-excellence")
    text = (
        "Organisation ID;Name;Land;Label;Gültig bis\n"
        "999999;Optence;DE;Cluster-Exzellenz BW;30.06.2024\n"
        "zwölf;Optence;DE;Cluster-Exzellenz BW;30.06.2024\n"
        f"{hidden.pk};Automotriz;MX;Cluster-Exzellenz BW;30.06.2024\n"
        f"{register['optence'].pk};Optence;DE;Cluster-Exzellenz BW;30.06.2024\n"
    )
    result = run(text, actor=secretariat)
    assert not result.written
    assert [problem.line for problem in result.errors] == [2, 3, 4]
    assert "no organisation #999999 that you may see" in result.errors[0].message
    assert "“organisation id”" in result.errors[0].message
    assert "leave the cell empty" in result.errors[0].message
    assert "#zwölf" in result.errors[1].message
    assert f"#{hidden.pk} that you may see" in result.errors[2].message
    # The command line runs as the installation: every organisation may be named.
    assert not run(text.replace("999999", str(hidden.pk)).replace("zwölf", str(hidden.pk))).errors
    assert Label.objects.filter(organisation=hidden, scheme_id="bw-cluster-excellence").count() == 1


def test_an_ambiguous_name_is_refused_with_the_ids_to_choose_from(loaded_schemes, english):
    one = OrganisationFactory(legal_name="Netz e.V.", cluster_name="Netz", country="DE")
    other = OrganisationFactory(legal_name="Netz GmbH", cluster_name="Netz Nord", country="DE")
    result = run("Name;Label;Gültig bis\nNetz AG;Gold;2020-09-30\n")
    (problem,) = result.errors
    assert f"#{one.pk} Netz; #{other.pk} Netz Nord" in problem.message
    assert "column “organisation id”" in problem.message


def test_the_command_dry_run_names_id_and_name_of_resembling_organisations(register, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(SECOND_SOURCE.encode("utf-8"))
    out = StringIO()
    call_command("import_labels", str(path), "--dry-run", stdout=out)
    text = out.getvalue()
    medtech = register["medtech"]
    assert "Organisations: 3 matched, 1 to create." in text
    assert "  new Medical Technology Cluster Mannheim (DE), lines 7" in text
    (line,) = [line for line in text.splitlines() if "resembles" in line]
    assert line.startswith(f"    resembles #{medtech.pk} Medizintechnologie-Cluster Mannheim (")
    assert f"put {medtech.pk} in the column 'Organisation ID'" in line
    assert not Label.objects.exists()


def test_the_admin_dry_run_shows_the_resembling_organisations(client, register):
    login(client, UserFactory(role=Role.ADMINISTRATOR), language="en")
    upload = SimpleUploadedFile("list.csv", SECOND_SOURCE.encode("utf-8"), "text/csv")
    html = client.post(
        reverse("admin:labels_label_import"), {"file": upload, "dry_run": "on"}
    ).content.decode()
    medtech = register["medtech"]
    assert '<td id="count-new">1</td>' in html
    assert f'<div class="import-similar">#{medtech.pk} Medizintechnologie-Cluster Mannheim (' in (
        html
    )
    assert "never merged on its own" in html
    assert not Label.objects.exists()
