"""The catalogue version a label records: an award's is its scheme version's; a label imported
from a register that does not name one records it as unknown, never the version current at
the import (a 2015 label is not stamped with the 2026 catalogue); a row that names a loaded
version keeps it. The certificate and the open-data export say no more than is known."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from clusterlabel.labels.certificates.pdf import WORDING, _scheme_named
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label, LabelSource
from clusterlabel.labels.registry.filters import SchemeCatalogue
from clusterlabel.labels.registry.queries import EXPORT_COLUMNS, registry_export_records
from clusterlabel.procedures.choices import ProcedureState
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

TECHNOLOGY_MOUNTAINS_2015 = """\
Clustername;Land;Label;Gültig ab;Gültig bis
TechnologyMountains;DE;Cluster-Exzellenz Baden-Württemberg;03.07.2015;02.07.2017
"""


def run(text: str) -> object:
    result = labels_import(data=text.encode("utf-8"), actor=None, file_name="list.csv")
    assert result.errors == [], result.errors
    assert result.written
    return result


def exported_versions(labels) -> dict[str, str | None]:
    records = registry_export_records(
        Label.objects.filter(pk__in=[label.pk for label in labels]).order_by("pk"),
        catalogue=SchemeCatalogue.load(),
        today=timezone.localdate(),
        verify_url="/verify/{number}",
        holder_url="/holder/{pk}",
    )
    column = EXPORT_COLUMNS.index("scheme_version")
    return {record[0]: record[column] for record in records}


def test_a_label_imported_from_2015_records_its_catalogue_version_as_unknown(loaded_schemes):
    run(TECHNOLOGY_MOUNTAINS_2015)
    state_label = Label.objects.get(scheme_id="bw-cluster-excellence")
    gold = Label.objects.get(scheme_id="ecei-gold")  # recognised with the state label
    assert state_label.valid_from == date(2015, 7, 3)
    assert state_label.source == gold.source == LabelSource.IMPORTED
    # The rules that date it are the loaded version's; the catalogue it was assessed under is
    # not known.
    assert state_label.scheme_version.version == "2026.1"
    assert (state_label.catalogue_version, gold.catalogue_version) == ("", "")
    assert exported_versions([state_label, gold]) == {
        state_label.certificate_number: None,
        gold.certificate_number: None,
    }
    assert _scheme_named(state_label, WORDING["en"], "en") == (
        "Cluster Excellence Baden-Württemberg"
    )


def test_a_row_that_names_a_loaded_version_keeps_it(loaded_schemes):
    run(
        "Clustername;Land;Label;Version des Schemas;Gültig ab;Gültig bis\n"
        "TechnologyMountains;DE;Cluster-Exzellenz Baden-Württemberg;2026.1;03.07.2026;02.07.2028\n"
    )
    state_label = Label.objects.get(scheme_id="bw-cluster-excellence")
    assert state_label.catalogue_version == "2026.1"
    assert exported_versions([state_label]) == {state_label.certificate_number: "2026.1"}
    assert _scheme_named(state_label, WORDING["en"], "en") == (
        "Cluster Excellence Baden-Württemberg, version 2026.1"
    )
    # The row names the state label's catalogue, not the recognised Gold's: that stays unknown.
    gold = Label.objects.get(scheme_id="ecei-gold")
    assert gold.recognised_with == state_label
    assert gold.catalogue_version == ""


def test_an_award_records_the_catalogue_it_was_scored_under():
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWARDED)
    labels = list(Label.objects.filter(procedure=builder.procedure))
    assert {label.scheme_id for label in labels} == {"bw-cluster-excellence", "ecei-gold"}
    # The recognised Gold was scored under Gold's own current version (ECEI 2026.2).
    assert {label.scheme_id: label.catalogue_version for label in labels} == {
        "bw-cluster-excellence": "2026.1",
        "ecei-gold": "2026.2",
    }
