from datetime import date
from decimal import Decimal
from io import StringIO

import pytest

from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.benchmarks.services import AssessmentEntry, reference_assessments_record
from tests.benchmarks.pool_factories import (
    external_pool,
    first_number_indicator,
    own_entry,
    record,
    scheme_version,
)
from tests.factories import OrganisationFactory
from tests.procedures.builders import ProcedureBuilder
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


def test_a_decided_procedure_joins_its_pool_with_the_panels_values():
    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    procedure = builder.advance_to("awarded")
    row = ReferenceAssessment.objects.get(procedure=procedure)
    assert row.pool_id == "ecei-bronze"
    assert row.organisation == procedure.organisation
    assert row.source == ReferenceSource.PROCEDURE
    assert row.is_latest
    assert row.assessed_on == procedure.assessment_date
    stored = {s.indicator_id: s.value for s in procedure.scores.all()}
    assert row.values == {k: v for k, v in stored.items() if v is not None}
    assert Decimal(row.overall_percent) == Decimal(procedure.result["percent"]).quantize(
        Decimal("0.0001")
    )


def test_a_refused_procedure_joins_the_pool_too():
    procedure = ProcedureBuilder(scheme_id="ecei-gold", award=False).advance_to("refused")
    assert ReferenceAssessment.objects.filter(procedure=procedure, pool_id="ecei-gold").exists()


def test_silver_assessments_join_the_bronze_pool():
    procedure = StateBuilder(scheme_id="ecei-silver").advance_to("awaiting_decision")
    from clusterlabel.benchmarks.services import reference_assessment_record_for_procedure

    row = reference_assessment_record_for_procedure(procedure=procedure)
    assert row.pool_id == "ecei-bronze"
    assert reference_assessment_record_for_procedure(procedure=procedure).pk == row.pk


def test_only_the_latest_assessment_of_an_organisation_is_latest():
    version = scheme_version()
    organisation = OrganisationFactory()
    indicator = first_number_indicator(version)

    def entry(day, value):
        return own_entry(organisation, value, day=day, indicator_id=indicator.id)

    record([entry(date(2022, 5, 1), 10)])
    record([entry(date(2024, 5, 1), 20), entry(date(2020, 5, 1), 5)])
    rows = ReferenceAssessment.objects.filter(organisation=organisation).order_by("assessed_on")
    assert [(r.assessed_on.year, r.is_latest) for r in rows] == [
        (2020, False),
        (2022, False),
        (2024, True),
    ]
    assert rows.get(is_latest=True).values[indicator.id] == "20"


def test_importing_the_same_list_twice_changes_nothing_and_a_correction_replaces_values():
    first = record(external_pool([1, 2, 3]))
    assert (first.created, first.updated, first.unchanged) == (3, 0, 0)
    again = record(external_pool([1, 2, 3]))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    corrected = record(external_pool([1, 2, 30]))
    assert (corrected.created, corrected.updated, corrected.unchanged) == (0, 1, 2)
    assert ReferenceAssessment.objects.count() == 3


def test_values_the_scheme_refuses_write_nothing():
    version = scheme_version()
    entries = external_pool([1, 2])
    indicator = first_number_indicator(version)
    bad = dict(entries[1].values)
    bad[indicator.id] = "many"
    entries[1] = AssessmentEntry(
        scheme_version=version,
        assessed_on=date(2025, 1, 1),
        values=bad,
        name="bad",
        external_key="bad",
    )
    with pytest.raises(ValueError, match=indicator.id):
        reference_assessments_record(entries=entries, actor=None)
    assert not ReferenceAssessment.objects.exists()


def test_backfill_records_decided_procedures_once():
    from django.core.management import call_command

    procedure = StateBuilder(scheme_id="ecei-bronze").advance_to("awarded")
    ReferenceAssessment.objects.filter(procedure=procedure).delete()
    call_command("backfill_pool", stdout=StringIO())
    assert ReferenceAssessment.objects.filter(procedure=procedure, is_latest=True).count() == 1
    call_command("backfill_pool", stdout=StringIO())
    assert ReferenceAssessment.objects.filter(procedure=procedure).count() == 1


def test_the_pools_fast_decoding_agrees_with_the_domains_encoding():
    from clusterlabel.benchmarks.reports import stored_values
    from clusterlabel.benchmarks.stored_pools import ROW_FIELDS, pool_rows
    from clusterlabel.domain.benchmark.from_scheme import encode_values
    from clusterlabel.portal.demo_benchmarks import realistic_values

    version = scheme_version()
    scheme = version.scheme
    organisation = OrganisationFactory()
    values = realistic_values(scheme)  # numbers, percents, yes/no and choices, partly missed
    values["STR-02"] = None
    record([own_entry(organisation, 45, **values)])
    row = ReferenceAssessment.objects.get(organisation=organisation)
    (fast,) = pool_rows([tuple(getattr(row, name) for name in ROW_FIELDS)], scheme)
    assert dict(fast.values) == encode_values(scheme, stored_values(scheme, row))
    assert fast.values["STR-02"] is None
