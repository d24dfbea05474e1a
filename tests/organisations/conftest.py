"""Shared set-up of the organisation tests: a world with one procedure before the board."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory
from tests.procedures.builders import ProcedureBuilder
from tests.states import StateBuilder


@dataclass
class World:
    """``own``: an organisation with a BW procedure in board review (manager, secretariat,
    assessors, board members, authority from the builder); ``other``: an organisation of another
    manager without procedures; plus an administrator and accounts that see nothing."""

    builder: ProcedureBuilder
    own: Organisation
    other: Organisation
    other_manager: User
    administrator: User
    idle_assessor: User
    idle_manager: User

    @property
    def manager(self) -> User:
        return self.builder.manager

    def user(self, role: str) -> User | None:
        b = self.builder
        return {
            "anonymous": None,
            Role.CLUSTER_MANAGER: b.manager,
            Role.SECRETARIAT: b.secretariat,
            Role.ASSESSOR: b.assessors[0],
            Role.BOARD_MEMBER: b.board[0],
            Role.AUTHORITY: b.authority,
            Role.ADMINISTRATOR: self.administrator,
            "idle_assessor": self.idle_assessor,
            "idle_manager": self.idle_manager,
        }[role]


@pytest.fixture
def world(db) -> World:
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at("board_review")
    other_manager = UserFactory(role=Role.CLUSTER_MANAGER)
    return World(
        builder=builder,
        own=builder.organisation,
        other=OrganisationFactory(managers=[other_manager], cluster_name="Anderer Cluster"),
        other_manager=other_manager,
        administrator=UserFactory(role=Role.ADMINISTRATOR),
        idle_assessor=UserFactory(role=Role.ASSESSOR),
        idle_manager=UserFactory(role=Role.CLUSTER_MANAGER),
    )


def form_data(organisation: Organisation | None = None, **changes: object) -> dict[str, object]:
    """What the profile form posts for ``organisation`` (German number format), with changes."""
    data: dict[str, object] = {
        "legal_name": "Medizintechnik Rhein-Neckar e. V.",
        "cluster_name": "MedTech Mannheim",
        "country": "DE",
        "region": "DE-BW",
        "city": "Mannheim",
        "sector": "health_medical",
        "founding_year": "2008",
        "website": "https://medtech.example.org",
        "listed_in_cluster_database": "true",
        "members_companies": "60",
        "members_smes": "45",
        "members_research_education": "12",
        "members_public_bodies": "5",
        "members_civil_society": "3",
        "staff_fte": "3,5",
        "annual_budget": "850000,00",
    }
    if organisation is not None:
        for field in list(data):
            value = getattr(organisation, field)
            if field == "listed_in_cluster_database":
                value = {True: "true", False: "false", None: "unknown"}[value]
            elif value is None:
                value = ""
            else:
                value = (
                    str(value).replace(".", ",")
                    if field in ("staff_fte", "annual_budget")
                    else str(value)
                )
            data[field] = value
        for source in organisation.funding_sources.all():
            data[f"share_{source.kind}"] = str(source.share_percent).replace(".", ",")
        data["programmes"] = [str(p.pk) for p in organisation.programmes.all()]
        data["managers"] = [str(m.pk) for m in organisation.managers.all()]
    data.update(changes)
    return data
