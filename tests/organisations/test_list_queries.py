"""The organisation lists cost the same number of queries however many rows they show: the
registrations and claims waiting for the secretariat, and the back office's organisation list.
(The organisation list of the site is pinned in test_views.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.organisations import registration
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.helpers import get_in_queries, login

pytestmark = pytest.mark.django_db

BW = "bw-cluster-excellence"


def _waiting(count: int, start: int) -> None:
    """``count`` registrations and ``count`` claims for the BW secretariat."""
    for n in range(start, start + count):
        OrganisationFactory(
            cluster_name=f"Angemeldet {n}",
            confirmed_at=None,
            requested_scheme_id=BW,
            registered_by=UserFactory(),
        )
        registration.organisation_claim(
            actor=UserFactory(),
            organisation=OrganisationFactory(cluster_name=f"Beansprucht {n}"),
            scheme_id=BW,
        )


def test_the_pending_registrations_and_claims_do_not_grow_with_the_rows(
    client, loaded_schemes, django_assert_num_queries
):
    login(client, grant_role(UserFactory(), Role.SECRETARIAT, scheme_id=BW))
    url = reverse("organisations:pending")
    _waiting(2, start=0)
    page = get_in_queries(client, url, 9, django_assert_num_queries)
    assert (len(page.context["registrations"]), len(page.context["claims"])) == (2, 2)
    _waiting(6, start=2)
    page = get_in_queries(client, url, 9, django_assert_num_queries)
    assert (len(page.context["registrations"]), len(page.context["claims"])) == (8, 8)


def test_the_back_office_organisation_list_does_not_grow_with_the_organisations(
    client, loaded_schemes, django_assert_num_queries
):
    login(client, UserFactory(role=Role.ADMINISTRATOR))
    url = reverse("admin:organisations_organisation_changelist")
    OrganisationFactory.create_batch(2)
    page = get_in_queries(client, url, 9, django_assert_num_queries)
    assert page.context["cl"].result_count == 2
    OrganisationFactory.create_batch(8)
    page = get_in_queries(client, url, 9, django_assert_num_queries)
    assert page.context["cl"].result_count == 10
