"""The benchmark report page and the pool page: figures computed by hand, privacy, who may see
what, and query counts that do not grow with the pool."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.benchmarks.models import ReferenceSource
from tests.benchmarks.pool_factories import external_pool, own_entry, record
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import attribute, element, elements, hrefs, login, text

DASH = "\u2013"  # the en dash the pages put between quartiles

pytestmark = pytest.mark.django_db

RIVALS = [10, 20, 30, 40, 50, 60, 70, 80]  # STR-01 of eight other organisations


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def manager():
    return UserFactory(role=Role.CLUSTER_MANAGER)


@pytest.fixture
def organisation(manager):
    return OrganisationFactory(managers=[manager], sector="biotechnology", country="DE")


@pytest.fixture
def pool(organisation):
    record(external_pool(RIVALS, prefix="Rival", indicator_id="STR-01"))
    record([own_entry(organisation, 45)])


def report_url(organisation, **query):
    url = reverse("benchmarks:report", args=["ecei-bronze", organisation.pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def row_text(response, row_id: str) -> str:
    """The text of the table row ``row_id`` (its charts left out)."""
    return text(element(response, "tr", id=row_id))


def test_the_manager_sees_hand_computed_figures_in_german(client, manager, organisation, pool):
    login(client, manager)
    response = client.get(report_url(organisation))
    assert response.status_code == 200
    # 8 others: 10..80; own 45. Worse: 4 of 8 -> rank 50. Linear quantiles: q1 = 20 + 0.75 * 10,
    # median = 45, q3 = 60 + 0.25 * 10. Threshold 80, gap 35.
    assert row_text(response, "indicator-STR-01") == (
        f"STR-01 Engagierte Clusterakteure 45 Akteure 80 35 50 45 (27,5 {DASH} 62,5)"
    )
    assert "Verglichen mit: Alle Organisationen (8 andere Organisationen)" in text(response)


def test_the_report_names_no_other_organisation(client, manager, organisation, pool):
    login(client, manager)
    for url in (report_url(organisation), report_url(organisation, group="sector")):
        assert "Rival" not in client.get(url).content.decode()


def test_a_too_small_peer_group_falls_back_to_all_and_says_so(client, manager, organisation):
    # Two others share the sector, six do not: "same sector" has 2 < 5 others.
    record(external_pool([10, 20], prefix="Peer", sector="biotechnology"))
    record(external_pool([30, 40, 50, 60, 70, 80], prefix="Other", sector="maritime"))
    record([own_entry(organisation, 45)])
    login(client, manager)
    response = client.get(report_url(organisation, group="sector"))
    assert "notice" in (attribute(element(response, class_="fallback-notice"), "class") or "")
    # The figures are those of all eight others, as above.
    assert row_text(response, "indicator-STR-01").endswith(f"50 45 (27,5 {DASH} 62,5)")


def test_a_large_enough_peer_group_is_used(client, manager, organisation):
    record(external_pool([10, 20, 30, 40, 50], prefix="Peer", sector="biotechnology"))
    record(external_pool([1000, 2000, 3000], prefix="Other", sector="maritime"))
    record([own_entry(organisation, 45)])
    login(client, manager)
    response = client.get(report_url(organisation, group="sector"))
    assert not elements(response, class_="fallback-notice")
    # Five peers 10..50: worse 4 -> 80; median 30, quartiles 20 and 40.
    assert row_text(response, "indicator-STR-01").endswith(f"80 30 (20 {DASH} 40)")


def test_no_statistics_over_fewer_than_five_others(client, manager, organisation):
    record(external_pool([10, 20, 30, 40], prefix="Rival"))
    record([own_entry(organisation, 45)])
    login(client, manager)
    response = client.get(report_url(organisation))
    row = row_text(response, "indicator-STR-01")
    assert row.startswith(f"STR-01 Engagierte Clusterakteure 45 Akteure 80 35 {DASH}")
    for figure in ("25", "27,5", "30"):
        assert figure not in row
    assert "chart-benchmark-scores" not in response.content.decode()


def test_the_synthetic_pool_is_marked(client, manager, organisation):
    record(external_pool(RIVALS, prefix="Synthetic", source=ReferenceSource.SYNTHETIC))
    record([own_entry(organisation, 45)])
    login(client, manager)
    assert element(client.get(report_url(organisation)), class_="synthetic-notice")


def test_the_cycle_comparison_counts_improved_areas(client, manager, organisation, pool):
    # An earlier assessment with a lower STR-01 (the structure area scored lower then).
    record([own_entry(organisation, 5, day=date(2023, 5, 1))])
    login(client, manager)
    response = client.get(report_url(organisation))
    areas = element(response, "table", id="cycle-areas")
    assert len(elements(areas, class_="change-improved")) == 1
    indicators = element(response, "table", id="cycle-indicators")
    assert len(elements(indicators, class_="change-improved")) == 1
    assert not elements(indicators, class_="change-declined")


# --- who may see what --------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.BOARD_MEMBER, Role.CLUSTER_MANAGER])
def test_nobody_else_sees_an_organisations_report(client, organisation, pool, role):
    login(client, UserFactory(role=role))  # a manager of no organisation here
    for name in ("benchmarks:report", "benchmarks:report_pdf"):
        url = reverse(name, args=["ecei-bronze", organisation.pk])
        assert client.get(url).status_code == 404
    assert client.get(reverse("benchmarks:pool", args=["ecei-bronze"])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, organisation, pool):
    for url in (
        reverse("benchmarks:index"),
        report_url(organisation),
        reverse("benchmarks:pool", args=["ecei-bronze"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_manager_sees_neither_the_pool_page_nor_anyone_in_the_index(
    client, manager, organisation, pool
):
    other = OrganisationFactory(cluster_name="Neighbour Cluster")
    record([own_entry(other, 60)])
    login(client, manager)
    assert client.get(reverse("benchmarks:pool", args=["ecei-bronze"])).status_code == 404
    assert client.get(report_url(other)).status_code == 404
    index = client.get(reverse("benchmarks:index")).content.decode()
    assert organisation.cluster_name in index
    assert "Neighbour Cluster" not in index and "Rival" not in index


@pytest.mark.parametrize("role", [Role.SECRETARIAT, Role.AUTHORITY])
def test_programme_owners_see_reports_and_the_pool(client, organisation, pool, role):
    login(client, UserFactory(role=role))
    assert client.get(report_url(organisation)).status_code == 200
    response = client.get(reverse("benchmarks:pool", args=["ecei-bronze"]))
    assert response.status_code == 200
    # Nine organisations: 10..80 and 45 -> median 45, quartiles 30 and 60.
    row = row_text(response, "pool-indicator-STR-01")
    assert row == f"STR-01 Engagierte Clusterakteure 80 Akteure 11,1 % 9 {DASH} 30 45 60 {DASH}"


def test_an_unknown_pool_or_organisation_is_not_found(client, organisation, pool):
    login(client, UserFactory(role=Role.SECRETARIAT))
    assert client.get(reverse("benchmarks:pool", args=["nope"])).status_code == 404
    assert (
        client.get(reverse("benchmarks:report", args=["nope", organisation.pk])).status_code == 404
    )
    assert client.get(reverse("benchmarks:report", args=["ecei-bronze", 999999])).status_code == 404
    assert (
        client.get(reverse("benchmarks:report", args=["ecei-gold", organisation.pk])).status_code
        == 404
    )


def test_an_invalid_group_shows_all_organisations(client, manager, organisation, pool):
    login(client, manager)
    response = client.get(report_url(organisation, group="planet"))
    assert response.status_code == 200
    assert row_text(response, "indicator-STR-01").endswith(f"50 45 (27,5 {DASH} 62,5)")


# --- queries do not grow with the pool ---------------------------------------------------


def _queries(client, url, django_assert_max_num_queries) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_report_and_pool_queries_do_not_grow_with_the_pool(
    client, organisation, pool, django_assert_max_num_queries
):
    login(client, UserFactory(role=Role.SECRETARIAT))
    urls = [report_url(organisation), reverse("benchmarks:pool", args=["ecei-bronze"])]
    small = [_queries(client, url, django_assert_max_num_queries) for url in urls]
    record(external_pool(list(range(100, 160)), prefix="More"))
    large = [_queries(client, url, django_assert_max_num_queries) for url in urls]
    assert small == large
    assert small[0] <= 9


def test_the_organisation_page_links_its_reports_for_those_who_may_read_them(
    client, manager, organisation, pool
):
    link = reverse("benchmarks:report", args=["ecei-bronze", organisation.pk])
    url = reverse("organisations:detail", args=[organisation.pk])
    login(client, manager)
    assert link in hrefs(client.get(url))
    client.logout()
    login(client, UserFactory(role=Role.SECRETARIAT))
    assert link in hrefs(client.get(url))


def test_a_lower_is_better_strip_is_mirrored_whether_the_direction_is_a_string_or_an_enum():
    """The page passed the scheme file's "lower" and the strip compared it with the enum by
    identity, so staff turnover and members per FTE were drawn backwards (the diamond of a good
    value at the far left)."""

    from clusterlabel.benchmarks.charts import position_strip_svg
    from clusterlabel.domain.benchmark import Direction

    def diamond_x(direction) -> float:
        svg = position_strip_svg(
            value=2.0, threshold=5.0, distribution=None, direction=direction, label="x"
        )
        return float(re.search(r'<path d="M([0-9.]+) 4', svg).group(1))

    # 2 is the better value when lower is better: right of the threshold, at the right end.
    assert diamond_x("lower") == diamond_x(Direction.LOWER) > 80
    assert diamond_x("higher") == diamond_x(Direction.HIGHER) < 80
