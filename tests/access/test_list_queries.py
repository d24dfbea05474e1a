"""The pages that list what a person may see cost the same number of queries however many rows
the policy lets through: the procedure list, the start page with its work waiting, the
benchmarking index, and the back office's lists of accounts, audit events, labels, reminders and
reference assessments (its grant list: test_admin.py)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.services import audit_record
from clusterlabel.labels.models import LabelReminder
from clusterlabel.procedures import services
from tests.benchmarks.pool_factories import external_pool, record
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.helpers import get_in_queries, login
from tests.labels.label_factories import make_label
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


# --- the back office's lists -------------------------------------------------------------------


def _people(count: int, start: int) -> None:
    for _ in range(count):
        grant_role(UserFactory(), Role.ASSESSOR, scheme_id="ecei-bronze")


def _events(count: int, start: int) -> None:
    for _ in range(count):
        with transaction.atomic():
            audit_record(
                actor=UserFactory(), action="organisation.create", target=OrganisationFactory()
            )


def _labels(count: int, start: int) -> None:
    for _ in range(count):
        make_label()


def _reminders(count: int, start: int) -> None:
    for _ in range(count):
        LabelReminder.objects.create(label=make_label(), kind="expiry")


def _reference_assessments(count: int, start: int) -> None:
    record(external_pool([50] * count, prefix=f"Referenz {start}"))


# Each list, what adds its rows, and the queries it costs (for two rows as for ten).
BACK_OFFICE_LISTS = [
    ("admin:accounts_user_changelist", _people, 7),
    ("admin:audit_auditevent_changelist", _events, 6),
    ("admin:labels_label_changelist", _labels, 11),
    ("admin:labels_labelreminder_changelist", _reminders, 7),
    ("admin:benchmarks_referenceassessment_changelist", _reference_assessments, 10),
]


@pytest.mark.parametrize(("name", "add_rows", "queries"), BACK_OFFICE_LISTS)
def test_the_back_office_lists_do_not_grow_with_their_rows(
    client, loaded_schemes, django_assert_num_queries, name, add_rows, queries
):
    login(client, UserFactory(role=Role.ADMINISTRATOR))
    url = reverse(name)
    add_rows(2, start=0)
    shown = get_in_queries(client, url, queries, django_assert_num_queries).context["cl"]
    add_rows(8, start=2)
    more = get_in_queries(client, url, queries, django_assert_num_queries).context["cl"]
    assert len(more.result_list) == len(shown.result_list) + 8
