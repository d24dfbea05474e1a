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
from clusterlabel.benchmarks.models import ReferenceAssessment, StoredPool, StoredPoolPart
from clusterlabel.organisations.merging import organisation_merge
from tests.benchmarks.pool_factories import external_pool, own_entry, record, scheme_version
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import login
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db


def stored(kind: str = "latest") -> StoredPool:
    return StoredPool.objects.get(pool_id="ecei-bronze", kind=kind)


def members() -> set[str]:
    """The organisations of ours whose report the stored latest pool can give."""
    keys = StoredPoolPart.objects.filter(stored_pool=stored()).values_list("key", flat=True)
    return {key.removeprefix("member:") for key in keys if key.startswith("member:")}


def member(key: str):
    part = StoredPoolPart.objects.get(stored_pool=stored(), key=f"member:{key}")
    return pickle.loads(bytes(part.data))


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
    assert key not in members()
    assert stored("history").figures["organisations"] == 8
    builds.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        procedure = builder.step()
    assert procedure.state == "awarded"
    assert builds == ["latest", "history"]  # after the commit, by the decision's request
    builds.clear()

    # The stored pools hold the decided assessment, with the values it was recorded with.
    row = ReferenceAssessment.objects.get(procedure=procedure)
    assert stored().figures["organisations"] == 9
    assert member(key).scores[-1] == pytest.approx(float(row.overall_percent))
    assert stored("history").figures["organisations"] == 9

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
    assert f"org:{builder.organisation.pk}" in members()


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
    assert f"org:{organisation.pk}" in members()

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
    assert stored().basis.endswith(f":{next_year.year}")


def test_a_merge_rebuilds_the_pool_under_the_organisation_kept():
    keep, merge = OrganisationFactory(), OrganisationFactory()
    record([*external_pool([1, 2, 3]), own_entry(merge, 45, day=date(2024, 5, 1))])
    assert f"org:{merge.pk}" in members()
    history = stored("history").generation
    with TestCase.captureOnCommitCallbacks(execute=True):
        organisation_merge(keep=keep, merge=merge, actor=None)
    assert f"org:{keep.pk}" in members()
    assert f"org:{merge.pk}" not in members()
    assert stored("history").generation == history + 1
    assert stored("history").figures["organisations"] == 4


def test_migrate_builds_the_pools_that_do_not_fit():
    record(external_pool([1, 2, 3]))
    StoredPool.objects.all().delete()
    stored_pools.pools_build_all()
    assert set(StoredPool.objects.values_list("kind", flat=True)) == {"latest", "history"}
    assert stored().figures["organisations"] == 3


def test_the_pool_page_reads_the_overview_and_the_years_stored_with_the_pool(
    client, monkeypatch, other_process
):
    record(external_pool([10, 20, 30, 40, 50, 60]))

    def computed(*args, **kwargs):
        raise AssertionError("the page computed what was stored")

    monkeypatch.setattr(stored_pools, "pool_build", computed)
    monkeypatch.setattr(stored_pools, "pool_overview", computed)
    monkeypatch.setattr(stored_pools, "pool_over_time", computed)
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
    assert {f"org:{p.organisation_id}" for p in procedures} <= members()


def as_stored_by_format_2() -> None:
    """The stored pools as the release before wrote them: data (pool, summary), no parts."""
    for row in StoredPool.objects.all():
        older = row.basis.replace(f"{stored_pools.STORED_FORMAT}:", "2:", 1)
        assert older != row.basis
        data = pickle.dumps(("the pickled domain Pool", "its summary"))
        StoredPool.objects.filter(pk=row.pk).update(basis=older, data=data)
    StoredPoolPart.objects.all().delete()


def test_a_pool_stored_in_another_layout_is_built_again(builds, client, other_process):
    organisation = OrganisationFactory()
    record([*external_pool([10, 20, 30, 40, 50, 60]), own_entry(organisation, 45)])
    as_stored_by_format_2()
    builds.clear()
    login(client, UserFactory(role=Role.SECRETARIAT))
    url = reverse("benchmarks:report", args=["ecei-bronze", organisation.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["report"].pool_size == 7
    assert builds == ["latest"]
    assert stored().basis.startswith(f"{stored_pools.STORED_FORMAT}:")
    assert f"org:{organisation.pk}" in members()


def test_the_pool_page_builds_a_pool_stored_in_another_layout_instead_of_reading_it(
    builds, client, other_process
):
    record(external_pool([10, 20, 30, 40, 50, 60]))
    as_stored_by_format_2()
    builds.clear()
    login(client, UserFactory(role=Role.SECRETARIAT))
    response = client.get(reverse("benchmarks:pool", args=["ecei-bronze"]))
    assert response.status_code == 200
    assert builds == ["latest", "history"]
    assert [row["organisations"] for row in response.context["year_rows"]] == [6]


def test_migrate_builds_the_pools_stored_in_another_layout(builds):
    record(external_pool([1, 2, 3]))
    as_stored_by_format_2()
    builds.clear()
    stored_pools.pools_build_all()
    assert builds == ["latest", "history"]
    assert all(row.basis.startswith("3:") for row in StoredPool.objects.all())


# --- the report from the stored parts is the report over the pool ----------------------------


@pytest.fixture
def mixed_pool():
    """Outside organisations in two sectors and two countries with spread and tied values, and
    four of ours: two in the large sector, one in a sector of its own, one without a value."""
    ours = [
        OrganisationFactory(sector="biotechnology", country="DE"),
        OrganisationFactory(sector="biotechnology", country="AT"),
        OrganisationFactory(sector="aerospace", country="DE"),
        OrganisationFactory(sector="ict", country="FR"),
    ]
    record(
        [
            *external_pool([10, 20, 20, 30, 45, 60, 75, None, 90], sector="biotechnology"),
            *external_pool([5, 45, 45, 50, 80, 99], sector="ict", country="AT", prefix="ict"),
            own_entry(ours[0], 45, **{"STR-02": None}),
            own_entry(ours[1], 20),
            own_entry(ours[2], 90),
            own_entry(ours[3], None),
        ]
    )
    return ours


def pool_over_rows():
    """The latest pool built from the rows, as organisation_report had it before."""
    return stored_pools.pool_build(
        stored_pools.pool_rows_queryset("ecei-bronze", stored_pools.LATEST),
        scheme_version().scheme,
        kind=stored_pools.LATEST,
        reference_year=timezone.localdate().year,
    )


def test_every_report_read_from_the_stored_parts_is_the_report_over_the_pool(mixed_pool):
    from clusterlabel.benchmarks.selectors import latest_pool, pool_report
    from clusterlabel.domain.benchmark import PeerGroup, organisation_report

    pool = pool_over_rows()
    earned = {"STR-01": 1.0}
    compared = []
    for organisation in mixed_pool:
        key = f"org:{organisation.pk}"
        for peer_group in PeerGroup:
            direct = organisation_report(pool, key, peer_group=peer_group, earned_points=earned)
            stored_pools._read.clear()  # read from the database, as a new process does
            snapshot = latest_pool("ecei-bronze")
            read = pool_report(snapshot, key, peer_group=peer_group, earned_points=earned)
            assert read == direct
            # and from this process's memory
            assert pool_report(latest_pool("ecei-bronze"), key, peer_group=peer_group) == (
                organisation_report(pool, key, peer_group=peer_group)
            )
            compared.append((direct.used_group, direct.fallback_reason))
    # The cases the pool was made for: the sector itself, the fallbacks, the own value missing.
    assert ("sector", None) in compared
    assert ("all", "peer_group_too_small") in compared
    assert any(r.percentile_rank is None for r in direct.indicators)


def test_the_pool_page_summary_read_is_the_summary_over_the_pool(mixed_pool):
    from clusterlabel.benchmarks.selectors import latest_pool, pool_snapshot, pool_summary
    from clusterlabel.domain.benchmark import pool_over_time, pool_overview

    stored_pools._read.clear()
    assert pool_summary(latest_pool("ecei-bronze")) == pool_overview(pool_over_rows())
    history = stored_pools.pool_build(
        stored_pools.pool_rows_queryset("ecei-bronze", stored_pools.HISTORY),
        scheme_version().scheme,
        kind=stored_pools.HISTORY,
        reference_year=timezone.localdate().year,
    )
    snapshot = pool_snapshot(scheme_version(), latest=False, today=None)
    assert pool_summary(snapshot) == pool_over_time(history)


def test_a_report_reads_its_parts_in_one_query_two_for_a_peer_group_none_when_held(
    mixed_pool, django_assert_num_queries
):
    from clusterlabel.benchmarks.selectors import latest_pool, pool_report
    from clusterlabel.domain.benchmark import PeerGroup

    key = f"org:{mixed_pool[0].pk}"
    stored_pools._read.clear()
    snapshot = latest_pool("ecei-bronze")
    with django_assert_num_queries(1):  # the organisation's part and all organisations'
        pool_report(snapshot, key, peer_group=PeerGroup.ALL)
    with django_assert_num_queries(1):  # its sector's
        pool_report(snapshot, key, peer_group=PeerGroup.SECTOR)
    with django_assert_num_queries(0):
        pool_report(snapshot, key, peer_group=PeerGroup.SECTOR)
        pool_report(snapshot, key, peer_group=PeerGroup.ALL)


def test_a_pool_built_again_between_two_reads_is_built_and_read_anew(mixed_pool, builds):
    from clusterlabel.benchmarks.selectors import latest_pool, pool_report
    from clusterlabel.domain.benchmark import PeerGroup, organisation_report

    key = f"org:{mixed_pool[1].pk}"
    stored_pools._read.clear()
    snapshot = latest_pool("ecei-bronze")  # the figures of this generation
    record(external_pool([1, 2, 3], prefix="late"))  # another process builds meanwhile
    stored_pools._read.clear()
    builds.clear()
    report = pool_report(snapshot, key, peer_group=PeerGroup.ALL)
    assert builds == ["latest"]  # its parts were gone: built here
    assert report == organisation_report(pool_over_rows(), key)
    assert report.group_size == 15 + 3 + 3


def test_an_organisation_missing_from_a_pool_built_here_is_a_key_error(mixed_pool):
    from clusterlabel.benchmarks.selectors import latest_pool, pool_report
    from clusterlabel.domain.benchmark import PeerGroup

    StoredPool.objects.all().delete()
    stored_pools._read.clear()
    snapshot = latest_pool("ecei-bronze")  # built by this request: every part held
    with pytest.raises(KeyError):
        pool_report(snapshot, "org:0", peer_group=PeerGroup.ALL)
