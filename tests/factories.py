"""factory_boy factories shared by the Django tests."""

from __future__ import annotations

from decimal import Decimal

import factory

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    role = Role.CLUSTER_MANAGER
    preferred_language = "de"
    country = "DE"
    is_staff = factory.LazyAttribute(lambda u: u.role in {Role.SECRETARIAT, Role.ADMINISTRATOR})
    is_superuser = factory.LazyAttribute(lambda u: u.role == Role.ADMINISTRATOR)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "organisations.Programme"
        django_get_or_create = ("slug",)

    slug = "go-cluster"
    name = "go-cluster"
    owner = "Bundesministerium für Wirtschaft und Energie"


class OrganisationFactory(factory.django.DjangoModelFactory):
    """An organisation that meets every shipped scheme's eligibility criteria (seated in
    Baden-Württemberg and listed in the state's cluster database)."""

    class Meta:
        model = "organisations.Organisation"
        skip_postgeneration_save = True

    legal_name = factory.Sequence(lambda n: f"Clusterinitiative {n} e. V.")
    cluster_name = factory.Sequence(lambda n: f"Cluster {n}")
    country = "DE"
    region = "DE-BW"
    city = "Mannheim"
    sector = "health_medical"
    founding_year = 2008
    website = factory.Sequence(lambda n: f"https://cluster{n}.example.org")
    members_companies = 60
    members_smes = 45
    members_research_education = 12
    members_public_bodies = 5
    members_civil_society = 3
    staff_fte = Decimal("3.5")
    annual_budget = Decimal("850000.00")
    listed_in_cluster_database = True

    @factory.post_generation
    def managers(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.managers.set(extracted)
