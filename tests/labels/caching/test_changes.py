"""The data generation: bumped by every label write, inside the write's transaction."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import timezone

from clusterlabel.labels import services
from clusterlabel.labels.changes import Change, data_generation, labels_changed
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import LabelSource
from clusterlabel.organisations.merging import organisation_merge
from clusterlabel.schemes.models import SchemeVersion
from tests.factories import OrganisationFactory, UserFactory
from tests.labels.label_factories import make_label


@pytest.mark.django_db
def test_the_generation_starts_at_zero_and_every_change_bumps_it():
    assert data_generation() == 0
    assert labels_changed(Change.ISSUED) == 1
    assert labels_changed(Change.STATE) == 2
    assert data_generation() == 2


@pytest.mark.django_db
def test_a_rolled_back_write_leaves_the_generation_as_it_was():
    labels_changed(Change.ISSUED)
    with pytest.raises(RuntimeError), transaction.atomic():
        labels_changed(Change.STATE)
        raise RuntimeError("the write fails")
    assert data_generation() == 1


@pytest.fixture
def label(loaded_schemes):
    return make_label()


def test_issuing_a_label_bumps_the_generation(loaded_schemes):
    before = data_generation()
    version = SchemeVersion.objects.get(scheme_id="ecei-gold", is_current=True)
    with transaction.atomic():
        services._issue(
            organisation=OrganisationFactory(),
            scheme_version=version,
            level_id=version.scheme.levels[0].id,
            assessment_date=timezone.localdate(),
            decision_date=timezone.localdate(),
            source=LabelSource.AWARDED,
            procedure=None,
            recognised_with=None,
            renewal=False,
            actor=None,
        )
    assert data_generation() == before + 1


@pytest.mark.parametrize("state", ["suspended", "revoked"])
def test_changing_a_labels_state_bumps_the_generation(label, state):
    before = data_generation()
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state=state, reason="x"
    )
    assert data_generation() == before + 1
    services_refused = data_generation()
    with pytest.raises(Exception):  # noqa: B017 - a refused change writes nothing
        services.label_change_state(
            label=label, actor=UserFactory(role="authority"), new_state=state, reason="x"
        )
    assert data_generation() == services_refused


def test_an_import_bumps_the_generation_once(loaded_schemes):
    before = data_generation()
    text = (
        "Clustername;Land;Label;Gültig bis\n"
        "A e.V.;DE;ECEI Gold;30.09.2030\n"
        "B e.V.;DE;ECEI Gold;30.09.2030\n"
    )
    result = labels_import(data=text.encode(), actor=None, file_name="list.csv")
    assert result.written, result.errors
    assert data_generation() == before + 1


def test_merging_organisations_bumps_the_generation(label):
    keep = OrganisationFactory()
    before = data_generation()
    organisation_merge(keep=keep, merge=label.organisation, actor=None)
    assert data_generation() == before + 1
