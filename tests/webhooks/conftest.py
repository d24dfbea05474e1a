from __future__ import annotations

import pytest

from clusterlabel.schemes.models import Operator, SchemeVersion
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    """The tests send to a receiver on 127.0.0.1 over http (as the demo may); production's
    refusal is tested with the setting off. Nothing is sent after a commit unless a test sends."""
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.WEBHOOK_DELIVER_ON_COMMIT = False
    settings.WEBHOOK_TIMEOUT_SECONDS = 1


@pytest.fixture
def esca(loaded_schemes) -> Operator:
    """The operator of the ECEI schemes."""
    return SchemeVersion.objects.get(scheme_id="ecei-gold", is_current=True).operator


@pytest.fixture
def vdivde(loaded_schemes) -> Operator:
    """The operator of the BW state label."""
    return SchemeVersion.objects.get(scheme_id="bw-cluster-excellence", is_current=True).operator


@pytest.fixture
def member(db):
    """An organisation in the go-cluster programme."""
    organisation = OrganisationFactory()
    organisation.programmes.add(ProgrammeFactory())
    return organisation


@pytest.fixture
def go_cluster(member):
    return member.programmes.get()


@pytest.fixture
def other_programme(db):
    return ProgrammeFactory(slug="norway", name="Norwegian Innovation Clusters")


@pytest.fixture
def esca_secretariat(esca):
    from clusterlabel.access.models import Grant
    from clusterlabel.access.services import user_flags_sync

    user = UserFactory()
    Grant.objects.create(user=user, role="secretariat", operator=esca)
    user_flags_sync(user)
    return user
