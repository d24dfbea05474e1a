"""The public registry: filters (with the "valid on a day" edges), name search, sorting,
pagination, invalid input, query counts, and the CSV/JSON export of the same rows."""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterlabel.domain.dates import add_months
from clusterlabel.labels.changes import Change, data_generation, labels_changed
from clusterlabel.labels.models import Label
from clusterlabel.labels.registry.aggregates import public_aggregates_build
from clusterlabel.labels.registry.queries import (
    EXPORT_COLUMNS,
    RegistryFilters,
    fold_name,
    holder_places,
    name_search_terms,
    registry_labels,
    registry_page,
)
from clusterlabel.organisations.models import Organisation, name_search_key
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import attribute, element, elements, hrefs, input_value, parsed, text

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
LEVELS = {
    "bw-cluster-excellence": "label",
    "ecei-bronze": "bronze",
    "ecei-silver": "silver",
    "ecei-gold": "gold",
}
_serial = itertools.count(1)


# --- a factory that builds labels directly (no procedures) ----------------------------------------


def make_label(
    organisation: Organisation,
    scheme_id: str,
    valid_from: date,
    valid_until: date | None = None,
    *,
    versions,
    state: str = "active",
    changed_at: datetime | None = None,
    number: str | None = None,
    save: bool = True,
) -> Label:
    """A label row as an import would leave it; two years long unless told otherwise."""
    serial = next(_serial)
    version = versions[scheme_id]
    label = Label(
        organisation=organisation,
        scheme_version=version,
        scheme_id=scheme_id,
        family=version.family,
        level_id=LEVELS[scheme_id],
        certificate_number=number or f"T-{valid_from.year}-{serial:06d}",
        valid_from=valid_from,
        valid_until=valid_until or add_months(valid_from, 24) - timedelta(days=1),
        awarded_on=valid_from,
        first_awarded_on=valid_from,
        state=state,
        state_changed_at=changed_at,
        source="imported",
        status_list_index=serial,
    )
    if save:
        label.save()
    return label


def bulk_labels(count: int, *, versions, start: date | None = None) -> list[Label]:
    """``count`` labels of ``count // 2`` organisations, built with two bulk inserts."""
    start = start or timezone.localdate() - timedelta(days=400)
    regions = ("DE-BW", "DE-BY", "DE-MV", "DE-NW")
    sectors = ("health_medical", "creative_industries", "ict", "energy_environment")
    organisations = Organisation.objects.bulk_create(
        Organisation(
            legal_name=f"Bulk-Cluster {n} e. V.",
            cluster_name=f"Bulk {n}",
            name_search_key=name_search_key(f"Bulk-Cluster {n} e. V.", f"Bulk {n}"),
            country="DE",
            region=regions[n % len(regions)],
            city="Stuttgart",
            sector=sectors[n % len(sectors)],
        )
        for n in range(max(1, count // 2))
    )
    schemes = list(LEVELS)
    labels = [
        make_label(
            organisations[n % len(organisations)],
            schemes[n % len(schemes)],
            start + timedelta(days=n % 700),
            versions=versions,
            save=False,
        )
        for n in range(count)
    ]
    return Label.objects.bulk_create(labels)


@pytest.fixture
def versions(loaded_schemes):
    return loaded_schemes


def registry(client, **params):
    response = client.get(reverse("labels:registry"), params)
    assert response.status_code == 200
    return response


def numbers(response) -> list[str]:
    return [row.certificate_number for row in response.context["rows"]]


def selected(**filters) -> set[str]:
    return set(
        registry_labels(RegistryFilters(**filters)).values_list("certificate_number", flat=True)
    )


# --- valid on a day ------------------------------------------------------------------------------


def test_valid_on_includes_both_ends_and_excludes_the_days_outside(versions):
    organisation = OrganisationFactory()
    make_label(
        organisation,
        "bw-cluster-excellence",
        date(2016, 1, 10),
        date(2018, 1, 9),
        versions=versions,
        number="BW-2016-00001",
    )
    assert selected(valid_on=date(2016, 1, 9)) == set()
    assert selected(valid_on=date(2016, 1, 10)) == {"BW-2016-00001"}
    assert selected(valid_on=date(2017, 6, 1)) == {"BW-2016-00001"}
    assert selected(valid_on=date(2018, 1, 9)) == {"BW-2016-00001"}
    assert selected(valid_on=date(2018, 1, 10)) == set()


@pytest.mark.parametrize("state", ["revoked", "suspended"])
def test_a_label_withdrawn_later_counts_on_the_days_before_the_withdrawal(versions, state):
    organisation = OrganisationFactory()
    # 23:30 UTC on 9 March is 00:30 on 10 March in Berlin: the local day of the change is the 10th.
    changed_at = datetime(2016, 3, 9, 23, 30, tzinfo=ZoneInfo("UTC"))
    make_label(
        organisation,
        "ecei-gold",
        date(2015, 1, 1),
        date(2016, 12, 31),
        versions=versions,
        state=state,
        changed_at=changed_at,
        number="ECEI-G-2015-00001",
    )
    assert selected(valid_on=date(2015, 1, 1)) == {"ECEI-G-2015-00001"}
    assert selected(valid_on=date(2016, 3, 9)) == {"ECEI-G-2015-00001"}
    assert selected(valid_on=date(2016, 3, 10)) == set()
    assert selected(valid_on=date(2016, 6, 1)) == set()
    # ... but today it is not valid, whatever its dates were.
    assert selected(status="valid") == set()
    assert selected(status=state) == {"ECEI-G-2015-00001"}


def test_a_withdrawn_label_without_a_recorded_change_never_counts(versions):
    organisation = OrganisationFactory()
    make_label(organisation, "ecei-gold", date(2015, 1, 1), versions=versions, state="revoked")
    assert selected(valid_on=date(2015, 6, 1)) == set()


def test_a_superseded_label_keeps_its_own_period(versions):
    organisation = OrganisationFactory()
    make_label(
        organisation,
        "ecei-silver",
        date(2017, 1, 1),
        date(2018, 12, 31),
        versions=versions,
        state="superseded",
        changed_at=datetime(2018, 11, 1, 12, tzinfo=BERLIN),
        number="S-2017",
    )
    assert selected(valid_on=date(2018, 12, 31)) == {"S-2017"}
    assert selected(valid_on=date(2019, 1, 1)) == set()


def test_the_valid_on_filter_through_the_page(client, versions):
    organisation = OrganisationFactory()
    make_label(organisation, "ecei-bronze", date(2020, 5, 1), versions=versions, number="B-1")
    assert numbers(registry(client, valid_on="2020-04-30")) == []
    assert numbers(registry(client, valid_on="2020-05-01")) == ["B-1"]
    # The German date format works too (the default language of the site).
    assert numbers(registry(client, valid_on="01.05.2020")) == ["B-1"]


# --- status today and the other filters ----------------------------------------------------------


def test_status_today_filters(versions):
    today = timezone.localdate()
    organisation = OrganisationFactory()
    make_label(organisation, "ecei-gold", today - timedelta(days=10), versions=versions, number="V")
    make_label(
        organisation,
        "ecei-gold",
        today - timedelta(days=800),
        today - timedelta(days=1),
        versions=versions,
        number="E",
    )
    make_label(organisation, "ecei-gold", today + timedelta(days=1), versions=versions, number="N")
    make_label(
        organisation,
        "ecei-gold",
        today - timedelta(days=10),
        versions=versions,
        number="S",
        state="suspended",
        changed_at=timezone.now(),
    )
    make_label(
        organisation,
        "ecei-gold",
        today - timedelta(days=10),
        versions=versions,
        number="R",
        state="revoked",
        changed_at=timezone.now(),
    )
    make_label(
        organisation,
        "ecei-gold",
        today - timedelta(days=700),
        today,
        versions=versions,
        number="SUP",
        state="superseded",
        changed_at=timezone.now(),
    )
    assert selected(status="valid") == {"V", "SUP"}
    assert selected(status="expired") == {"E"}
    assert selected(status="not_yet_valid") == {"N"}
    assert selected(status="suspended") == {"S"}
    assert selected(status="revoked") == {"R"}
    assert selected() == {"V", "E", "N", "S", "R", "SUP"}
    # The page agrees with Label.status for every row.
    for label in Label.objects.all():
        assert selected(status=label.status) >= {label.certificate_number}


@pytest.fixture
def spread(versions):
    """Labels spread over families, schemes, countries, regions and sectors."""
    day = date(2020, 1, 1)
    bw = OrganisationFactory(region="DE-BW", sector="health_medical")
    by = OrganisationFactory(region="DE-BY", sector="creative_industries")
    at = OrganisationFactory(country="AT", region="AT-9", sector="creative_industries")
    make_label(bw, "bw-cluster-excellence", day, versions=versions, number="BW-1")
    make_label(bw, "ecei-gold", day, versions=versions, number="G-1")
    make_label(by, "ecei-bronze", day, versions=versions, number="B-1")
    make_label(at, "ecei-silver", day, versions=versions, number="S-1")
    return {"bw": bw, "by": by, "at": at}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"family": "bw"}, ["BW-1"]),
        ({"family": "ecei"}, ["B-1", "G-1", "S-1"]),
        ({"scheme": "ecei-gold"}, ["G-1"]),
        ({"level": "bronze"}, ["B-1"]),
        ({"level": "label"}, ["BW-1"]),
        ({"country": "AT"}, ["S-1"]),
        ({"country": "de"}, ["B-1", "BW-1", "G-1"]),
        ({"region": "DE-BW"}, ["BW-1", "G-1"]),
        ({"region": "de-by"}, ["B-1"]),
        ({"sector": "creative_industries"}, ["B-1", "S-1"]),
        ({"family": "ecei", "country": "DE", "sector": "creative_industries"}, ["B-1"]),
        ({"status": "any"}, ["B-1", "BW-1", "G-1", "S-1"]),
    ],
)
def test_each_filter_on_the_page(client, spread, params, expected):
    response = registry(client, **params)
    assert sorted(numbers(response)) == expected
    assert response.context["page"].paginator.count == len(expected)


def test_the_page_shows_the_row_values(english_client, spread):
    response = registry(english_client, region="DE-BY")
    (row,) = response.context["rows"]
    assert (row.legal_name, row.cluster_name) == (
        spread["by"].legal_name,
        spread["by"].cluster_name,
    )
    assert (row.country, row.region_name, row.sector_name) == (
        "DE",
        "Bavaria",  # ISO 3166-2's name, in the page's language
        "Creative industries",
    )
    assert row.label_name == "ECEI Bronze Label"
    page = parsed(response)
    assert reverse("labels:holder", args=[spread["by"].pk]) in hrefs(page)
    assert reverse("labels:verify", args=["B-1"]) in hrefs(page)
    assert "ECEI Bronze Label" in text(page)
    assert "Expired" in text(page)  # 2020 + two years


# --- name search ---------------------------------------------------------------------------------


def test_fold_name_ignores_case_accents_spacing_and_punctuation():
    assert fold_name("Optence e.V.") == fold_name("Optence e. V.") == "optenceev"
    assert fold_name("OPTENCE  E.V") == "optenceev"
    assert fold_name("Cluster-Exzellenz Baden-Württemberg") == "clusterexzellenzbadenwurttemberg"
    assert fold_name("Łódź Straße") == "lodzstrasse"
    assert fold_name("Ærø Øresund") == "aeroøresund".replace("ø", "o")
    assert fold_name("Ελληνικά") == "ελληνικα"
    assert fold_name("...") == ""
    assert name_search_terms("Württemberg") == ["wurttemberg", "wuerttemberg"]
    assert name_search_terms("Wuerttemberg") == ["wuerttemberg", "wurttemberg"]


def test_the_stored_search_key_is_both_names_folded(versions):
    names = [
        "Optence e. V.",
        "Clusterinitiative Württemberg",
        "ÉCOLE Supérieure d'Ingénieurs \N{EN DASH} Lyon",
        "Łódź Straße ÆØ œuvre",
        "Café „Kreativ“ · Köln",
        "u\u0308ber decomposed",
        "BioCon\u00a0Valley®",
    ]
    for name in names:
        OrganisationFactory(legal_name=name, cluster_name=name.upper())
    stored = dict(Organisation.objects.values_list("legal_name", "name_search_key"))
    assert stored == {name: f"{fold_name(name)} {fold_name(name.upper())}" for name in names}


@pytest.fixture
def named(versions):
    day = date(2021, 1, 1)
    organisations = {
        "optence": OrganisationFactory(legal_name="Optence e.V.", cluster_name="Optence"),
        "music": OrganisationFactory(
            legal_name="Musikwirtschaft Mannheim & Region GmbH",
            cluster_name="Clustermanagement Musikwirtschaft",
        ),
        "wue": OrganisationFactory(
            legal_name="Clusterinitiative Württemberg e. V.", cluster_name="Cluster Württemberg"
        ),
        "wue2": OrganisationFactory(
            legal_name="Innovationsnetz Wuerttemberg", cluster_name="Netz Wuerttemberg"
        ),
        "biocon": OrganisationFactory(
            legal_name="BioCon Valley GmbH", cluster_name="BioCon Valley"
        ),
        "lodz": OrganisationFactory(
            legal_name="Łódzki Klaster Tekstylny", cluster_name="Łódź Textiles", country="PL"
        ),
    }
    for key, organisation in organisations.items():
        make_label(organisation, "ecei-bronze", day, versions=versions, number=key.upper())
    return organisations


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Optence e. V.", ["optence"]),
        ("optence ev", ["optence"]),
        ("OPTENCE E.V.", ["optence"]),
        ("musik wirtschaft", ["music"]),
        ("Mannheim&Region", ["music"]),
        ("württemberg", ["wue", "wue2"]),
        ("Wurttemberg", ["wue"]),  # "Wuerttemberg" needs ü or ue in the query
        ("WUERTTEMBERG", ["wue", "wue2"]),
        ("bio-con valley", ["biocon"]),
        ("lodz", ["lodz"]),
        ("ŁÓDŹ textiles", ["lodz"]),
        ("nothing like it", []),
    ],
)
def test_search_tolerates_accents_and_spacing(client, named, query, expected):
    assert sorted(numbers(registry(client, q=query))) == [key.upper() for key in expected]


# --- sorting and pagination ----------------------------------------------------------------------


@pytest.fixture
def sortable(versions):
    zeta = OrganisationFactory(legal_name="Zeta Cluster e. V.")
    alpha = OrganisationFactory(legal_name="alpha cluster GmbH")
    mid = OrganisationFactory(legal_name="Mitte Netzwerk")
    make_label(
        zeta, "ecei-bronze", date(2019, 1, 1), date(2020, 6, 30), versions=versions, number="A"
    )
    make_label(
        alpha, "ecei-gold", date(2018, 1, 1), date(2021, 6, 30), versions=versions, number="B"
    )
    make_label(
        mid,
        "bw-cluster-excellence",
        date(2020, 1, 1),
        date(2020, 12, 31),
        versions=versions,
        number="C",
    )
    make_label(
        mid, "ecei-silver", date(2017, 1, 1), date(2019, 6, 30), versions=versions, number="D"
    )


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("", ["B", "C", "A", "D"]),  # default: valid until, latest first
        ("-valid_until", ["B", "C", "A", "D"]),
        ("valid_until", ["D", "A", "C", "B"]),
        ("valid_from", ["D", "B", "A", "C"]),
        ("-valid_from", ["C", "A", "B", "D"]),
        ("organisation", ["B", "C", "D", "A"]),
        ("-organisation", ["A", "C", "D", "B"]),
        ("scheme", ["C", "A", "B", "D"]),  # bw, then ecei-bronze, ecei-gold, ecei-silver
        ("-scheme", ["D", "B", "A", "C"]),
        ("level", ["C", "A", "D", "B"]),  # rank: label 1 = bronze 1, silver 2, gold 3
        ("-level", ["B", "D", "A", "C"]),
    ],
)
def test_sort_orders(client, sortable, sort, expected):
    assert numbers(registry(client, sort=sort)) == expected


def test_the_sort_headers_toggle_and_announce_the_order(english_client, sortable):
    page = parsed(registry(english_client, sort="valid_from", family="ecei"))
    sorted_column = element(page, "th", aria_sort=True)
    assert attribute(sorted_column, "aria-sort") == "ascending"
    # The sorted column's header link reverses the order and keeps the filters.
    assert hrefs(sorted_column) == ["?sort=-valid_from&family=ecei"]
    assert "?sort=organisation&family=ecei" in hrefs(page)


def test_pagination_keeps_the_filters(client, versions):
    organisation = OrganisationFactory()
    for n in range(60):
        make_label(
            organisation, "ecei-gold", date(2015, 1, 1) + timedelta(days=n), versions=versions
        )
    make_label(organisation, "bw-cluster-excellence", date(2015, 1, 1), versions=versions)
    first = registry(client, family="ecei", sort="valid_from")
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 60
    assert "?family=ecei&sort=valid_from&page=2" in hrefs(first)
    second = registry(client, family="ecei", sort="valid_from", page=2)
    rows = second.context["rows"]
    assert len(rows) == 10
    assert all(row.label_name.startswith("ECEI") for row in rows)
    assert rows[0].valid_from == date(2015, 1, 1) + timedelta(days=50)
    # Nonsense page numbers show a page rather than an error.
    assert len(registry(client, family="ecei", page="abc").context["rows"]) == 50
    assert len(registry(client, family="ecei", page="999").context["rows"]) == 10


# --- invalid input -------------------------------------------------------------------------------


def test_an_impossible_date_is_reported_and_filters_nothing(english_client, spread):
    response = registry(english_client, valid_on="2024-13-45", region="DE-BW")
    form = response.context["form"]
    assert form.errors["valid_on"] == [
        "“2024-13-45” is not a date. Use the form YYYY-MM-DD, e.g. 2016-01-15."
    ]
    assert sorted(numbers(response)) == ["BW-1", "G-1"]  # the region still filters
    page = parsed(response)
    (alert,) = elements(page, role="alert")
    assert "“2024-13-45” is not a date" in text(alert)
    assert input_value(page, "valid_on") == "2024-13-45"  # what was typed is shown again


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"sort": "price"}, "sort", "“price” is not a sort order of this list"),
        ({"country": "Germany"}, "country", "“Germany” is not a two-letter country code"),
        ({"region": "BW"}, "region", "“BW” is not a state or region code"),
        ({"sector": "mining"}, "sector", "Select a valid choice. mining is not one"),
        ({"scheme": "iso-9001"}, "scheme", "Select a valid choice. iso-9001 is not one"),
        ({"status": "lost"}, "status", "Select a valid choice. lost is not one"),
        ({"q": " .,- "}, "q", "Enter at least one letter or digit of the name."),
    ],
)
def test_invalid_values_are_reported_on_their_field(english_client, spread, params, field, message):
    response = registry(english_client, **params)
    assert message in response.context["form"].errors[field][0]
    assert sorted(numbers(response)) == ["B-1", "BW-1", "G-1", "S-1"]


def test_the_default_sort_is_used_when_the_sort_is_unknown(client, sortable):
    assert numbers(registry(client, sort="price")) == ["B", "C", "A", "D"]


# --- query counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 500])
def test_the_registry_page_query_count_does_not_grow(
    client, versions, count, django_assert_num_queries
):
    bulk_labels(count, versions=versions)
    assert Label.objects.count() == count
    public_aggregates_build()  # as after the commit of the import that wrote them
    url = reverse("labels:registry")
    # data generation (read once: the page cache pins it for the page's parts), scheme
    # versions, holders' places (the stored row), count, the page of rows
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["rows"]) == min(count, 50)
    # The places are cached for this data generation; a day asked for reads the longest
    # validity of all labels first (``valid_on_range``).
    with django_assert_num_queries(5):
        response = client.get(
            url,
            {"q": "Bulk-", "valid_on": timezone.localdate(), "region": "DE-BW", "sort": "level"},
        )
    assert response.context["rows"]


def test_the_count_and_the_places_are_read_once_per_data_generation(
    versions, django_assert_num_queries
):
    holder = OrganisationFactory(country="DE", region="DE-BY")
    make_label(holder, "ecei-bronze", date(2021, 1, 1), versions=versions)
    labels = registry_labels(RegistryFilters())
    generation = data_generation()
    assert registry_page(labels, 1, generation=generation)[0].paginator.count == 1
    assert holder_places(generation=generation) == [("DE", "DE-BY")]
    with django_assert_num_queries(1):  # the rows; the count is cached
        page, rows = registry_page(labels, 1, generation=generation)
    assert (page.paginator.count, len(rows)) == (1, 1)
    with django_assert_num_queries(0):
        assert holder_places(generation=generation) == [("DE", "DE-BY")]
    # A label write bumps the generation: counted and listed anew.
    other = OrganisationFactory(country="AT", region="AT-9")
    make_label(other, "ecei-gold", date(2022, 1, 1), versions=versions)
    generation = labels_changed(Change.ISSUED)
    assert registry_page(labels, 1, generation=generation)[0].paginator.count == 2
    assert holder_places(generation=generation) == [("AT", "AT-9"), ("DE", "DE-BY")]


@pytest.mark.parametrize("count", [10, 500])
def test_the_export_query_count_does_not_grow(client, versions, count, django_assert_num_queries):
    bulk_labels(count, versions=versions)
    with django_assert_num_queries(2):  # scheme versions, the rows (one chunked query)
        response = client.get(reverse("labels:registry_export", args=["csv"]))
        content = b"".join(response.streaming_content)
    assert content.count(b"\r\n") == count + 1


# --- export --------------------------------------------------------------------------------------


def test_the_csv_export_holds_the_filtered_rows_of_all_pages(client, versions):
    manager = UserFactory(email="erika.private@example.org")
    bw = OrganisationFactory(legal_name="Cluster „Süd“, Mannheim", managers=[manager])
    other = OrganisationFactory(region="DE-BY")
    for n in range(55):
        make_label(bw, "ecei-gold", date(2016, 1, 1) + timedelta(days=n), versions=versions)
    make_label(other, "ecei-gold", date(2016, 1, 1), versions=versions)
    revoked = make_label(
        bw,
        "bw-cluster-excellence",
        date(2016, 1, 1),
        versions=versions,
        state="revoked",
        changed_at=datetime(2016, 5, 2, 9, tzinfo=BERLIN),
        number="BW-2016-00009",
    )
    revoked.state_reason = "Hinweis von Erika Mustermann"
    revoked.save()
    params = {"region": "DE-BW", "valid_on": "2016-03-01", "sort": "valid_from"}
    page = registry(client, **params)
    assert page.context["page"].paginator.count == 56
    response = client.get(reverse("labels:registry_export", args=["csv"]), params)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response["Content-Disposition"] == (
        f'attachment; filename="clusterlabel-registry-{timezone.localdate().isoformat()}.csv"'
    )
    raw = b"".join(response.streaming_content)
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark: Excel reads UTF-8
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    expected = list(
        registry_labels(
            RegistryFilters(region="DE-BW", valid_on=date(2016, 3, 1), sort="valid_from")
        ).values_list("certificate_number", flat=True)
    )
    assert [row["certificate_number"] for row in rows] == expected
    assert len(rows) == 56
    row = next(row for row in rows if row["certificate_number"] == "BW-2016-00009")
    assert row["organisation"] == "Cluster „Süd“, Mannheim"
    assert (row["scheme"], row["level"], row["family"]) == ("bw-cluster-excellence", "label", "bw")
    assert row["label_en"] == "Cluster Excellence Baden-Württemberg"
    assert (row["valid_from"], row["valid_until"]) == ("2016-01-01", "2017-12-31")
    assert (row["state"], row["state_changed_on"], row["status_today"]) == (
        "revoked",
        "2016-05-02",
        "revoked",
    )
    assert row["verify_url"].endswith("/verify/BW-2016-00009/")
    assert row["holder_url"].endswith(f"/registry/holders/{bw.pk}/")
    assert "erika" not in text.lower()
    assert "Mustermann" not in text


def test_the_json_export_has_metadata_and_iso_dates(client, spread, settings):
    settings.SITE_URL = "https://labels.example.org"
    params = {"family": "ecei", "country": "DE", "sector": "creative_industries", "status": "valid"}
    response = client.get(reverse("labels:registry_export", args=["json"]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.json"')
    document = json.loads(b"".join(response.streaming_content))
    assert document["source"] == "https://labels.example.org"
    assert document["filters"] == params
    assert document["registry"].startswith("https://labels.example.org/")
    assert "family=ecei" in document["registry"]
    datetime.fromisoformat(document["generated_at"])
    assert document["labels"] == []  # 2020's labels are expired by now
    response = client.get(
        reverse("labels:registry_export", args=["json"]), {"sector": "creative_industries"}
    )
    document = json.loads(b"".join(response.streaming_content))
    labels = document["labels"]
    assert sorted(label["certificate_number"] for label in labels) == ["B-1", "S-1"]
    bronze = next(label for label in labels if label["certificate_number"] == "B-1")
    assert list(bronze) == list(EXPORT_COLUMNS)
    assert bronze["valid_from"] == "2020-01-01"
    assert bronze["valid_until"] == "2021-12-31"
    assert bronze["region"] == "DE-BY"
    assert bronze["label_de"] == "ECEI-Label Bronze"
    assert bronze["verify_url"] == "https://labels.example.org/verify/B-1/"


def test_the_export_of_an_empty_selection_is_well_formed(client, versions):
    response = client.get(reverse("labels:registry_export", args=["json"]))
    assert json.loads(b"".join(response.streaming_content))["labels"] == []
    response = client.get(reverse("labels:registry_export", args=["csv"]))
    assert b"".join(response.streaming_content).decode() == (
        "\ufeff" + ",".join(EXPORT_COLUMNS) + "\r\n"
    )


def test_the_page_links_the_export_of_the_applied_filters(client, spread):
    page = parsed(registry(client, family="ecei", valid_on="2024-13-45", page="2"))
    export = reverse("labels:registry_export", args=["csv"])
    links = [href for href in hrefs(page) if href.startswith(export)]  # comma and semicolon
    assert len(links) == 2
    for link in links:
        assert link.startswith(f"{export}?family=ecei")
        assert "valid_on=2024-13-45" not in link


def test_an_unknown_export_format_is_not_found(client, versions):
    assert client.get(reverse("labels:registry_export", args=["xml"])).status_code == 404


def test_an_export_with_an_invalid_filter_says_what_is_wrong(english_client, versions):
    response = english_client.get(
        reverse("labels:registry_export", args=["json"]), {"valid_on": "2024-13-45"}
    )
    assert response.status_code == 400
    assert json.loads(response.content) == {
        "errors": {
            "valid_on": ["“2024-13-45” is not a date. Use the form YYYY-MM-DD, e.g. 2016-01-15."]
        }
    }
    response = english_client.get(reverse("labels:registry_export", args=["csv"]), {"sort": "x"})
    assert response.status_code == 400
    assert response.content.decode().startswith("sort: “x” is not a sort order")


def test_the_registry_is_public_and_read_only(client, spread):
    assert client.post(reverse("labels:registry")).status_code == 405
    assert client.post(reverse("labels:registry_export", args=["csv"])).status_code == 405
    html = registry(client).content.decode()
    # Raw on purpose: no manager's e-mail address anywhere in the page, attributes included.
    assert "@example.org" not in html
    assert reverse("labels:registry") in hrefs(html)
    assert reverse("labels:statistics") in hrefs(html)


@pytest.mark.parametrize("sort", ["scheme", "-scheme", "level", "-level"])
def test_without_level_ranks_the_levels_sort_by_their_id(sortable, sort):
    """A caller that gives no ranks (an export, a count) still gets a query the database runs:
    a Case of no branch compiled to ``ORDER BY 0``, which PostgreSQL refuses."""
    rows = list(
        registry_labels(RegistryFilters(sort=sort)).values_list("certificate_number", "level_id")
    )
    assert sorted(number for number, _level in rows) == ["A", "B", "C", "D"]
    if sort.lstrip("-") == "level":
        levels = [level for _number, level in rows]
        assert levels == sorted(levels, reverse=sort.startswith("-"))
