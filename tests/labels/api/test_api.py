"""The public read-only API (``/api/v1/``): what it answers, what it refuses, what it caches,
how fast a client may ask, and that every API route is listed here with who may use it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clusterlabel.labels import services
from clusterlabel.labels.changes import Change, labels_changed
from clusterlabel.labels.registry.aggregates import public_aggregates_build
from tests.factories import OrganisationFactory, UserFactory
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def label(loaded_schemes):
    organisation = OrganisationFactory(
        cluster_name="Cluster Nord", legal_name="Cluster Nord e. V.", country="DE"
    )
    return make_label(organisation=organisation)


def _revoke(label):
    services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )


def test_the_list_gives_the_number_validity_status_holder_and_links(client, label):
    body = client.get(reverse("api:labels")).json()
    assert body["count"] == 1 and body["page"] == 1 and body["pages"] == 1
    assert body["next"] is None and body["previous"] is None
    (row,) = body["results"]
    number = label.certificate_number
    assert row["certificate_number"] == number
    assert row["organisation"] == "Cluster Nord e. V."
    assert row["valid_from"] == label.valid_from.isoformat()
    assert row["valid_until"] == label.valid_until.isoformat()
    assert row["status_today"] == "valid"
    assert row["verify_url"].endswith(reverse("labels:verify", args=[number]))
    assert row["credential_url"].endswith(reverse("labels:credential", args=[number]))
    assert row["holder_url"].endswith(reverse("labels:holder", args=[label.organisation_id]))


def test_the_list_filters_as_the_registry_page_does(client, label, loaded_schemes):
    other = make_label(
        scheme_id="ecei-bronze", organisation=OrganisationFactory(country="AT", region="")
    )
    url = reverse("api:labels")
    assert [r["certificate_number"] for r in client.get(url, {"q": "nord"}).json()["results"]] == [
        label.certificate_number
    ]
    by_country = client.get(url, {"country": "at"}).json()["results"]
    assert [r["certificate_number"] for r in by_country] == [other.certificate_number]
    assert client.get(url, {"scheme": "ecei-bronze"}).json()["count"] == 1
    assert client.get(url, {"status": "revoked"}).json()["count"] == 0


def test_unconfirmed_organisations_are_not_public(client, loaded_schemes):
    hidden = make_label(organisation=OrganisationFactory(confirmed_at=None))
    assert client.get(reverse("api:labels")).json()["count"] == 0
    number = reverse("api:label", args=[hidden.certificate_number])
    assert client.get(number).status_code == 404
    profile = reverse("api:organisation", args=[hidden.organisation_id])
    assert client.get(profile).status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"country": "Deutschland"}, "country"),
        ({"region": "Baden"}, "region"),
        ({"valid_on": "2024-13-01"}, "valid_on"),
        ({"valid_on": "0001-01-01"}, "valid_on"),
        ({"status": "maybe"}, "status"),
        ({"sector": "space"}, "sector"),
        ({"scheme": "no-such-scheme"}, "scheme"),
        ({"sort": "price"}, "sort"),
        ({"q": "---"}, "q"),
        ({"q": "a\x00b"}, "q"),
        ({"page": "two"}, "page"),
        ({"page": "0"}, "page"),
    ],
)
def test_an_invalid_filter_is_a_400_naming_the_field(client, label, query, field):
    response = client.get(reverse("api:labels"), query)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_pages_link_to_each_other_with_the_filters(client, loaded_schemes, settings):
    organisation = OrganisationFactory()
    for _ in range(51):
        make_label(organisation=organisation)
    first = client.get(reverse("api:labels"), {"country": "de"}).json()
    assert (first["count"], first["pages"], len(first["results"])) == (51, 2, 50)
    assert first["next"] == (settings.SITE_URL + reverse("api:labels") + "?country=DE&page=2")
    second = client.get(first["next"].removeprefix(settings.SITE_URL)).json()
    assert len(second["results"]) == 1 and second["previous"].endswith("page=1")
    assert client.get(reverse("api:labels"), {"page": "3"}).status_code == 404


def test_the_list_does_not_grow_with_the_rows(client, loaded_schemes, django_assert_num_queries):
    """The generation, the scheme catalogue, the count (the stored total, as the build after
    the write's commit left it), the page's rows: 2 rows or 30."""
    url = reverse("api:labels")
    for _ in range(2):
        make_label()
    labels_changed(Change.ISSUED)  # as the services do: no answer or count from the cache
    public_aggregates_build()
    with django_assert_num_queries(4):
        assert len(client.get(url, {"sort": "organisation"}).json()["results"]) == 2
    for _ in range(28):
        make_label()
    labels_changed(Change.ISSUED)
    public_aggregates_build()
    with django_assert_num_queries(4):
        assert len(client.get(url, {"sort": "organisation"}).json()["results"]) == 30


def test_a_label_by_its_number_case_and_spaces_forgiven(client, label):
    url = reverse("api:label", args=[f" {label.certificate_number.lower()} "])
    assert client.get(url).json()["certificate_number"] == label.certificate_number
    assert client.get(reverse("api:label", args=["ECEI-G-1900-99999"])).status_code == 404
    assert client.get(reverse("api:label", args=["a\x00b"])).status_code == 404


def test_an_organisation_with_its_label_history(client, label, loaded_schemes):
    older = make_label(
        organisation=label.organisation,
        scheme_id="ecei-bronze",
        valid_from=timezone.localdate() - timedelta(days=2000),
    )
    body = client.get(reverse("api:organisation", args=[label.organisation_id])).json()
    assert body["cluster_name"] == "Cluster Nord"
    assert [(r["certificate_number"], r["status_today"]) for r in body["labels"]] == [
        (label.certificate_number, "valid"),
        (older.certificate_number, "expired"),
    ]


def test_an_organisation_without_labels_is_not_a_holder(client, db):
    organisation = OrganisationFactory()
    assert client.get(reverse("api:organisation", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("api:organisation", args=[2**70])).status_code == 404


def test_the_statistics(client, label):
    body = client.get(reverse("api:statistics")).json()
    assert body["today"]["organisations"] == 1 and body["today"]["labels"] == 1
    assert body["today"]["by_label"][0]["labels"] == 1
    assert body["over_time"]["series"]["ecei"][-1] == 1


# --- the cache -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["list", "label", "organisation", "statistics"])
def test_a_cached_answer_never_shows_a_revoked_label_as_valid(
    client, label, name, django_assert_num_queries
):
    url = {
        "list": reverse("api:labels"),
        "label": reverse("api:label", args=[label.certificate_number]),
        "organisation": reverse("api:organisation", args=[label.organisation_id]),
        "statistics": reverse("api:statistics"),
    }[name]
    first = client.get(url)
    with django_assert_num_queries(1):  # the data generation, nothing else
        again = client.get(url)
    assert again.content == first.content
    assert first["Cache-Control"] == "public, no-cache" and first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304

    _revoke(label)

    after = client.get(url).json()
    if name == "statistics":
        assert after["today"]["labels"] == 0
    else:
        record = {"list": lambda b: b["results"][0], "organisation": lambda b: b["labels"][0]}.get(
            name, lambda b: b
        )(after)
        assert record["status_today"] == "revoked"
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


# --- read-only, throttled ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(label, method):
    client = Client(enforce_csrf_checks=True)
    url = reverse("api:label", args=[label.certificate_number])
    response = getattr(client, method)(url, data={}, content_type="application/json")
    assert response.status_code in (403, 405)
    label.refresh_from_db()
    assert label.state == "active"


def test_requests_are_limited_per_address(client, label, settings):
    settings.API_ANON_RATE = "3/minute"
    url = reverse("api:label", args=[label.certificate_number])
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    limited = client.get(url)  # cached answers count too
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert client.get(url, REMOTE_ADDR="192.0.2.7").status_code == 200  # another address
    # A header the client sends itself is no new address (no proxy of ours is configured).
    spoofed = client.get(url, HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert spoofed.status_code == 429


# --- every API route has a row -------------------------------------------------------------

# Route name -> (path arguments, anonymous GET's status). Nobody logs in to the public API;
# the token endpoints answer 401 without a token (tests/accounts/test_api_tokens.py tries them
# with tokens); writes are refused on every route (``test_the_api_is_read_only``,
# ``test_no_route_writes``).
ROUTES = {
    "api:procedures": ((), 401),
    "api:programmes": ((), 401),
    "api:programme_members": (("programme",), 401),
    "api:label_imports": ((), 401),  # POST only, with a token
    "api:labels": ((), 200),
    "api:label": (("number",), 200),
    "api:organisation": (("organisation",), 200),
    "api:statistics": ((), 200),
    "api_schema": ((), 200),
    "api_docs": ((), 200),
    "api:not_found": (("rest",), 404),  # any other path under /api/v1/: JSON, not HTML
}


def _api_routes() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and route.startswith("api/"):
                names.add(namespace + pattern.name)

    walk(get_resolver().url_patterns, "", "")
    return names


def test_every_api_route_has_a_row():
    assert _api_routes() == set(ROUTES)


def _url(name: str, label) -> str:
    args, _status = ROUTES[name]
    values = {
        "number": label.certificate_number,
        "organisation": label.organisation_id,
        "rest": "organisations/-1/",
        "programme": "go-cluster",
    }
    return reverse(name, args=[values[a] for a in args])


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_every_api_route_answers_an_anonymous_get(client, label, name):
    response = client.get(_url(name, label))
    assert response.status_code == ROUTES[name][1]
    if name.startswith("api:"):
        assert response["Content-Type"] == "application/json"


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_no_route_writes(label, name):
    response = Client(enforce_csrf_checks=True).post(_url(name, label), {})
    assert response.status_code in (401, 403, 405)
