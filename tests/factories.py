"""factory_boy factories shared by the Django tests."""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal

import factory

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.domain.schemes import Scheme
from clusterlabel.organisations.models import name_search_key

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Erika"
    last_name = factory.Sequence(lambda n: f"Muster{n}")
    preferred_language = "de"
    country = "DE"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        """``role=Role.X`` grants X as a single-operator installation would: a scheme role for
        every shipped scheme's operator, administrator for the installation, programme for
        ``role__programme``. A cluster manager gets their grants with their organisations
        (``OrganisationFactory(managers=[...])``)."""
        if create and extracted:
            grant_role(obj, extracted, **kwargs)


@functools.cache
def shipped_schemes() -> tuple[Scheme, ...]:
    """The shipped scheme files, parsed once per test process (immutable): parsing the four
    took about half a second, and every user made with a scheme role used to parse them."""
    from clusterlabel.domain.schemes import load_scheme_file
    from clusterlabel.schemes.services import SHIPPED_DIR, scheme_files

    return tuple(load_scheme_file(path) for path in scheme_files(SHIPPED_DIR))


def _shipped_parties() -> list[tuple[str, str, str]]:
    """(key, name, country) of each shipped scheme's operator."""
    parties = {s.operator.key: s.operator for s in shipped_schemes()}
    return [(key, parties[key].name, parties[key].country) for key in sorted(parties)]


def shipped_operators():
    """The operators of the shipped schemes, as loading the scheme files would make them."""
    from clusterlabel.schemes.models import Operator

    return [
        Operator.objects.get_or_create(slug=key, defaults={"name": name, "country": country})[0]
        for key, name, country in _shipped_parties()
    ]


def grant_role(user, role, *, programme=None, scheme_id="", organisation=None):
    """Give ``user`` the grants for ``role`` directly (no audit event: test set-up)."""
    from clusterlabel.access.models import Grant
    from clusterlabel.access.services import user_flags_sync

    role = Role(role)
    if role == Role.CLUSTER_MANAGER:
        if organisation is not None:
            Grant.objects.create(user=user, role=role, organisation=organisation)
    elif role == Role.ADMINISTRATOR:
        Grant.objects.create(user=user, role=role)
    elif role == Role.PROGRAMME:
        Grant.objects.create(user=user, role=role, programme=programme or ProgrammeFactory())
    elif scheme_id:
        Grant.objects.create(user=user, role=role, scheme_id=scheme_id)
    else:
        for operator in shipped_operators():
            Grant.objects.create(user=user, role=role, operator=operator)
    if role == Role.ASSESSOR:
        qualify(user, scheme_ids=[scheme_id] if scheme_id else None)
    user_flags_sync(user)
    return user


QUALIFIED_FROM = date(2000, 1, 1)
QUALIFIED_UNTIL = date(2099, 12, 31)


def qualify(
    user,
    *,
    scheme_ids=None,
    valid_from=QUALIFIED_FROM,
    valid_until=QUALIFIED_UNTIL,
    confirmed=True,
    kind="licence",
):
    """Give ``user`` an assessor profile and a qualification for every level of the shipped
    schemes (or of ``scheme_ids``), confirmed unless ``confirmed=False``: what an assessor needs
    to be put on a panel (``panel_propose``, ``assign_assessors``). Test set-up, no audit."""
    from django.utils import timezone

    from clusterlabel.assessors.models import AssessorProfile, Qualification

    profile, _created = AssessorProfile.objects.get_or_create(user=user)
    for scheme in shipped_schemes():
        if scheme_ids is not None and scheme.id not in scheme_ids:
            continue
        for level in scheme.levels:
            Qualification.objects.create(
                profile=profile,
                scheme_id=scheme.id,
                level_id=level.id,
                kind=kind,
                valid_from=valid_from,
                valid_until=valid_until,
                confirmed_at=timezone.now() if confirmed else None,
            )
    return profile


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
    # What the services store with the names (``Organisation.set_name_search_key``).
    name_search_key = factory.LazyAttribute(lambda o: name_search_key(o.legal_name, o.cluster_name))
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
            obj.managers.set(extracted, through_defaults={"role": Role.CLUSTER_MANAGER})
