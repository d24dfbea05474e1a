"""Label statistics: the seeds' questions, today's counts, the history, the charts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterlabel.labels.registry.queries import RegistryFilters, SchemeCatalogue, registry_labels
from clusterlabel.labels.registry.statistics import (
    count_on_days,
    counts_today,
    held_interval,
    labels_over_time,
    sample_days,
)
from tests.factories import OrganisationFactory
from tests.helpers import attribute, element, elements, hrefs, parsed, text
from tests.labels.registry.test_registry import bulk_labels, make_label

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def versions(loaded_schemes):
    return loaded_schemes


def stats_page(client, **params):
    response = client.get(reverse("labels:statistics"), params)
    assert response.status_code == 200
    return response


# --- the seeds' questions ------------------------------------------------------------------------


@pytest.fixture
def baden_wuerttemberg_2016(versions):
    """Nine organisations in Baden-Württemberg hold the state label on 15 January 2016, among
    organisations that held it before, after, elsewhere, or lost it."""
    bw = "bw-cluster-excellence"

    def org(name, region="DE-BW", **kwargs):
        return OrganisationFactory(
            legal_name=f"{name} e. V.", cluster_name=name, region=region, **kwargs
        )

    holders = []
    medtech = org("Medizintechnologie-Cluster Mannheim", city="Mannheim")
    make_label(medtech, bw, date(2015, 12, 1), versions=versions)
    make_label(medtech, "ecei-gold", date(2015, 12, 1), versions=versions)
    holders.append(medtech)
    mountains = org("TechnologyMountains", city="Tuttlingen", sector="micro_nano_optics")
    make_label(mountains, bw, date(2015, 7, 3), versions=versions)
    holders.append(mountains)
    for n, start in enumerate(
        (date(2014, 2, 20), date(2014, 6, 1), date(2014, 11, 1), date(2015, 3, 1))
    ):
        holder = org(f"Landesnetzwerk {n}")
        make_label(holder, bw, start, versions=versions)
        holders.append(holder)
    # revoked later: still held on 15 January 2016
    later = org("Später widerrufen")
    make_label(
        later,
        bw,
        date(2015, 3, 1),
        versions=versions,
        state="revoked",
        changed_at=datetime(2016, 6, 1, 10, tzinfo=BERLIN),
    )
    holders.append(later)
    # renewed seamlessly: the old label is superseded, the renewal starts on the 1st
    renewed = org("Erneuert")
    make_label(
        renewed,
        bw,
        date(2014, 1, 1),
        date(2015, 12, 31),
        versions=versions,
        state="superseded",
        changed_at=datetime(2015, 11, 20, 12, tzinfo=BERLIN),
    )
    make_label(renewed, bw, date(2016, 1, 1), versions=versions)
    holders.append(renewed)
    # two overlapping labels: one organisation all the same
    twice = org("Doppelt")
    make_label(twice, bw, date(2015, 1, 1), versions=versions)
    make_label(twice, bw, date(2015, 6, 1), versions=versions)
    holders.append(twice)

    # not on that day, not in that state, or not that label
    make_label(org("Abgelaufen"), bw, date(2014, 1, 1), date(2015, 12, 31), versions=versions)
    make_label(org("Zu spät"), bw, date(2016, 2, 1), versions=versions)
    make_label(
        org("Früher widerrufen"),
        bw,
        date(2015, 1, 1),
        versions=versions,
        state="revoked",
        changed_at=datetime(2015, 11, 1, 9, tzinfo=BERLIN),
    )
    make_label(
        org("Am Tag ausgesetzt"),
        bw,
        date(2015, 1, 1),
        versions=versions,
        state="suspended",
        changed_at=datetime(2016, 1, 15, 0, 10, tzinfo=BERLIN),
    )
    make_label(org("Bayern", region="DE-BY"), bw, date(2015, 1, 1), versions=versions)
    make_label(org("Nur Gold"), "ecei-gold", date(2015, 1, 1), versions=versions)
    return holders


def test_nine_organisations_in_baden_wuerttemberg_held_the_state_label_in_january_2016(
    english_client, baden_wuerttemberg_2016
):
    response = stats_page(
        english_client, **{"ask-region": "DE-BW", "ask-label": "family:bw", "ask-on": "2016-01-15"}
    )
    answer = response.context["answer"]
    assert answer["count"] == 9
    assert {h.organisation_id for h in answer["holders"]} == {o.pk for o in baden_wuerttemberg_2016}
    twice = next(h for h in answer["holders"] if h.cluster_name == "Doppelt")
    assert len(twice.labels) == 2  # two labels, one organisation
    page = text(response)
    assert (
        "On 15 January 2016, 9 organisations in Baden-Württemberg held the state label Cluster"
        in page
    )
    assert "TechnologyMountains" in page
    # The same question by scheme and level gives the same answer.
    response = stats_page(
        english_client,
        **{
            "ask-region": "DE-BW",
            "ask-label": "bw-cluster-excellence:label",
            "ask-on": "2016-01-15",
        },
    )
    assert response.context["answer"]["count"] == 9
    # ... and the registry link of the answer lists their ten labels.
    query = dict(parse_qsl(response.context["answer"]["registry_query"]))
    assert query == {
        "scheme": "bw-cluster-excellence",
        "level": "label",
        "region": "DE-BW",
        "valid_on": "2016-01-15",
        "sort": "organisation",
    }
    registry = english_client.get(reverse("labels:registry"), query)
    assert registry.context["page"].paginator.count == 10


def test_the_question_on_other_days(english_client, baden_wuerttemberg_2016):
    def count(day, region="DE-BW"):
        params = {"ask-region": region, "ask-label": "family:bw", "ask-on": day}
        return stats_page(english_client, **params).context["answer"]["count"]

    assert count("2016-01-14") == 10  # the one suspended on the 15th still held it
    assert count("2013-12-31") == 0
    assert count("2016-01-15", region="") == 10  # Bayern too
    assert count("2016-01-15", region="DE-BY") == 1


def test_the_quick_link_asks_about_baden_wuerttemberg_today(english_client, versions):
    today = timezone.localdate()
    make_label(
        OrganisationFactory(), "bw-cluster-excellence", today - timedelta(days=3), versions=versions
    )
    page = parsed(stats_page(english_client))
    (link,) = [href for href in hrefs(page) if href.startswith("?") and href.endswith("#answer")]
    params = dict(parse_qsl(link.removeprefix("?").removesuffix("#answer")))
    assert params == {"ask-region": "DE-BW", "ask-label": "family:bw", "ask-on": today.isoformat()}
    assert stats_page(english_client, **params).context["answer"]["count"] == 1


def test_creative_industries_clusters_in_germany_holding_an_ecei_label(english_client, versions):
    today = timezone.localdate()
    recent = today - timedelta(days=30)
    music = OrganisationFactory(
        legal_name="Clustermanagement Musikwirtschaft Mannheim & Region",
        sector="creative_industries",
    )
    make_label(music, "ecei-bronze", recent, versions=versions, number="ECEI-B-1")
    expired = OrganisationFactory(sector="creative_industries")
    make_label(expired, "ecei-bronze", date(2014, 1, 1), versions=versions)
    austrian = OrganisationFactory(sector="creative_industries", country="AT", region="AT-9")
    make_label(austrian, "ecei-silver", recent, versions=versions)
    medical = OrganisationFactory(sector="health_medical")
    make_label(medical, "ecei-gold", recent, versions=versions)
    state_only = OrganisationFactory(sector="creative_industries")
    make_label(state_only, "bw-cluster-excellence", recent, versions=versions)

    page = parsed(stats_page(english_client))
    expected_query = "family=ecei&country=DE&sector=creative_industries&status=valid"
    assert f"{reverse('labels:registry')}?{expected_query}" in hrefs(page)
    url = urlsplit(f"{reverse('labels:registry')}?{expected_query}")
    response = english_client.get(url.path, dict(parse_qsl(url.query)))
    assert [row.certificate_number for row in response.context["rows"]] == ["ECEI-B-1"]
    assert "Clustermanagement Musikwirtschaft Mannheim & Region" in text(response)


def test_invalid_questions_are_reported_without_an_answer(english_client, versions):
    response = stats_page(
        english_client, **{"ask-region": "Baden", "ask-label": "iso-9001", "ask-on": "2024-13-45"}
    )
    question = response.context["question"]
    assert response.context["answer"] is None
    assert question.errors["on"] == [
        "“2024-13-45” is not a date. Use the form YYYY-MM-DD, e.g. 2016-01-15."
    ]
    assert question.errors["region"] == [
        "“Baden” is not a state or region code (ISO 3166-2, e.g. DE-BW)."
    ]
    assert "iso-9001" in question.errors["label"][0]
    assert elements(response, role="alert")


# --- today's counts ------------------------------------------------------------------------------


@pytest.fixture
def today_data(versions):
    today = timezone.localdate()
    recent = today - timedelta(days=100)
    a = OrganisationFactory(cluster_name="A", region="DE-BW", sector="health_medical")
    b = OrganisationFactory(cluster_name="B", region="DE-BW", sector="creative_industries")
    c = OrganisationFactory(cluster_name="C", region="DE-MV", sector="health_medical")
    d = OrganisationFactory(cluster_name="D", country="AT", region="", sector="creative_industries")
    make_label(a, "bw-cluster-excellence", recent, versions=versions)
    make_label(a, "ecei-gold", recent, versions=versions)
    make_label(b, "ecei-bronze", recent, versions=versions)
    make_label(c, "ecei-silver", recent, versions=versions)
    make_label(c, "ecei-silver", date(2015, 1, 1), versions=versions)  # expired
    make_label(d, "ecei-bronze", recent, versions=versions)
    make_label(
        d, "ecei-gold", recent, versions=versions, state="revoked", changed_at=timezone.now()
    )
    make_label(d, "ecei-gold", today + timedelta(days=5), versions=versions)  # not yet valid
    return {"a": a, "b": b, "c": c, "d": d}


def test_todays_counts_by_label_region_and_sector(english_client, today_data):
    from django.utils import translation

    with translation.override("en"):
        counts = counts_today(catalogue=SchemeCatalogue.load())
    assert (counts.organisations, counts.labels) == (4, 5)
    assert counts.families == ["bw", "ecei"]
    assert [(row.name, row.organisations, row.labels) for row in counts.by_label] == [
        ("Cluster Excellence Baden-Württemberg", 1, 1),
        ("ECEI Bronze Label", 2, 2),
        ("ECEI Silver Label", 1, 1),
        ("ECEI Gold Label", 1, 1),
    ]
    assert [(row.name, row.organisations, row.family_values) for row in counts.by_region] == [
        ("Austria", 1, [0, 1]),  # a country without a region, by its name
        ("Baden-Württemberg", 2, [1, 2]),
        ("Mecklenburg-Vorpommern", 1, [0, 1]),
    ]
    assert [
        (row.key, row.organisations, row.labels, row.family_values) for row in counts.by_sector
    ] == [
        ("creative_industries", 2, 2, [0, 2]),
        ("health_medical", 2, 3, [1, 2]),
    ]
    assert "Today 4 organisations hold 5 valid labels." in text(stats_page(english_client))


# --- over time -----------------------------------------------------------------------------------


def test_held_interval_ends_the_day_before_a_withdrawal():
    start, end = date(2015, 1, 1), date(2016, 12, 31)
    assert held_interval(start, end, "active", None) == (start, end)
    assert held_interval(start, end, "superseded", datetime(2015, 6, 1, tzinfo=BERLIN)) == (
        start,
        end,
    )
    changed = datetime(2016, 3, 9, 23, 30, tzinfo=ZoneInfo("UTC"))  # 10 March in Berlin
    assert held_interval(start, end, "revoked", changed) == (start, date(2016, 3, 9))
    assert held_interval(start, end, "suspended", changed) == (start, date(2016, 3, 9))
    assert held_interval(start, end, "revoked", None) is None
    assert held_interval(start, end, "revoked", datetime(2014, 12, 1, tzinfo=BERLIN)) is None
    assert held_interval(start, end, "revoked", datetime(2018, 1, 1, tzinfo=BERLIN)) == (start, end)


def test_sample_days_are_year_ends_or_quarter_ends_and_today():
    assert sample_days(date(2013, 5, 1), date(2016, 6, 30)) == (
        [date(2013, 12, 31), date(2014, 12, 31), date(2015, 12, 31), date(2016, 6, 30)],
        "year",
    )
    assert sample_days(date(2019, 11, 15), date(2020, 6, 30)) == (
        [date(2019, 12, 31), date(2020, 3, 31), date(2020, 6, 30)],
        "quarter",
    )
    assert sample_days(date(2020, 8, 1), date(2020, 6, 30)) == ([date(2020, 6, 30)], "year")


def test_count_on_days_counts_inclusive_intervals():
    intervals = [(date(2020, 1, 1), date(2020, 1, 31)), (date(2020, 1, 31), date(2020, 2, 15))]
    days = [
        date(2019, 12, 31),
        date(2020, 1, 1),
        date(2020, 1, 31),
        date(2020, 2, 15),
        date(2020, 2, 16),
    ]
    assert count_on_days(intervals, days) == [0, 1, 2, 1, 0]


@pytest.fixture
def history(versions):
    bw, gold, bronze, silver = "bw-cluster-excellence", "ecei-gold", "ecei-bronze", "ecei-silver"
    one, two, three = OrganisationFactory(), OrganisationFactory(), OrganisationFactory()
    make_label(
        one,
        bw,
        date(2014, 2, 1),
        date(2016, 1, 31),
        versions=versions,
        state="superseded",
        changed_at=datetime(2016, 1, 10, tzinfo=BERLIN),
    )
    make_label(one, bw, date(2016, 2, 1), date(2018, 1, 31), versions=versions)
    make_label(
        two,
        bw,
        date(2015, 3, 1),
        date(2017, 2, 28),
        versions=versions,
        state="revoked",
        changed_at=datetime(2016, 6, 1, 10, tzinfo=BERLIN),
    )
    make_label(three, gold, date(2013, 5, 1), date(2015, 4, 30), versions=versions)
    make_label(three, bronze, date(2015, 7, 1), date(2017, 6, 30), versions=versions)
    make_label(
        two,
        silver,
        date(2017, 1, 1),
        date(2018, 12, 31),
        versions=versions,
        state="suspended",
        changed_at=datetime(2018, 3, 1, 8, tzinfo=BERLIN),
    )


def test_valid_labels_per_family_at_each_year_end(history):
    over_time = labels_over_time(today=date(2020, 6, 30))
    assert over_time.period == "year"
    assert over_time.days == [date(year, 12, 31) for year in range(2013, 2020)] + [
        date(2020, 6, 30)
    ]
    assert over_time.series == {
        "bw": [0, 1, 2, 1, 1, 0, 0, 0],
        "ecei": [1, 1, 1, 1, 1, 0, 0, 0],
    }
    # The history counts exactly what the registry's "valid on" filter selects on each day.
    for index, day in enumerate(over_time.days):
        for family, counts in over_time.series.items():
            assert (
                registry_labels(RegistryFilters(family=family, valid_on=day)).count()
                == counts[index]
            )


def test_the_history_of_an_empty_register_is_none(versions):
    assert labels_over_time() is None


# --- charts and the page -------------------------------------------------------------------------


def _svgs(html: str) -> list[ET.Element]:
    """The page's inline charts read as XML: raw on purpose, the same SVG must be well-formed
    XML in the SVG namespace, which an HTML parser would not notice."""
    return [ET.fromstring(match) for match in re.findall(r"<svg\b.*?</svg>", html, re.DOTALL)]


def table_rows(page) -> list[list[str]]:
    """Every body row of the page's tables, as the text of its cells."""
    return [
        [text(cell) for cell in row.children if not isinstance(cell, str)]
        for body in elements(page, "tbody")
        for row in elements(body, "tr")
    ]


def test_the_charts_are_inline_accessible_svg_with_the_numbers_in_tables(
    english_client, today_data, history
):
    html = stats_page(english_client).content.decode()
    page = parsed(html)
    # Raw on purpose: a parser drops declarations, and they are what must not be in the page.
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    bar, line = _svgs(html)
    for svg, name in (
        (bar, "Organisations holding a valid label today, by label"),
        (line, "Valid labels per label family over time"),
    ):
        assert svg.tag == f"{SVG}svg"
        assert svg.get("role") == "img"
        assert svg.get("aria-label") == name
        assert svg.find(f"{SVG}title").text == name
        assert "width" not in svg.attrib and svg.get("viewBox")
    bar_texts = {text.text for text in bar.iter(f"{SVG}text")}
    assert {
        "Cluster Excellence Baden-Württemberg",
        "ECEI Bronze Label",
        "ECEI Gold Label",
    } <= bar_texts
    assert {"1", "2"} <= bar_texts  # the values at the bars
    line_texts = {text.text for text in line.iter(f"{SVG}text")}
    assert "ECEI labels (Bronze, Silver, Gold)" in line_texts
    assert "today" in line_texts
    # No global style leaks into the page (raw: a style sheet's text is no element), and the ids
    # of the two charts differ.
    assert "*{" not in html
    ids = [
        attribute(node, "id") for svg in elements(page, "svg") for node in elements(svg, id=True)
    ]
    assert len(ids) == len(set(ids))
    # Text alternatives: the tables below the charts.
    assert ["ECEI Bronze Label", "2", "2"] in table_rows(page)
    assert elements(page, "caption")


def test_the_page_of_an_empty_register(english_client, versions):
    response = stats_page(english_client)
    main = element(response, "main")
    assert not elements(main, "svg")
    assert "No label is valid today." in text(main)
    assert "No label has been issued yet." in text(main)


@pytest.mark.parametrize("count", [10, 500])
def test_the_statistics_page_query_count_does_not_grow(
    client, versions, count, django_assert_num_queries
):
    bulk_labels(count, versions=versions)
    # No label write committed, so nothing is stored (``test_aggregates``): data generation,
    # scheme versions, holders' places (no stored row; counted), the statistics (no stored row;
    # today's labels, the history's first start and its counts per family and day)
    with django_assert_num_queries(8):
        response = client.get(reverse("labels:statistics"))
    assert response.context["counts"].labels > 0
    params = {
        "ask-region": "DE-BW",
        "ask-label": "family:ecei",
        "ask-on": timezone.localdate().isoformat(),
    }
    # data generation, scheme versions, the longest validity (a day is asked for:
    # ``registry.queries.valid_on_range``) and the answer: the places and the counts are cached
    # for this data generation (and day)
    with django_assert_num_queries(4):
        response = client.get(reverse("labels:statistics"), params)
    assert response.context["answer"]["count"] > 0


def test_the_navigation_links_the_registry_and_the_statistics(english_client, versions):
    nav = element(stats_page(english_client), "nav", class_="main-nav")
    assert reverse("labels:registry") in hrefs(nav)
    assert attribute(element(nav, "a", href=reverse("labels:statistics")), "aria-current") == "page"


@pytest.mark.parametrize(
    ("organisations", "labels", "sentence"),
    [
        (1, 1, "Today 1 organisation holds 1 valid label."),
        (1, 3, "Today 1 organisation holds 3 valid labels."),
        (4, 5, "Today 4 organisations hold 5 valid labels."),
    ],
)
def test_the_counts_sentence_takes_each_counts_plural(organisations, labels, sentence):
    from types import SimpleNamespace

    from django.template.loader import render_to_string
    from django.utils import translation

    counts = SimpleNamespace(organisations=organisations, labels=labels)
    with translation.override("en"):
        rendered = render_to_string("labels/includes/statistics_lead.html", {"counts": counts})
    assert " ".join(rendered.split()) == sentence
