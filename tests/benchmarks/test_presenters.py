"""The benchmarking pages' presenters, called without HTTP: the pool page's tables and charts,
the report page's charts and the start page's lists, with hand-computed figures, and what stays
confidential (a cluster manager's report draws no one else's value and names no one else; the
pool page shows distributions and counts, never a row)."""

from __future__ import annotations

from datetime import date

import pytest

from clusterlabel.benchmarks.charts import BOX, LINE
from clusterlabel.benchmarks.forms import PeerGroupForm
from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource
from clusterlabel.benchmarks.presenters import (
    index_page,
    pool_counts,
    pool_page_for,
    report_charts,
    report_page,
)
from clusterlabel.benchmarks.reports import benchmark_report
from clusterlabel.domain.benchmark import PeerGroup
from clusterlabel.organisations.models import Organisation
from tests.benchmarks.pool_factories import external_pool, own_entry, record, scheme_version
from tests.factories import OrganisationFactory

DASH = "\u2013"
POOL = "ecei-bronze"
RIVALS = [10, 20, 30, 40, 50, 60, 70, 80]  # STR-01 of eight other organisations
TODAY = date(2026, 1, 15)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]


@pytest.fixture
def organisation() -> Organisation:
    return OrganisationFactory(sector="biotechnology", country="DE")


def report_of(organisation: Organisation, group: PeerGroup = PeerGroup.ALL):
    report = benchmark_report(organisation, POOL, peer_group=group, today=TODAY)
    assert report is not None
    return report


def strip_of(context: dict, indicator_id: str) -> tuple:
    return next(
        (row, strip)
        for _block, rows in context["indicator_blocks"]
        for row, strip in rows
        if row.indicator.id == indicator_id
    )


def everything_shown(context: dict) -> str:
    """Every text the presenter hands the template, charts included."""
    parts = [context["score_chart"], context["rank_chart"]]
    for block, rows in context["indicator_blocks"]:
        parts.append(block.score.name)
        for row, strip in rows:
            parts.extend([row.name, row.value, row.threshold, strip])
    return "\n".join(parts)


# --- one organisation's report ------------------------------------------------------------------


def test_the_report_page_carries_the_form_the_query_and_the_charts(organisation, english):
    record(external_pool(RIVALS, prefix="Rival", indicator_id="STR-01"))
    record([own_entry(organisation, 45)])
    report = report_of(organisation)
    form = PeerGroupForm({"group": "sector"})
    page = report_page(report, form=form, query="group=sector", oversees=False)
    assert page["report"] is report
    assert page["form"] is form
    assert page["query"] == "group=sector"
    assert page["oversees"] is False
    assert "chart-benchmark-scores" in page["score_chart"]
    assert page["rank_chart"]
    row, strip = strip_of(page, "STR-01")
    assert row.value == "45 participants"
    assert row.rank_text == "50"
    assert row.distribution.median == "45"
    assert (row.distribution.q1, row.distribution.q3) == ("27.5", "62.5")
    assert f'aria-label="{row.name}: your value 45 participants, threshold 80"' in strip
    assert BOX in strip  # the group's quartiles, drawn from the distribution only


def test_every_indicator_has_its_strip_in_its_area(organisation):
    record(external_pool(RIVALS, prefix="Rival", indicator_id="STR-01"))
    record([own_entry(organisation, 45)])
    report = report_of(organisation)
    charts = report_charts(report)
    assert [block for block, _rows in charts["indicator_blocks"]] == report.categories
    for block, rows in charts["indicator_blocks"]:
        assert [row for row, _strip in rows] == block.indicators
        assert all(strip.startswith("<svg") for _row, strip in rows)


def test_a_managers_report_names_no_other_organisation(organisation):
    record(external_pool(RIVALS, prefix="Rival", indicator_id="STR-01"))
    record([own_entry(organisation, 45)])
    for group in (PeerGroup.ALL, PeerGroup.SECTOR):
        shown = everything_shown(report_charts(report_of(organisation, group)))
        assert "Rival" not in shown


def test_below_five_others_no_group_statistics_are_drawn(organisation, english):
    record(external_pool([10, 20, 30, 40], prefix="Rival", indicator_id="STR-01"))
    record([own_entry(organisation, 45)])
    report = report_of(organisation)
    assert report.withheld_text
    charts = report_charts(report)
    assert charts["score_chart"] == ""
    assert charts["rank_chart"] == ""
    for _block, rows in charts["indicator_blocks"]:
        for row, _strip in rows:
            assert row.raw_distribution is None
            assert row.distribution is None
    row, strip = strip_of(charts, "STR-01")
    assert row.value == "45 participants"
    # The strip shows the own value and the threshold only: no box, no whiskers, no median
    # drawn from the four others' values.
    assert BOX not in strip
    assert LINE not in strip


# --- the pool, for programme owners -------------------------------------------------------------


def test_the_pool_page_has_hand_computed_figures_and_no_row(organisation, english):
    record(external_pool(RIVALS, prefix="Rival", indicator_id="STR-01"))
    record([own_entry(organisation, 45)])
    page = pool_page_for(scheme_version(POOL), today=TODAY, language="en")
    assert page["pool_id"] == POOL
    assert page["snapshot"].organisations == 9
    row = next(row for row in page["indicator_rows"] if row["indicator"].id == "STR-01")
    assert row["n"] == 9
    # Nine values 10..80 and 45: q1 = 30, median = 45, q3 = 60; too few values for the 10th
    # and the 90th percentile, which would come close to single organisations' values.
    assert row["quantiles"] == [DASH, "30", "45", "60", DASH]
    assert row["threshold"] == "80 participants"
    assert row["share_text"] == "11.1 %"  # one of nine reaches 80
    assert row["withheld"] == ""
    assert [score["name"] for score in page["score_rows"]][-1] == "Overall"
    assert page["sources"] == [("Imported assessment", 9)]
    assert page["countries"] == [("Germany", 9)]
    assert page["sectors"] == [("Biotechnology", 9)]
    assert [year["organisations"] for year in page["year_rows"]] == [9]
    assert page["share_chart"] and page["score_chart"] and page["over_time_chart"]
    # Counts and distributions only: no organisation is named anywhere on the page.
    shown = repr(page["indicator_rows"]) + repr(page["score_rows"]) + repr(page["year_rows"])
    assert "Rival" not in shown
    assert organisation.cluster_name not in shown


def test_a_small_pool_shows_counts_but_withholds_the_distributions(organisation, english):
    record(external_pool([10, 20, 30], prefix="Rival", indicator_id="STR-01"))
    page = pool_page_for(scheme_version(POOL), today=TODAY, language="en")
    row = next(row for row in page["indicator_rows"] if row["indicator"].id == "STR-01")
    assert row["n"] == 3
    assert row["quantiles"] is None
    assert row["withheld"]
    assert all(score["quantiles"] is None for score in page["score_rows"])


# --- the start page -----------------------------------------------------------------------------


def test_pool_counts_add_up_the_sources():
    counts = {
        POOL: {
            ReferenceSource.IMPORT: 3,
            ReferenceSource.SYNTHETIC: 5,
            ReferenceSource.PROCEDURE: 1,
        }
    }
    (row,) = pool_counts({POOL: "ECEI Bronze"}, counts)
    assert (row.id, row.name, row.organisations) == (POOL, "ECEI Bronze", 9)
    assert (row.own, row.imported, row.synthetic) == (1, 3, 5)
    (empty,) = pool_counts({"other": "Other"}, counts)
    assert empty.organisations == empty.own == empty.imported == empty.synthetic == 0


def test_a_manager_lists_their_own_reports_only(organisation):
    other = OrganisationFactory(cluster_name="Someone Else")
    record([own_entry(organisation, 45), own_entry(other, 60)])
    page = index_page(
        pool_names={POOL: "ECEI Bronze"},
        overseen=[],
        managed_organisations=Organisation.objects.filter(pk=organisation.pk).values("pk"),
    )
    assert page["oversees"] is False
    assert "pools" not in page
    assert [(row.organisation_id, name) for row, name in page["assessments"]] == [
        (organisation.pk, POOL)
    ]


def test_a_programme_owner_lists_the_pools_reports_and_sizes(organisation):
    other = OrganisationFactory(cluster_name="Someone Else")
    record([own_entry(organisation, 45), own_entry(other, 60)])
    record(external_pool(RIVALS, prefix="Rival"))
    page = index_page(pool_names={POOL: "ECEI Bronze"}, overseen=[POOL], managed_organisations=None)
    assert page["oversees"] is True
    # Outside organisations have no report: only ours are listed, named with the pool's name.
    assert {row.organisation_id for row, _name in page["assessments"]} == {
        organisation.pk,
        other.pk,
    }
    assert {name for _row, name in page["assessments"]} == {"ECEI Bronze"}
    (pool,) = page["pools"]
    assert (pool.organisations, pool.own, pool.imported, pool.synthetic) == (10, 0, 10, 0)
    assert ReferenceAssessment.objects.filter(is_latest=True, pool_id=POOL).count() == 10


def test_nobody_is_listed_for_someone_who_neither_manages_nor_oversees():
    page = index_page(pool_names={POOL: "ECEI Bronze"}, overseen=[], managed_organisations=None)
    assert page["assessments"] == []
    assert page["oversees"] is False
