"""The organisation pages: what they show, what the form saves, what it refuses."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.organisations.models import FundingSource, Organisation
from clusterlabel.organisations.services import PROFILE_FIELDS
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory
from tests.helpers import attribute, element, elements, hrefs, input_value, login, text
from tests.organisations.conftest import form_data

pytestmark = pytest.mark.django_db


def eligibility_cards(page: str) -> dict[str, str]:
    """Scheme name → the text of its eligibility card (after the name)."""
    section = element(page, "section", aria_labelledby="eligibility-heading")
    cards = {}
    for card in elements(section, "li", class_="card"):
        name = text(element(card, "h3"))
        cards[name] = text(card).removeprefix(name).strip()
    return cards


def field_errors(page: str, name: str) -> list[str]:
    return [
        text(error)
        for box in elements(page, id=f"id_{name}_error")
        for error in elements(box, "p", class_="field-error")
    ]


def snapshot(organisation: Organisation) -> tuple:
    organisation.refresh_from_db()
    return (
        *(getattr(organisation, field) for field in PROFILE_FIELDS),
        tuple(organisation.funding_sources.order_by("kind").values_list("kind", "share_percent")),
        tuple(organisation.programmes.values_list("pk", flat=True)),
        AuditEvent.objects.count(),
    )


@pytest.fixture
def manager():
    return UserFactory(role=Role.CLUSTER_MANAGER, first_name="Clara", last_name="Clustermann")


@pytest.fixture
def organisation(manager):
    organisation = OrganisationFactory(
        managers=[manager],
        cluster_name="MedTech Mannheim",
        legal_name="Medizintechnik Rhein-Neckar e. V.",
        website="https://medtech.example.org",
    )
    FundingSource.objects.create(organisation=organisation, kind="public_grants", share_percent=40)
    FundingSource.objects.create(
        organisation=organisation, kind="membership_fees", share_percent=Decimal("35.5")
    )
    organisation.programmes.add(ProgrammeFactory())
    return organisation


# --- the profile ------------------------------------------------------------------------------


def test_profile_shows_every_value_in_english(client, loaded_schemes, manager, organisation):
    login(client, manager, language="en")
    response = client.get(reverse("organisations:detail", args=[organisation.pk]))
    assert response.status_code == 200
    page = text(response.content.decode())
    assert "MedTech Mannheim" in page
    assert "Legal name Medizintechnik Rhein-Neckar e. V." in page
    assert "State or region Baden-Württemberg" in page
    assert "Country Germany" in page
    assert "Sector Health and medical science" in page
    assert "Founding year 2008" in page
    assert "Management staff (FTE) 3.5" in page
    assert "Annual budget 850,000.00 EUR" in page
    assert "Programme memberships go-cluster" in page
    assert "Cluster managers Clara Clustermann" in page
    assert manager.email not in page  # not shown to a cluster manager
    # members by type, SMEs as a part of the companies, and the committed total
    assert "Companies 60" in page
    assert "Of which SMEs 45" in page
    assert "Research and education 12" in page
    assert "Public bodies 5" in page
    assert "Civil society and others 3" in page
    assert "Committed members in total 80" in page
    # funding sources with shares and what they are of the budget, in FundingKind order
    assert "Public grants 40.0 % 340,000.00 EUR" in page
    assert "Membership fees 35.5 % 301,750.00 EUR" in page
    assert "Total 75.5 %" in page
    assert page.index("Public grants 40") < page.index("Membership fees 35.5")


def test_profile_in_german_uses_german_numbers(client, loaded_schemes, manager, organisation):
    login(client, manager)
    page = text(
        client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    )
    assert "3,5" in page
    assert "850.000,00 EUR" in page
    assert "35,5 %" in page


def test_oversight_sees_the_managers_e_mail(client, loaded_schemes, manager, organisation):
    login(client, UserFactory(role=Role.SECRETARIAT))
    html = client.get(reverse("organisations:detail", args=[organisation.pk])).content.decode()
    assert f"mailto:{manager.email}" in hrefs(html)


def test_eligibility_names_every_failed_criterion_per_scheme(client, loaded_schemes, manager):
    weak = OrganisationFactory(
        managers=[manager],
        staff_fte=Decimal("0.3"),
        members_companies=10,
        members_smes=8,
        members_research_education=0,
        members_public_bodies=0,
        members_civil_society=0,
        website="",
    )
    login(client, manager, language="en")
    cards = eligibility_cards(
        client.get(reverse("organisations:detail", args=[weak.pk])).content.decode()
    )
    failures = [
        "Management staff of 0.3 FTE; at least 0.5 FTE are required.",
        "10 committed members; at least 15 are required.",
        "1 types of members; at least 2 are required.",
        "No website is given.",
    ]
    assert set(cards) == {
        "Cluster Excellence Baden-Württemberg",
        "ECEI Bronze Label",
        "ECEI Silver Label",
        "ECEI Gold Label",
    }
    for name, card in cards.items():
        assert card == "✗ not eligible: " + " ".join(failures), name


def test_unknown_values_are_named_as_unknown_not_failed(client, loaded_schemes, manager):
    blank = OrganisationFactory(
        managers=[manager],
        staff_fte=None,
        members_companies=None,
        members_smes=None,
        members_research_education=None,
        members_public_bodies=None,
        members_civil_society=None,
    )
    login(client, manager, language="en")
    html = client.get(reverse("organisations:detail", args=[blank.pk])).content.decode()
    assert eligibility_cards(html)["ECEI Gold Label"] == (
        "✗ not eligible: Not known yet: management staff (FTE). "
        "Not known yet: number of committed members. Not known yet: types of members."
    )
    page = text(html)
    assert "Management staff (FTE) not known" in page
    assert "Committed members in total not known" in page


def test_eligible_bw_organisation_and_one_seated_elsewhere(client, loaded_schemes, manager):
    bw = OrganisationFactory(managers=[manager])
    bavarian = OrganisationFactory(managers=[manager], region="DE-BY")
    login(client, manager, language="en")
    cards = eligibility_cards(
        client.get(reverse("organisations:detail", args=[bw.pk])).content.decode()
    )
    assert cards["Cluster Excellence Baden-Württemberg"] == "✓ eligible"
    assert cards["ECEI Gold Label"] == "✓ eligible"
    cards = eligibility_cards(
        client.get(reverse("organisations:detail", args=[bavarian.pk])).content.decode()
    )
    assert cards["Cluster Excellence Baden-Württemberg"] == (
        "✗ not eligible: The management is seated in Bavaria; eligible: Baden-Württemberg."
    )
    assert cards["ECEI Bronze Label"] == "✓ eligible"


def test_procedures_and_buttons_for_the_manager(client, world):
    login(client, world.manager, language="en")
    response = client.get(reverse("organisations:detail", args=[world.own.pk]))
    html = response.content.decode()
    procedure = world.builder.procedure
    assert reverse("procedures:detail", args=[procedure.pk]) in hrefs(html)
    [row] = [text(tr) for tr in elements(html, "tr") if procedure.reference in text(tr)]
    row = row.split(procedure.reference, 1)[1].strip()
    assert row.startswith(
        "Cluster Excellence Baden-Württemberg Cluster Excellence Baden-Württemberg "
        "Advisory board review"
    )
    assert reverse("procedures:create", args=[world.own.pk]) in hrefs(html)
    assert "Apply for a label" in html
    assert reverse("organisations:edit", args=[world.own.pk]) in hrefs(html)


@pytest.mark.parametrize(
    ("role", "apply", "edit"),
    [
        (Role.SECRETARIAT, True, True),
        (Role.AUTHORITY, False, False),
        (Role.ADMINISTRATOR, False, False),
        (Role.ASSESSOR, False, False),
        (Role.BOARD_MEMBER, False, False),
    ],
)
def test_buttons_follow_the_permissions(client, world, role, apply, edit):
    user = world.user(role)
    login(client, user)
    html = client.get(reverse("organisations:detail", args=[world.own.pk])).content.decode()
    assert (reverse("procedures:create", args=[world.own.pk]) in hrefs(html)) is apply
    assert (reverse("organisations:edit", args=[world.own.pk]) in hrefs(html)) is edit
    # everyone who sees the organisation sees its procedure before the board
    assert reverse("procedures:detail", args=[world.builder.procedure.pk]) in hrefs(html)


def test_an_assessor_sees_only_the_procedures_assigned_to_them(client, world):
    other = OrganisationFactory(managers=[world.manager])
    # A second procedure of the same organisation, without this assessor on its panel.
    from clusterlabel.procedures import services

    draft = services.procedure_create(
        organisation=world.own,
        scheme_version=world.builder.version,
        level_id=world.builder.level_id,
        process="new",
        assessment_mode="on_site",
        actor=world.manager,
    )
    login(client, world.builder.assessors[0])
    html = client.get(reverse("organisations:detail", args=[world.own.pk])).content.decode()
    assert reverse("procedures:detail", args=[world.builder.procedure.pk]) in hrefs(html)
    assert reverse("procedures:detail", args=[draft.pk]) not in hrefs(html)
    assert client.get(reverse("organisations:detail", args=[other.pk])).status_code == 404


def test_detail_query_count_is_pinned(
    client, loaded_schemes, manager, organisation, django_assert_num_queries
):
    login(client, manager)
    url = reverse("organisations:detail", args=[organisation.pk])
    client.get(url)  # warm the scheme parse cache
    # session, user, organisation + managers, programmes, funding sources, procedures,
    # the visibility check, the current scheme versions, the labels, the benchmarking pools
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200
    organisation.managers.add(
        *UserFactory.create_batch(3, role=Role.CLUSTER_MANAGER),
        through_defaults={"role": "cluster_manager"},
    )
    FundingSource.objects.create(organisation=organisation, kind="sponsoring", share_percent=5)
    with django_assert_num_queries(11):
        assert client.get(url).status_code == 200


def test_detail_query_count_does_not_grow_with_procedures(client, world, django_assert_num_queries):
    from clusterlabel.procedures import services

    login(client, world.manager)
    url = reverse("organisations:detail", args=[world.own.pk])
    client.get(url)
    with django_assert_num_queries(11):
        client.get(url)
    for _ in range(3):
        services.procedure_create(
            organisation=world.own,
            scheme_version=world.builder.version,
            level_id=world.builder.level_id,
            process="new",
            assessment_mode="on_site",
            actor=world.manager,
        )
    with django_assert_num_queries(11):
        html = client.get(url).content.decode()
    assert len([href for href in hrefs(html) if re.fullmatch(r"/procedures/\d+/", href)]) == 4


# --- the list ---------------------------------------------------------------------------------


def list_names(page: str) -> list[str]:
    """The organisations a list page names, in order: the link heading each row."""
    return [
        text(row.children[0]) for row in elements(page, "th", scope="row") if _starts_with_link(row)
    ]


def _starts_with_link(cell) -> bool:
    return bool(cell.children) and getattr(cell.children[0], "name", None) == "a"


@pytest.fixture
def secretariat():
    return UserFactory(role=Role.SECRETARIAT)


def test_list_searches_legal_and_cluster_names_ignoring_case(client, secretariat):
    OrganisationFactory(cluster_name="BioCon Valley", legal_name="BioCon Valley GmbH")
    OrganisationFactory(cluster_name="TechnologyMountains", legal_name="Kompetenzzentrum e. V.")
    OrganisationFactory(cluster_name="Musikwirtschaft Mannheim", legal_name="Startup Mannheim")
    login(client, secretariat)
    url = reverse("organisations:list")
    assert list_names(client.get(url, {"q": "biocon"}).content.decode()) == ["BioCon Valley"]
    assert list_names(client.get(url, {"q": "KOMPETENZ"}).content.decode()) == [
        "TechnologyMountains"
    ]
    assert list_names(client.get(url, {"q": "mannheim"}).content.decode()) == [
        "Musikwirtschaft Mannheim"
    ]
    assert list_names(client.get(url).content.decode()) == [
        "BioCon Valley",
        "Musikwirtschaft Mannheim",
        "TechnologyMountains",
    ]
    html = client.get(url, {"q": "nothing like it"}).content.decode()
    assert list_names(html) == []


def test_list_filters_by_country_region_and_sector(client, secretariat):
    OrganisationFactory(cluster_name="A-BW-Health", country="DE", region="DE-BW")
    OrganisationFactory(cluster_name="B-MV-Health", country="DE", region="DE-MV")
    OrganisationFactory(
        cluster_name="C-BW-Creative", country="DE", region="DE-BW", sector="creative_industries"
    )
    OrganisationFactory(cluster_name="D-AT", country="AT", region="AT-9")
    login(client, secretariat)
    url = reverse("organisations:list")
    assert list_names(client.get(url, {"country": "AT"}).content.decode()) == ["D-AT"]
    assert list_names(client.get(url, {"region": "DE-BW"}).content.decode()) == [
        "A-BW-Health",
        "C-BW-Creative",
    ]
    assert list_names(
        client.get(url, {"region": "de-bw", "sector": "health_medical"}).content.decode()
    ) == ["A-BW-Health"]
    html = client.get(url, {"sector": "creative_industries"}).content.decode()
    assert list_names(html) == ["C-BW-Creative"]
    # the filter keeps its value and offers the values that occur
    assert element(html, "option", value="creative_industries", selected=True)
    assert text(element(html, "option", value="DE-MV")) == "Mecklenburg-Vorpommern"
    assert text(element(html, "option", value="AT")) == "Österreich"  # the page is German


def test_list_shows_counts_and_managers(client, secretariat, world):
    login(client, world.builder.secretariat, language="en")
    page = text(client.get(reverse("organisations:list")).content.decode())
    manager = world.manager
    assert "2 organisations" in page
    row = page.split(world.own.cluster_name, 1)[1]
    # seat (by name, not "DE · DE-BW"), sector, members, staff, procedures, managers
    assert row.startswith(
        f" {world.own.legal_name} Germany · Baden-Württemberg Mannheim"
        f" Health and medical science 80 3.5 1 {manager.get_full_name()}"
    )


def test_list_is_paginated_by_25_and_keeps_the_filters(client, secretariat):
    for number in range(30):
        OrganisationFactory(cluster_name=f"Cluster {number:02d}", region="DE-BW")
    login(client, secretariat)
    url = reverse("organisations:list")
    html = client.get(url, {"region": "DE-BW"}).content.decode()
    assert list_names(html) == [f"Cluster {n:02d}" for n in range(25)]
    assert "?region=DE-BW&page=2" in hrefs(html)
    html = client.get(url, {"region": "DE-BW", "page": "2"}).content.decode()
    assert list_names(html) == [f"Cluster {n:02d}" for n in range(25, 30)]
    # a page number out of range shows the last page, not an error
    html = client.get(url, {"page": "99"}).content.decode()
    assert list_names(html) == [f"Cluster {n:02d}" for n in range(25, 30)]


@pytest.mark.parametrize("count", [3, 30])
def test_list_query_count_does_not_grow_with_organisations(
    client, secretariat, count, django_assert_num_queries
):
    managers = UserFactory.create_batch(2, role=Role.CLUSTER_MANAGER)
    for number in range(count):
        OrganisationFactory(managers=managers, region=f"DE-{['BW', 'BY', 'MV'][number % 3]}")
    login(client, secretariat)
    # session, user, the user's grants, page count, page, managers, countries, regions
    with django_assert_num_queries(8):
        response = client.get(reverse("organisations:list"), {"q": "cluster"})
    assert len(list_names(response.content.decode())) == min(count, 25)


def test_a_manager_with_one_organisation_is_sent_to_it(client, manager, organisation):
    login(client, manager)
    response = client.get(reverse("organisations:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])


def test_a_manager_without_organisation_is_told_who_creates_it(client):
    login(client, UserFactory(role=Role.CLUSTER_MANAGER), language="en")
    page = text(client.get(reverse("organisations:list")).content.decode())
    assert "Your account does not manage an organisation yet." in page


# --- editing ----------------------------------------------------------------------------------


def test_manager_edit_saves_german_numbers_and_writes_the_audit_event(
    client, manager, organisation
):
    login(client, manager)
    url = reverse("organisations:edit", args=[organisation.pk])
    assert client.get(url).status_code == 200
    data = form_data(
        organisation,
        staff_fte="4,25",
        annual_budget="1.200.000,50",
        members_public_bodies="7",
        share_public_grants="30",
        share_paid_services="12,5",
        programmes=[],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])
    organisation.refresh_from_db()
    assert organisation.staff_fte == Decimal("4.25")
    assert organisation.annual_budget == Decimal("1200000.50")
    assert organisation.members_public_bodies == 7
    assert dict(organisation.funding_sources.values_list("kind", "share_percent")) == {
        "public_grants": Decimal("30.00"),
        "membership_fees": Decimal("35.50"),
        "paid_services": Decimal("12.50"),
    }
    assert not organisation.programmes.exists()
    assert list(organisation.managers.all()) == [manager]  # a manager's form has no managers
    event = AuditEvent.objects.get(action="organisation.update")
    assert event.actor == manager
    assert event.before == {
        "staff_fte": "3.50",
        "annual_budget": "850000.00",
        "members_public_bodies": 5,
        "funding_sources": {"membership_fees": "35.50", "public_grants": "40.00"},
        "programmes": ["go-cluster"],
    }
    assert event.after == {
        "staff_fte": "4.25",
        "annual_budget": "1200000.50",
        "members_public_bodies": 7,
        "funding_sources": {
            "membership_fees": "35.50",
            "paid_services": "12.50",
            "public_grants": "30.00",
        },
        "programmes": [],
    }


def test_the_edit_form_shows_the_stored_values_in_german(client, manager, organisation):
    login(client, manager)
    html = client.get(reverse("organisations:edit", args=[organisation.pk])).content.decode()
    assert input_value(html, "staff_fte") == "3,50"
    assert input_value(html, "annual_budget") == "850000,00"
    assert input_value(html, "share_public_grants") == "40,00"
    assert input_value(html, "share_membership_fees") == "35,50"
    assert elements(html, "input", name="programmes", checked=True)
    assert not elements(html, name="managers")


def test_english_numbers_in_english(client, manager, organisation):
    login(client, manager, language="en")
    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        form_data(
            organisation,
            staff_fte="2.75",
            annual_budget="1,250,000.00",
            share_public_grants="40",
            share_membership_fees="35.5",
        ),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.staff_fte == Decimal("2.75")
    assert organisation.annual_budget == Decimal("1250000.00")


def test_invalid_edit_redisplays_what_was_typed_with_a_message_per_field(
    client, manager, organisation
):
    login(client, manager, language="en")
    before = snapshot(organisation)
    url = reverse("organisations:edit", args=[organisation.pk])
    response = client.post(
        url,
        form_data(
            organisation,
            cluster_name="Neuer Name",
            region="DE-XX",
            founding_year="1850",
            staff_fte="-1",
            members_companies="10",
            members_smes="12",
            share_public_grants="80",
            share_membership_fees="50",
            website="not a website",
        ),
    )
    assert response.status_code == 200
    html = response.content.decode()
    # what was typed is still there
    for name, value in [
        ("cluster_name", "Neuer Name"),
        ("region", "DE-XX"),
        ("founding_year", "1850"),
        ("staff_fte", "-1"),
        ("members_smes", "12"),
        ("share_public_grants", "80"),
        ("share_membership_fees", "50"),
        ("website", "not a website"),
    ]:
        assert input_value(html, name) == value, name
    # one specific message per field, in English
    assert field_errors(html, "region") == [
        "DE-XX is not a region of DE; use one of DE-BB, DE-BE, DE-BW, DE-BY, DE-HB, DE-HE, "
        "DE-HH, DE-MV, DE-NI, DE-NW, DE-RP, DE-SH, DE-SL, DE-SN, DE-ST, DE-TH."
    ]
    assert field_errors(html, "founding_year") == [
        "Ensure this value is greater than or equal to 1900."
    ]
    assert field_errors(html, "staff_fte") == ["Ensure this value is greater than or equal to 0."]
    assert field_errors(html, "members_smes") == [
        "12 SMEs are more than the 10 companies they are part of."
    ]
    assert field_errors(html, "website") == ["Enter a valid URL."]
    assert text(element(html, id="funding-error")) == (
        "The funding shares add up to 130 %; together they can be at most 100 %."
    )
    (summary,) = elements(html, role="alert")
    assert "The funding shares add up to 130 %" in text(summary)  # linked to the first share
    assert "#id_share_public_grants" in hrefs(summary)
    # the heading keeps the stored name; nothing was saved
    assert "MedTech Mannheim" in html
    assert snapshot(organisation) == before


def test_german_error_redisplay_keeps_the_comma(client, manager, organisation):
    login(client, manager)
    before = snapshot(organisation)
    response = client.post(
        reverse("organisations:edit", args=[organisation.pk]),
        form_data(organisation, staff_fte="2,5", region="DE-XX"),
    )
    html = response.content.decode()
    assert input_value(html, "staff_fte") == "2,5"
    assert field_errors(html, "region")[0].startswith("DE-XX")
    assert snapshot(organisation) == before


# --- creating ---------------------------------------------------------------------------------


def test_secretariat_creates_an_organisation_and_chooses_its_managers(client, secretariat):
    chosen = UserFactory(role=Role.CLUSTER_MANAGER, first_name="Max", last_name="Manager")
    UserFactory(role=Role.ASSESSOR, first_name="Astrid", last_name="Assessor")
    go_cluster = ProgrammeFactory()
    login(client, secretariat)
    url = reverse("organisations:create")
    html = client.get(url).content.decode()
    assert "Max Manager" in html
    assert "Astrid Assessor" not in html  # only cluster manager accounts are offered
    response = client.post(
        url,
        form_data(
            cluster_name="BioCon Valley",
            legal_name="BioCon Valley GmbH",
            region="de-mv",
            country="de",
            listed_in_cluster_database="unknown",
            share_public_grants="55",
            programmes=[str(go_cluster.pk)],
            managers=[str(chosen.pk)],
        ),
    )
    created = Organisation.objects.get(cluster_name="BioCon Valley")
    assert response["Location"] == reverse("organisations:detail", args=[created.pk])
    assert (created.country, created.region) == ("DE", "DE-MV")
    assert created.listed_in_cluster_database is None
    assert created.staff_fte == Decimal("3.50")
    assert list(created.managers.all()) == [chosen]
    assert list(created.programmes.all()) == [go_cluster]
    assert created.funding_sources.get().share_percent == Decimal("55.00")
    event = AuditEvent.objects.get(action="organisation.create")
    assert event.actor == secretariat
    assert event.after["region"] == "DE-MV"


@pytest.mark.parametrize(
    ("country", "region", "stored"),
    [
        ("DE", "Baden-Württemberg", ("DE", "DE-BW")),
        ("Deutschland", "Bayern", ("DE", "DE-BY")),
        ("AT", "Tirol", ("AT", "AT-7")),
        ("ES", "ct", ("ES", "ES-CT")),  # a region's own code, with the country known
    ],
)
def test_country_and_region_may_be_given_by_name(client, secretariat, country, region, stored):
    login(client, secretariat)
    client.post(
        reverse("organisations:create"),
        form_data(cluster_name="Named", country=country, region=region),
    )
    created = Organisation.objects.get(cluster_name="Named")
    assert (created.country, created.region) == stored


def test_the_country_is_chosen_by_its_name(client, secretariat):
    login(client, secretariat, language="de")
    page = client.get(reverse("organisations:create"))
    options = elements(element(page, "select", name="country"), "option")
    assert ("DE", "Deutschland") in [(attribute(o, "value"), text(o)) for o in options]


def test_an_unknown_region_is_refused_with_the_countrys_name(client, secretariat):
    login(client, secretariat, language="en")
    response = client.post(
        reverse("organisations:create"),
        form_data(cluster_name="Named", country="DE", region="Wonderland"),
    )
    assert field_errors(response.content.decode(), "region") == [
        "“Wonderland” is not a state or region of Germany: write its name or its ISO 3166-2 "
        "code (e.g. DE-BW)."
    ]
    assert input_value(response.content.decode(), "region") == "Wonderland"
    assert not Organisation.objects.filter(cluster_name="Named").exists()


def test_invalid_create_redisplays_and_creates_nothing(client, secretariat):
    login(client, secretariat, language="en")
    response = client.post(
        reverse("organisations:create"),
        form_data(cluster_name="", country="Atlantis", sector="space_tourism", staff_fte="3,5"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert field_errors(html, "cluster_name") == ["This field is required."]
    assert field_errors(html, "country") == [
        "“Atlantis” is not a country: choose one from the list."
    ]
    assert field_errors(html, "sector") == [
        "Select a valid choice. space_tourism is not one of the available choices."
    ]
    # "3,5" is not an English number
    assert field_errors(html, "staff_fte") == ["Enter a number."]
    assert Organisation.objects.count() == 0


# --- navigation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "label"),
    [
        (Role.SECRETARIAT, "Organisations"),
        (Role.AUTHORITY, "Organisations"),
        (Role.ADMINISTRATOR, "Organisations"),
        (Role.CLUSTER_MANAGER, "My organisation"),
        (Role.ASSESSOR, None),
        (Role.BOARD_MEMBER, None),
    ],
)
def test_navigation_offers_the_organisations_to_whom_they_concern(client, role, label):
    login(client, UserFactory(role=role), language="en")
    html = client.get(reverse("portal:start")).content.decode()
    nav = element(html, class_="main-nav")
    links = [text(link) for link in elements(nav, "a", href=reverse("organisations:list"))]
    assert links == ([] if label is None else [label])


def test_start_page_points_manager_and_secretariat_to_the_organisations(client):
    list_url = reverse("organisations:list")
    for role, title in [
        (Role.CLUSTER_MANAGER, "Your organisation's profile and eligibility"),
        (Role.SECRETARIAT, "Organisations"),
    ]:
        client.logout()
        login(client, UserFactory(role=role), language="en")
        html = client.get(reverse("portal:start")).content.decode()
        headings = [text(h3) for h3 in elements(html, "h3") if hrefs(h3) == [list_url]]
        assert title in headings


def test_an_empty_post_is_refused_field_by_field(client, manager, organisation):
    login(client, manager, language="en")
    before = snapshot(organisation)
    response = client.post(reverse("organisations:edit", args=[organisation.pk]), {})
    html = response.content.decode()
    assert response.status_code == 200
    for name in ("legal_name", "cluster_name", "country", "sector"):
        assert field_errors(html, name) == ["This field is required."], name
    assert snapshot(organisation) == before
