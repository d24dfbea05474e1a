"""The benchmarking pools are built when they change (a decision, an import, a merge), after the
write commits, and stored: a page reads the stored pool and builds none."""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from django.db import connection, transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks import default_task_backend

from clusterlabel.accounts.choices import Role
from clusterlabel.benchmarks import stored_pools
from clusterlabel.benchmarks.models import ReferenceAssessment, StoredPool
from clusterlabel.organisations.merging import organisation_merge
from tests.benchmarks.pool_factories import external_pool, own_entry, record
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import login
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db


def stored(kind: str = "latest"):
    """The stored pool (pickled with its summary for the pool page)."""
    pool, _summary = pickle.loads(
        bytes(StoredPool.objects.get(pool_id="ecei-bronze", kind=kind).data)
    )
    return pool


@pytest.fixture
def builds(monkeypatch):
    """Every pool built from here on (``stored_pools.pool_build``), by kind."""
    calls: list[str] = []
    build = stored_pools.pool_build

    def counting(queryset, scheme, *, kind, reference_year):
        calls.append(kind)
        return build(queryset, scheme, kind=kind, reference_year=reference_year)

    monkeypatch.setattr(stored_pools, "pool_build", counting)
    return calls


@pytest.fixture
def other_process():
    """What another application process has read: nothing (it reads the stored pool)."""
    stored_pools._read.clear()


def test_a_decision_builds_the_pool_and_the_next_requests_build_none(builds, client):
    record(external_pool([10, 20, 30, 40, 50, 60, 70, 80]))
    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    builder.advance_to("awaiting_decision")
    key = f"org:{builder.organisation.pk}"
    assert key not in stored()
    builds.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        procedure = builder.step()
    assert procedure.state == "awarded"
    assert builds == ["latest", "history"]  # after the commit, by the decision's request
    builds.clear()

    # The stored pools hold the decided assessment, with the values it was recorded with.
    row = ReferenceAssessment.objects.get(procedure=procedure)
    latest = stored()
    assert len(latest) == 9
    assert latest.scores[latest._index[key], -1] == pytest.approx(float(row.overall_percent))
    assert key in stored("history")

    stored_pools._read.clear()  # as in another application process
    login(client, builder.manager)
    report = reverse("benchmarks:report", args=["ecei-bronze", builder.organisation.pk])
    assert client.get(report).status_code == 200
    login(client, UserFactory(role=Role.SECRETARIAT))
    assert client.get(reverse("benchmarks:pool", args=["ecei-bronze"])).status_code == 200
    assert builds == []


def test_with_a_worker_the_decision_queues_the_build_and_the_request_builds_nothing(builds):
    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    builder.advance_to("awaiting_decision")
    builds.clear()
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with override_settings(TASKS=dummy):
        with TestCase.captureOnCommitCallbacks(execute=True):
            builder.step()
        assert builds == []  # the request built nothing
        (queued,) = [
            r
            for r in default_task_backend.results
            if r.task.func is stored_pools.build_pools_task.func
        ]
    assert queued.args == [["ecei-bronze"]]
    stored_pools.build_pools_task.call(*queued.args)  # the worker's run
    assert builds == ["latest", "history"]
    assert f"org:{builder.organisation.pk}" in stored()


def test_a_rolled_back_write_builds_nothing():
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        record(external_pool([1, 2, 3]))
        transaction.set_rollback(True)
    assert not StoredPool.objects.exists()


def test_a_pool_with_nothing_stored_is_built_once_by_a_request_and_read_by_the_next(
    builds, client, other_process
):
    organisation = OrganisationFactory()
    record([*external_pool([10, 20, 30, 40, 50, 60]), own_entry(organisation, 45)])
    StoredPool.objects.all().delete()  # as after a release that added the stored pools
    builds.clear()
    login(client, UserFactory(role=Role.SECRETARIAT))
    url = reverse("benchmarks:report", args=["ecei-bronze", organisation.pk])
    assert client.get(url).status_code == 200
    assert builds == ["latest"]
    assert f"org:{organisation.pk}" in stored()

    stored_pools._read.clear()  # another process reads what the first one stored
    assert client.get(url).status_code == 200
    assert builds == ["latest"]


def test_the_pool_page_shows_the_stored_composition(client, other_process):
    record(external_pool([10, 20, 30, 40, 50, 60]))
    composition = StoredPool.objects.get(pool_id="ecei-bronze", kind="latest").figures[
        "composition"
    ]
    assert composition["source"] == [["import", 6]]
    login(client, UserFactory(role=Role.SECRETARIAT))
    response = client.get(reverse("benchmarks:pool", args=["ecei-bronze"]))
    assert response.context["sources"] == [("Importierte Begutachtung", 6)]


def test_building_again_without_a_change_builds_nothing():
    record(external_pool([1, 2, 3]))
    assert stored_pools.pools_build(["ecei-bronze"]) == []
    generation = StoredPool.objects.get(pool_id="ecei-bronze", kind="latest").generation
    record(external_pool([1, 2, 30]))  # a corrected list
    assert StoredPool.objects.get(pool_id="ecei-bronze", kind="latest").generation == (
        generation + 1
    )
    assert stored_pools.pools_build(["ecei-bronze"]) == []


def test_a_new_year_is_built_by_pools_build_with_its_age_bands():
    record(external_pool([1, 2, 3]))
    next_year = date(timezone.localdate().year + 1, 1, 1)
    assert stored_pools.pools_build(["ecei-bronze"], today=next_year) == [
        ("ecei-bronze", "latest"),
        ("ecei-bronze", "history"),
    ]
    assert stored().reference_year == next_year.year


def test_a_merge_rebuilds_the_pool_under_the_organisation_kept():
    keep, merge = OrganisationFactory(), OrganisationFactory()
    record([*external_pool([1, 2, 3]), own_entry(merge, 45, day=date(2024, 5, 1))])
    assert f"org:{merge.pk}" in stored()
    with TestCase.captureOnCommitCallbacks(execute=True):
        organisation_merge(keep=keep, merge=merge, actor=None)
    assert f"org:{keep.pk}" in stored()
    assert f"org:{merge.pk}" not in stored()
    assert f"org:{keep.pk}" in stored("history")


def test_migrate_builds_the_pools_that_do_not_fit():
    record(external_pool([1, 2, 3]))
    StoredPool.objects.all().delete()
    stored_pools.pools_build_all()
    assert set(StoredPool.objects.values_list("kind", flat=True)) == {"latest", "history"}
    assert len(stored()) == 3


def test_the_pool_page_reads_the_overview_and_the_years_stored_with_the_pool(
    client, monkeypatch, other_process
):
    from clusterlabel.benchmarks import presenters

    record(external_pool([10, 20, 30, 40, 50, 60]))

    def computed(pool):
        raise AssertionError("the page computed what was stored")

    monkeypatch.setattr(presenters, "pool_overview", computed)
    monkeypatch.setattr(presenters, "pool_over_time", computed)
    login(client, UserFactory(role=Role.SECRETARIAT))
    response = client.get(reverse("benchmarks:pool", args=["ecei-bronze"]))
    assert response.status_code == 200
    shares = {row["indicator"].id: row["share"] for row in response.context["indicator_rows"]}
    assert len(shares) == 36
    assert [row["organisations"] for row in response.context["year_rows"]] == [6]


@pytest.mark.django_db(transaction=True)
def test_migrating_the_benchmarks_back_to_before_the_stored_pools_still_works():
    from django.core.management import call_command

    record(external_pool([1, 2, 3]))  # a pool to build: migrate's builder would look for it
    call_command("migrate", "benchmarks", "0001", verbosity=0)
    try:
        assert "benchmarks_storedpool" not in connection.introspection.table_names()
    finally:
        call_command("migrate", "benchmarks", verbosity=0)
    assert "benchmarks_storedpool" in connection.introspection.table_names()


@pytest.mark.django_db(transaction=True)  # each procedure's transaction really commits
def test_backfill_builds_each_pool_once_after_recording_every_procedure(builds):
    from io import StringIO

    from django.core.management import call_command

    from tests.states import StateBuilder

    procedures = [StateBuilder(scheme_id="ecei-bronze").advance_to("awarded") for _ in range(2)]
    ReferenceAssessment.objects.filter(procedure__in=procedures).delete()
    builds.clear()
    call_command("backfill_pool", stdout=StringIO())
    assert builds == ["latest", "history"]
    latest = stored()
    assert {f"org:{p.organisation_id}" for p in procedures} <= set(latest._index)


def test_a_pool_stored_in_another_layout_is_built_again(builds, client, other_process):
    organisation = OrganisationFactory()
    record([*external_pool([10, 20, 30, 40, 50, 60]), own_entry(organisation, 45)])
    row = StoredPool.objects.get(pool_id="ecei-bronze", kind="latest")
    older = row.basis.replace(f"{stored_pools.STORED_FORMAT}:", "1:", 1)
    StoredPool.objects.filter(pk=row.pk).update(basis=older, data=pickle.dumps(stored()))
    builds.clear()
    login(client, UserFactory(role=Role.SECRETARIAT))
    url = reverse("benchmarks:report", args=["ecei-bronze", organisation.pk])
    assert client.get(url).status_code == 200
    assert builds == ["latest"]
