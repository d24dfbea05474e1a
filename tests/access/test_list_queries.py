"""The pages that list what a person may see cost the same number of queries however many rows
the policy lets through: the procedure list, the start page with its work waiting, and the
benchmarking index."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.procedures import services
from tests.factories import OrganisationFactory, UserFactory
from tests.procedures.builders import ensure_schemes

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm the per-process caches (schemes, charts)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _applications(manager, count: int) -> None:
    versions = ensure_schemes()
    for n in range(count):
        organisation = OrganisationFactory(managers=[manager], cluster_name=f"Cluster {n:03d}")
        version = versions["bw-cluster-excellence" if n % 2 else "ecei-bronze"]
        procedure = services.procedure_create(
            organisation=organisation,
            scheme_version=version,
            level_id=version.scheme.levels[-1].id,
            process="new",
            assessment_mode="on_site",
            actor=manager,
        )
        services.procedure_submit_application(procedure=procedure, actor=manager)


@pytest.mark.parametrize("who", ["secretariat", "manager"])
def test_procedure_list_and_start_page_do_not_grow_with_the_procedures(client, who):
    manager = UserFactory()
    secretariat = UserFactory(role=Role.SECRETARIAT)
    _applications(manager, 2)
    client.force_login(manager if who == "manager" else secretariat)
    urls = [reverse("procedures:list"), reverse("portal:start")]
    few = [_queries(client, url) for url in urls]
    _applications(manager, 12)
    many = [_queries(client, url) for url in urls]
    assert few == many


def test_benchmarking_index_does_not_grow_with_the_managed_organisations(client):
    manager = UserFactory()
    _applications(manager, 2)
    client.force_login(manager)
    url = reverse("benchmarks:index")
    few = _queries(client, url)
    _applications(manager, 10)
    assert _queries(client, url) == few
