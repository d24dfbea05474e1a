"""The policy reads a person's grants once and keeps them on the user object, but never answers
from grants that changed since (a command or the demo keeps one user object for many steps)."""

import pytest

from clusterlabel.access.models import Grant
from clusterlabel.access.policy import Activity, can, held_roles
from clusterlabel.accounts.choices import Role
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_new_grant_counts_at_once_for_the_same_user_object(django_assert_num_queries):
    user = UserFactory()
    first = OrganisationFactory(managers=[user])
    assert can(user, Activity.EDIT_ORGANISATION, first)
    with django_assert_num_queries(0):
        assert held_roles(user) == {Role.CLUSTER_MANAGER}  # read once, then kept
    second = OrganisationFactory(managers=[user])  # added through the managers relation
    assert can(user, Activity.EDIT_ORGANISATION, second)
    Grant.objects.filter(user=user, organisation=first).delete()
    assert not can(user, Activity.EDIT_ORGANISATION, first)
    Grant.objects.create(user=user, role=Role.ADMINISTRATOR)
    assert Role.ADMINISTRATOR in held_roles(user)
