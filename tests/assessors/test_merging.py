"""Merging two organisations keeps the conflicts assessors declared for either."""

from __future__ import annotations

import pytest

from clusterlabel.accounts.choices import Role
from clusterlabel.assessors import services
from clusterlabel.assessors.models import DeclaredConflict
from clusterlabel.organisations import merging
from clusterlabel.organisations.merging import organisation_merge
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_declared_conflicts_follow_the_organisation_kept(loaded_schemes) -> None:
    keep, merge = OrganisationFactory(), OrganisationFactory()
    one, both = UserFactory(role=Role.ASSESSOR), UserFactory(role=Role.ASSESSOR)
    services.declared_conflict_add(actor=one, organisation=merge, note="Worked there.")
    services.declared_conflict_add(actor=both, organisation=merge, note="Advised it.")
    services.declared_conflict_add(actor=both, organisation=keep, note="Board member.")
    result = organisation_merge(keep=keep, merge=merge, actor=None)
    assert result.moved["declared_conflicts"] == 1
    assert result.dropped["declared_conflicts"] == 1
    rows = DeclaredConflict.objects.order_by("profile__user__pk")
    assert [(c.profile.user, c.organisation, c.note) for c in rows] == [
        (one, keep, "Worked there."),
        (both, keep, "Board member."),
    ]
    assert "assessors.move" in merging.movers.names()
