"""The demo's expert pool: the demo assessors qualified for every shipped level, and some twenty
experts from across Europe with profiles, so the secretariat can compose a Gold panel (one
national, one foreign) from the suggestion and see why some experts are not suggested: an
expired or unconfirmed qualification, a qualification for another level, a declared conflict
with a demo organisation, a country they do not assess in.

Everything is written through the services (each audited), with the demo secretariat
confirming. Idempotent: an account or profile that exists is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from clusterlabel.access.services import ScopeChoice, grant_create, user_create
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.assessors import services as pool
from clusterlabel.assessors.models import Qualification
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.models import Operator, SchemeVersion

# What a demo expert's qualifications are like.
VALID = "valid"  # every ECEI level, confirmed, valid two more years
GOLD_EXPIRED = "gold_expired"  # Gold ended two months ago; Bronze and Silver valid
UNCONFIRMED = "unconfirmed"  # recorded by the expert, not yet confirmed by the secretariat
BRONZE_ONLY = "bronze_only"  # a benchmarking licence only


@dataclass(frozen=True)
class DemoExpert:
    username: str
    first_name: str
    last_name: str
    country: str
    languages: tuple[str, ...]
    sectors: tuple[str, ...]
    qualifications: str = VALID
    countries: tuple[str, ...] = ()  # where they may assess; empty: anywhere
    conflict_with: str = ""  # a demo organisation's cluster name
    language: str = "en"


EXPERTS: tuple[DemoExpert, ...] = (
    DemoExpert(
        "expert-de-1",
        "Katrin",
        "Vogel",
        "DE",
        ("de", "en"),
        ("micro_nano_optics", "production_engineering"),
        language="de",
    ),
    DemoExpert(
        "expert-de-2",
        "Andreas",
        "Roth",
        "DE",
        ("de", "en"),
        ("health_medical", "biotechnology"),
        language="de",
    ),
    DemoExpert(
        "expert-de-3",
        "Miriam",
        "Schulz",
        "DE",
        ("de",),
        ("micro_nano_optics",),
        GOLD_EXPIRED,
        language="de",
    ),
    DemoExpert(
        "expert-de-4",
        "Frank",
        "Albrecht",
        "DE",
        ("de", "en"),
        ("micro_nano_optics", "ict"),
        conflict_with="TechnologyMountains",
        language="de",
    ),
    DemoExpert(
        "expert-at-1",
        "Sabine",
        "Gruber",
        "AT",
        ("de", "en"),
        ("micro_nano_optics", "production_engineering"),
        language="de",
    ),
    DemoExpert(
        "expert-at-2",
        "Lukas",
        "Huber",
        "AT",
        ("de", "it"),
        ("energy_environment",),
        UNCONFIRMED,
        language="de",
    ),
    DemoExpert(
        "expert-fr-1", "Camille", "Laurent", "FR", ("fr", "en"), ("micro_nano_optics", "aerospace")
    ),
    DemoExpert(
        "expert-fr-2", "Julien", "Moreau", "FR", ("fr", "en", "de"), ("automotive_mobility",)
    ),
    DemoExpert(
        "expert-nl-1",
        "Sanne",
        "Bakker",
        "NL",
        ("nl", "en", "de"),
        ("agriculture_food", "logistics"),
    ),
    DemoExpert(
        "expert-nl-2", "Daan", "Visser", "NL", ("nl", "en"), ("micro_nano_optics",), GOLD_EXPIRED
    ),
    DemoExpert(
        "expert-dk-1",
        "Mette",
        "Nielsen",
        "DK",
        ("da", "en", "de"),
        ("energy_environment", "maritime"),
    ),
    DemoExpert(
        "expert-dk-2",
        "Søren",
        "Madsen",
        "DK",
        ("da", "en"),
        ("health_medical",),
        countries=("DK", "NO", "SE"),
    ),
    DemoExpert(
        "expert-no-1", "Ingrid", "Hansen", "NO", ("no", "en"), ("maritime", "energy_environment")
    ),
    DemoExpert("expert-no-2", "Lars", "Johansen", "NO", ("no", "en", "de"), ("ict",), BRONZE_ONLY),
    DemoExpert(
        "expert-es-1", "Lucía", "García", "ES", ("es", "en"), ("tourism", "agriculture_food")
    ),
    DemoExpert(
        "expert-es-2",
        "Javier",
        "Martín",
        "ES",
        ("es", "en", "fr"),
        ("creative_industries",),
        UNCONFIRMED,
    ),
    DemoExpert(
        "expert-it-1",
        "Giulia",
        "Rossi",
        "IT",
        ("it", "en", "de"),
        ("textiles", "creative_industries"),
    ),
    DemoExpert(
        "expert-it-2", "Marco", "Bianchi", "IT", ("it", "en"), ("micro_nano_optics", "aerospace")
    ),
    DemoExpert(
        "expert-pl-1",
        "Agnieszka",
        "Nowak",
        "PL",
        ("pl", "en", "de"),
        ("production_engineering", "ict"),
    ),
    DemoExpert(
        "expert-pl-2",
        "Piotr",
        "Kowalski",
        "PL",
        ("pl", "en"),
        ("chemicals_materials",),
        GOLD_EXPIRED,
    ),
    DemoExpert(
        "expert-be-1",
        "Els",
        "Peeters",
        "BE",
        ("nl", "fr", "en"),
        ("chemicals_materials", "logistics"),
    ),
    DemoExpert(
        "expert-se-1", "Karin", "Lindqvist", "SE", ("sv", "en"), ("ict", "automotive_mobility")
    ),
)

ECEI = ("ecei-bronze", "ecei-silver", "ecei-gold")


def _levels(scheme_ids: tuple[str, ...]) -> list[tuple[str, str]]:
    versions = SchemeVersion.objects.filter(is_current=True, scheme_id__in=scheme_ids)
    return sorted((v.scheme_id, level.id) for v in versions for level in v.scheme.levels)


def _qualify(
    user: User,
    secretariat: User,
    levels: list[tuple[str, str]],
    *,
    today: date,
    kind: str = "licence",
    confirmed: bool = True,
    ended: set[str] = frozenset(),  # type: ignore[assignment]
) -> None:
    """Qualifications for ``levels`` recorded by ``user`` and confirmed by ``secretariat``;
    those of the schemes in ``ended`` ran out two months ago (confirmed while they ran)."""
    for scheme_id, level_id in levels:
        start = today - timedelta(days=2 * 365)
        end = today + timedelta(days=2 * 365)
        if scheme_id in ended:
            start, end = today - timedelta(days=4 * 365), today - timedelta(days=60)
        qualification = pool.qualification_add(
            actor=user,
            scheme_id=scheme_id,
            level_id=level_id,
            kind=kind,
            valid_from=start,
            valid_until=end,
        )
        if confirmed:
            pool.qualification_confirm(
                actor=secretariat, qualification=qualification, today=min(today, end)
            )


def demo_assessors_qualify(*, accounts: dict[str, User]) -> None:
    """The demo's assessors (``assessor``, ``assessor2``) with profiles and confirmed
    qualifications for every level of every loaded scheme, before they walk the demo
    procedures (a panel is confirmed only with qualified assessors)."""
    today = timezone.localdate()
    profiles = {
        "assessor": (("de", "en"), ("health_medical", "micro_nano_optics", "creative_industries")),
        "assessor2": (("nl", "en", "de"), ("production_engineering", "ict", "agriculture_food")),
    }
    every_scheme = tuple(
        SchemeVersion.objects.filter(is_current=True).values_list("scheme_id", flat=True)
    )
    for username, (languages, sectors) in profiles.items():
        user = accounts[username]
        if Qualification.objects.filter(profile__user=user).exists():
            continue
        pool.assessor_profile_update(actor=user, languages=languages, sectors=sectors, countries=())
        _qualify(user, accounts["secretariat"], _levels(every_scheme), today=today)


def _expert_create(spec: DemoExpert, password: str) -> User:
    user = user_create(
        actor=None,
        username=spec.username,
        password=password,
        email=f"{spec.username}@example.org",
        first_name=spec.first_name,
        last_name=spec.last_name,
        preferred_language=spec.language,
        country=spec.country,
    )
    for operator in Operator.objects.order_by("slug"):
        grant_create(
            actor=None, user=user, role=Role.ASSESSOR, scope=ScopeChoice(operator=operator)
        )
    return user


def demo_pool_load(*, accounts: dict[str, User], password: str) -> int:
    """The demo's experts with their profiles, qualifications and declared conflicts (after
    the demo organisations exist). Returns how many experts were created."""
    today = timezone.localdate()
    secretariat = accounts["secretariat"]
    organisations = {o.cluster_name: o for o in Organisation.objects.all()}
    created = 0
    for spec in EXPERTS:
        if User.objects.filter(username=spec.username).exists():
            continue
        user = _expert_create(spec, password)
        created += 1
        pool.assessor_profile_update(
            actor=user, languages=spec.languages, sectors=spec.sectors, countries=spec.countries
        )
        if spec.qualifications == BRONZE_ONLY:
            _qualify(user, secretariat, _levels(("ecei-bronze",)), today=today)
        else:
            _qualify(
                user,
                secretariat,
                _levels(ECEI),
                today=today,
                kind="training" if spec.qualifications == UNCONFIRMED else "licence",
                confirmed=spec.qualifications != UNCONFIRMED,
                ended={"ecei-gold"} if spec.qualifications == GOLD_EXPIRED else set(),
            )
        if spec.conflict_with and spec.conflict_with in organisations:
            pool.declared_conflict_add(
                actor=user,
                organisation=organisations[spec.conflict_with],
                note="Projektleitung in der Geschäftsstelle bis 2021.",
                since=date(2017, 1, 1),
            )
    return created
