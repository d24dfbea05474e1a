"""Writes to organisation profiles: validation, permission, and the audit event."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.organisations.models import FundingSource, Organisation
from clusterlabel.organisations.services import (
    PROFILE_FIELDS,
    organisation_create,
    organisation_rule_errors,
    organisation_update,
)
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db


def profile_data(**changes):
    data = {
        "legal_name": "TechnologyMountains e. V.",
        "cluster_name": "TechnologyMountains",
        "country": "DE",
        "region": "DE-BW",
        "city": "Tuttlingen",
        "sector": "micro_nano_optics",
        "founding_year": 2005,
        "website": "https://technologymountains.example.org",
        "listed_in_cluster_database": True,
        "members_companies": 120,
        "members_smes": 95,
        "members_research_education": 20,
        "members_public_bodies": 8,
        "members_civil_society": 4,
        "staff_fte": Decimal("4.5"),
        "annual_budget": Decimal("900000.00"),
    }
    data.update(changes)
    return data


def current(organisation: Organisation) -> dict:
    organisation.refresh_from_db()
    return {field: getattr(organisation, field) for field in PROFILE_FIELDS}


def messages_of(exc: ValidationError) -> dict[str, list[str]]:
    with translation.override("en"):
        return {field: [str(m) for m in msgs] for field, msgs in exc.message_dict.items()}


# --- create -----------------------------------------------------------------------------------


def test_secretariat_creates_a_profile_with_shares_programmes_managers_and_an_audit_event():
    secretariat = UserFactory(role=Role.SECRETARIAT)
    manager = UserFactory(role=Role.CLUSTER_MANAGER, username="tm-manager")
    go_cluster = ProgrammeFactory()

    organisation = organisation_create(
        actor=secretariat,
        data=profile_data(),
        funding_sources={"public_grants": Decimal("40"), "membership_fees": Decimal("35.5")},
        programmes=[go_cluster],
        managers=[manager],
    )

    organisation.refresh_from_db()
    assert organisation.cluster_name == "TechnologyMountains"
    assert organisation.staff_fte == Decimal("4.50")
    assert organisation.committed_members == 152
    shares = dict(organisation.funding_sources.values_list("kind", "share_percent"))
    assert shares == {"public_grants": Decimal("40.00"), "membership_fees": Decimal("35.50")}
    assert list(organisation.programmes.all()) == [go_cluster]
    assert list(organisation.managers.all()) == [manager]
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.actor == secretariat
    assert event.target_type == "organisations.organisation"
    assert event.target_id == str(organisation.pk)
    assert event.before is None
    assert event.after["cluster_name"] == "TechnologyMountains"
    assert event.after["staff_fte"] == "4.50"
    assert event.after["funding_sources"] == {
        "membership_fees": "35.50",
        "public_grants": "40.00",
    }
    assert event.after["programmes"] == ["go-cluster"]
    assert event.after["managers"] == ["tm-manager"]


@pytest.mark.parametrize(
    "role",
    [Role.CLUSTER_MANAGER, Role.ASSESSOR, Role.BOARD_MEMBER, Role.AUTHORITY, Role.ADMINISTRATOR],
)
def test_only_the_secretariat_creates_profiles(role):
    with pytest.raises(PermissionDenied):
        organisation_create(actor=UserFactory(role=role), data=profile_data())
    assert Organisation.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_managers_must_be_active_cluster_manager_accounts():
    assessor = UserFactory(role=Role.ASSESSOR, first_name="Anna", last_name="Gutachter")
    with pytest.raises(ValidationError) as caught:
        organisation_create(
            actor=UserFactory(role=Role.SECRETARIAT), data=profile_data(), managers=[assessor]
        )
    assert "Anna Gutachter" in messages_of(caught.value)["managers"][0]
    assert Organisation.objects.count() == 0


def test_create_refuses_an_invalid_profile_and_writes_nothing():
    with pytest.raises(ValidationError) as caught:
        organisation_create(
            actor=UserFactory(role=Role.SECRETARIAT),
            data=profile_data(founding_year=1850, staff_fte=Decimal("-1"), region="Baden"),
            funding_sources={"public_grants": Decimal("80"), "sponsoring": Decimal("50")},
        )
    errors = messages_of(caught.value)
    assert set(errors) == {"founding_year", "staff_fte", "region", "funding_sources"}
    assert "1900" in errors["founding_year"][0]
    assert "0" in errors["staff_fte"][0]
    assert errors["region"] == ["Use the ISO 3166-2 code, e.g. DE-BW."]
    assert errors["funding_sources"] == [
        "The funding shares add up to 130 %; together they can be at most 100 %."
    ]
    assert Organisation.objects.count() == 0
    assert FundingSource.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_unknown_fields_and_funding_kinds_are_programming_errors():
    secretariat = UserFactory(role=Role.SECRETARIAT)
    with pytest.raises(ValueError, match="not profile fields: pk"):
        organisation_create(actor=secretariat, data=profile_data(pk=7))
    with pytest.raises(ValueError, match="not funding kinds: lottery"):
        organisation_create(
            actor=secretariat, data=profile_data(), funding_sources={"lottery": Decimal(5)}
        )


# --- update -----------------------------------------------------------------------------------


def test_manager_update_saves_and_records_only_the_changed_values():
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    organisation = OrganisationFactory(managers=[manager], staff_fte=Decimal("3.5"))
    FundingSource.objects.create(
        organisation=organisation, kind="public_grants", share_percent=Decimal("60")
    )
    go_cluster = ProgrammeFactory()
    stamp = organisation.updated_at
    data = {field: getattr(organisation, field) for field in PROFILE_FIELDS}
    data.update(staff_fte=Decimal("4.25"), members_public_bodies=7)

    organisation_update(
        organisation=organisation,
        actor=manager,
        data=data,
        funding_sources={"public_grants": Decimal("55"), "paid_services": Decimal("20")},
        programmes=[go_cluster],
    )

    organisation.refresh_from_db()
    assert organisation.staff_fte == Decimal("4.25")
    assert organisation.members_public_bodies == 7
    assert organisation.updated_at > stamp
    shares = dict(organisation.funding_sources.values_list("kind", "share_percent"))
    assert shares == {"public_grants": Decimal("55.00"), "paid_services": Decimal("20.00")}
    assert list(organisation.programmes.all()) == [go_cluster]
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.actor == manager
    assert event.target_id == str(organisation.pk)
    assert event.before == {
        "staff_fte": "3.50",
        "members_public_bodies": 5,
        "funding_sources": {"public_grants": "60.00"},
        "programmes": [],
    }
    assert event.after == {
        "staff_fte": "4.25",
        "members_public_bodies": 7,
        "funding_sources": {"paid_services": "20.00", "public_grants": "55.00"},
        "programmes": ["go-cluster"],
    }


def test_an_update_that_changes_nothing_records_nothing():
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    organisation = OrganisationFactory(managers=[manager])
    data = {field: getattr(organisation, field) for field in PROFILE_FIELDS}
    organisation_update(organisation=organisation, actor=manager, data=data, programmes=[])
    assert AuditEvent.objects.count() == 0


def test_an_empty_share_removes_the_funding_source():
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    organisation = OrganisationFactory(managers=[manager])
    FundingSource.objects.create(organisation=organisation, kind="sponsoring", share_percent=10)
    organisation_update(
        organisation=organisation, actor=manager, data={}, funding_sources={"sponsoring": None}
    )
    assert not organisation.funding_sources.exists()
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.before == {"funding_sources": {"sponsoring": "10.00"}}
    assert event.after == {"funding_sources": {}}


def test_shares_are_checked_together_with_the_stored_ones():
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    organisation = OrganisationFactory(managers=[manager])
    FundingSource.objects.create(organisation=organisation, kind="public_grants", share_percent=70)
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        organisation_update(
            organisation=organisation,
            actor=manager,
            data={},
            funding_sources={"membership_fees": Decimal("30.5")},
        )
    assert messages_of(caught.value)["funding_sources"] == [
        "The funding shares add up to 100.5 %; together they can be at most 100 %."
    ]
    assert organisation.funding_sources.count() == 1


def test_more_smes_than_companies_is_refused_on_the_smes_field():
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    organisation = OrganisationFactory(managers=[manager])
    before = current(organisation)
    with pytest.raises(ValidationError) as caught:
        organisation_update(
            organisation=organisation,
            actor=manager,
            data={"members_companies": 10, "members_smes": 50},
        )
    assert messages_of(caught.value) == {
        "members_smes": ["50 SMEs are more than the 10 companies they are part of."]
    }
    assert current(organisation) == before
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    ("country", "region", "message"),
    [
        (
            "DE",
            "DE-XX",
            "DE-XX is not a region of DE; use one of DE-BB, DE-BE, DE-BW, DE-BY, DE-HB, DE-HE, "
            "DE-HH, DE-MV, DE-NI, DE-NW, DE-RP, DE-SH, DE-SL, DE-SN, DE-ST, DE-TH.",
        ),
        ("DE", "AT-9", "AT-9 is not a region of DE."),
        ("DE", "BW", "Use the ISO 3166-2 code, e.g. DE-BW."),
        ("de", "DE-BW", None),  # the country code itself is refused below
    ],
)
def test_region_must_be_a_region_of_the_country(country, region, message):
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    organisation = OrganisationFactory(managers=[manager])
    with pytest.raises(ValidationError) as caught:
        organisation_update(
            organisation=organisation,
            actor=manager,
            data={"country": country, "region": region},
        )
    errors = messages_of(caught.value)
    if message is None:
        assert errors == {"country": ["Use the two-letter ISO code, e.g. DE."]}
    else:
        assert errors == {"region": [message]}
    assert Organisation.objects.get(pk=organisation.pk).region == "DE-BW"


def _rule_errors(country: str, region: str) -> dict:
    errors = organisation_rule_errors(
        country=country,
        region=region,
        members_companies=None,
        members_smes=None,
        funding_sources=None,
    )
    return {field: [str(e.message % e.params) for e in found] for field, found in errors.items()}


def test_every_countrys_regions_come_from_iso_3166_2(english):
    assert _rule_errors("FR", "FR-ARA") == {}
    assert _rule_errors("CH", "CH-ZH") == {}
    assert _rule_errors("PL", "PL-14") == {}
    # a long list is not spelt out
    assert _rule_errors("FR", "FR-XX") == {"region": ["FR-XX is not a region of FR (ISO 3166-2)."]}
    assert _rule_errors("AT", "AT-10") == {
        "region": [
            "AT-10 is not a region of AT; use one of AT-1, AT-2, AT-3, AT-4, AT-5, AT-6, AT-7, "
            "AT-8, AT-9."
        ]
    }


def test_the_country_must_be_an_iso_code(english):
    assert _rule_errors("XX", "") == {
        "country": ["XX is not a country code (ISO 3166-1, e.g. DE)."]
    }
    assert _rule_errors("DE", "") == {}


@pytest.mark.parametrize(
    "actor_role", [Role.ASSESSOR, Role.BOARD_MEMBER, Role.AUTHORITY, Role.ADMINISTRATOR]
)
def test_only_managers_and_the_secretariat_update(actor_role):
    organisation = OrganisationFactory(managers=[UserFactory(role=Role.CLUSTER_MANAGER)])
    before = current(organisation)
    with pytest.raises(PermissionDenied):
        organisation_update(
            organisation=organisation,
            actor=UserFactory(role=actor_role),
            data={"cluster_name": "Übernommen"},
        )
    assert current(organisation) == before
    assert AuditEvent.objects.count() == 0


def test_a_manager_of_another_organisation_cannot_update():
    organisation = OrganisationFactory(managers=[UserFactory(role=Role.CLUSTER_MANAGER)])
    stranger = UserFactory(role=Role.CLUSTER_MANAGER)
    OrganisationFactory(managers=[stranger])
    with pytest.raises(PermissionDenied):
        organisation_update(organisation=organisation, actor=stranger, data={"city": "Ulm"})
    assert Organisation.objects.get(pk=organisation.pk).city == "Mannheim"


def test_only_the_secretariat_changes_the_managers():
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    newcomer = UserFactory(role=Role.CLUSTER_MANAGER, username="newcomer")
    organisation = OrganisationFactory(managers=[manager])
    with pytest.raises(PermissionDenied):
        organisation_update(
            organisation=organisation, actor=manager, data={}, managers=[manager, newcomer]
        )
    assert list(organisation.managers.all()) == [manager]

    secretariat = UserFactory(role=Role.SECRETARIAT)
    organisation_update(organisation=organisation, actor=secretariat, data={}, managers=[newcomer])
    assert list(organisation.managers.all()) == [newcomer]
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.before == {"managers": [manager.username]}
    assert event.after == {"managers": ["newcomer"]}
