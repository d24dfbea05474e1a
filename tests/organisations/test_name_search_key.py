"""``Organisation.name_search_key``, what the registry's name search reads: both names folded,
kept current by every writer of the names (create, update, self-registration, the label
import's bulk write) and filled for the organisations stored before it existed."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps

from clusterlabel.accounts.choices import Role
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.registry.name_search import organisations_named
from clusterlabel.organisations.models import Organisation, name_search_key
from clusterlabel.organisations.registration import organisation_register
from clusterlabel.organisations.services import organisation_create, organisation_update
from tests.factories import OrganisationFactory, UserFactory
from tests.organisations.test_services import profile_data

pytestmark = pytest.mark.django_db


def stored_key(organisation: Organisation) -> str:
    organisation.refresh_from_db()
    return organisation.name_search_key


def test_the_key_is_both_names_folded_and_apart():
    organisation = OrganisationFactory(legal_name="Optence e. V.", cluster_name="Cluster Nord")
    assert name_search_key("Optence e. V.", "Cluster Nord") == "optenceev clusternord"
    # Folding removes spaces, so no folded query runs across the two names.
    assert list(organisations_named("optence ev cluster")) == []
    assert list(organisations_named("e.V.")) == [organisation]


def test_creating_stores_the_key():
    organisation = organisation_create(
        actor=UserFactory(role=Role.SECRETARIAT),
        data=profile_data(legal_name="Łódź Photonics Sp. z o.o.", cluster_name="Łódź-Photonik"),
    )
    assert stored_key(organisation) == "lodzphotonicsspzoo lodzphotonik"
    assert list(organisations_named("lodz photonik")) == [organisation]


def test_renaming_stores_the_new_key_and_finds_the_new_name_only():
    secretariat = UserFactory(role=Role.SECRETARIAT)
    organisation = organisation_create(actor=secretariat, data=profile_data())
    organisation_update(
        organisation=organisation,
        actor=secretariat,
        data={"legal_name": "Optence e. V.", "cluster_name": "Optence"},
    )
    assert stored_key(organisation) == "optenceev optence"
    assert list(organisations_named("OPTENCE E.V.")) == [organisation]
    assert list(organisations_named("TechnologyMountains")) == []


def test_changing_another_field_keeps_the_key():
    secretariat = UserFactory(role=Role.SECRETARIAT)
    organisation = organisation_create(actor=secretariat, data=profile_data())
    organisation_update(organisation=organisation, actor=secretariat, data={"city": "Freiburg"})
    assert stored_key(organisation) == "technologymountainsev technologymountains"


def test_a_self_registered_organisation_gets_its_key(loaded_schemes):
    organisation = organisation_register(
        actor=UserFactory(),
        data=profile_data(legal_name="Neu-Cluster Südbaden e. V.", cluster_name="Südbaden"),
        requested_scheme_id="bw-cluster-excellence",
    )
    assert stored_key(organisation) == "neuclustersudbadenev sudbaden"


def test_organisations_the_import_creates_get_their_keys(loaded_schemes):
    text = (
        "Name;Land;Label;Gültig ab;Gültig bis\n"
        "Bioökonomie-Cluster Nord;DE;ECEI Gold;01.10.2021;30.09.2023\n"
    )
    result = labels_import(data=text.encode(), actor=None, file_name="l.csv")
    assert result.errors == [] and result.written
    organisation = Organisation.objects.get(legal_name="Bioökonomie-Cluster Nord")
    assert organisation.name_search_key == name_search_key(
        organisation.legal_name, organisation.cluster_name
    )
    assert list(organisations_named("biooekonomie")) == [organisation]
    assert list(organisations_named("economie cluster")) == []  # the name is not split


def test_the_migration_fills_the_keys_of_stored_organisations():
    organisation = OrganisationFactory(legal_name="Café „Kreativ“ · Köln", cluster_name="Kreativ")
    Organisation.objects.filter(pk=organisation.pk).update(name_search_key="")
    migration = import_module("clusterlabel.organisations.migrations.0004_search_names")
    migration.fill_name_search_keys(apps, None)
    assert stored_key(organisation) == "cafekreativkoln kreativ"
