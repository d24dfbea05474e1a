"""The programme view: go-cluster's staff see each member's labels, procedures under way and
whether the programme's rule holds, as a page, CSV and XLSX; nobody else sees it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from clusterlabel.accounts.choices import Role
from clusterlabel.organisations.models import Programme
from clusterlabel.procedures.models import Procedure
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, grant_role
from tests.helpers import (
    attribute,
    element,
    elements,
    english_pages,
    get_in_queries,
    hrefs,
    login,
    text,
)
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db

GO_CLUSTER_RULE = {
    "any_of": [{"label": "ecei-gold"}, {"label": "ecei-silver"}, {"procedure": "ecei-silver"}]
}


def open_procedure(organisation, scheme_id: str, state: str, loaded_schemes) -> Procedure:
    """A procedure in ``state`` written directly (the page only reads its scheme and state)."""
    version = loaded_schemes[scheme_id]
    return Procedure.objects.create(
        organisation=organisation,
        scheme_version=version,
        level_id=version.scheme.levels[0].id,
        process="new",
        assessment_mode="on_site",
        state=state,
        created_by=UserFactory(),
        applied_at=timezone.now(),
    )


@pytest.fixture
def go_cluster(loaded_schemes) -> Programme:
    return ProgrammeFactory(slug="go-cluster", name="go-cluster", rule=GO_CLUSTER_RULE)


@pytest.fixture
def members(go_cluster, loaded_schemes):
    """Four members (a Gold holder, a Bronze holder, one with a Silver procedure under way,
    one whose Gold is suspended) and one organisation outside the programme."""
    today = timezone.localdate()
    gold = OrganisationFactory(cluster_name="Aurum Cluster")
    make_label(scheme_id="ecei-gold", organisation=gold, valid_until=today + timedelta(days=60))
    bronze = OrganisationFactory(cluster_name="Bronze Cluster")
    make_label(scheme_id="ecei-bronze", organisation=bronze)
    silver_under_way = OrganisationFactory(cluster_name="Cluster Silberweg")
    open_procedure(silver_under_way, "ecei-silver", "self_assessment_submitted", loaded_schemes)
    suspended = OrganisationFactory(cluster_name="Dormant Cluster")
    make_label(scheme_id="ecei-gold", organisation=suspended, state="suspended")
    outsider = OrganisationFactory(cluster_name="Outside Cluster")
    make_label(scheme_id="ecei-gold", organisation=outsider)
    for organisation in (gold, bronze, silver_under_way, suspended):
        organisation.programmes.add(go_cluster)
    return {"gold": gold, "bronze": bronze, "silver": silver_under_way, "suspended": suspended}


def programme_staff(programme: Programme):
    return grant_role(UserFactory(), Role.PROGRAMME, programme=programme)


def rows_of(page) -> dict[str, list[str]]:
    table = element(page, "table")
    return {
        text(elements(row, "th")[0]): [text(cell) for cell in elements(row, "td")]
        for row in elements(table, "tr")[1:]
    }


def test_programme_staff_see_each_members_standing(client: Client, go_cluster, members) -> None:
    login(english_pages(client), programme_staff(go_cluster))
    page = client.get(reverse("programmes:detail", args=["go-cluster"]))
    assert page.status_code == 200
    rows = rows_of(page)
    assert list(rows) == ["Aurum Cluster", "Bronze Cluster", "Cluster Silberweg", "Dormant Cluster"]
    assert rows["Aurum Cluster"][-1] == "Yes: a valid ECEI Gold Label"
    assert rows["Bronze Cluster"][-1] == "No"
    assert rows["Cluster Silberweg"][-1] == "Yes: a procedure for ECEI Silver Label under way"
    assert "Self-assessment submitted" in rows["Cluster Silberweg"][2]
    # A suspended Gold is shown as suspended and does not meet the rule.
    assert "(suspended)" in rows["Dormant Cluster"][1]
    assert rows["Dormant Cluster"][-1] == "No"
    assert "4 members: 2 meet the rule, 2 do not." in text(page)
    assert "Outside Cluster" not in text(page)


def test_the_page_is_german_by_default(client: Client, go_cluster, members) -> None:
    login(client, programme_staff(go_cluster))
    page = client.get(reverse("programmes:detail", args=["go-cluster"]))
    rows = rows_of(page)
    assert rows["Bronze Cluster"][-1] == "Nein"
    assert rows["Aurum Cluster"][-1].startswith("Ja: ")
    assert "Mitglieder" in text(page)


def test_filters_keep_the_unmet_and_the_expiring(client: Client, go_cluster, members) -> None:
    login(english_pages(client), programme_staff(go_cluster))
    url = reverse("programmes:detail", args=["go-cluster"])
    unmet = rows_of(client.get(url, {"standing": "unmet"}))
    assert list(unmet) == ["Bronze Cluster", "Dormant Cluster"]
    expiring = rows_of(client.get(url, {"expiring": "90"}))
    assert list(expiring) == ["Aurum Cluster"]
    # An unknown filter value is ignored, not an error.
    assert len(rows_of(client.get(url, {"standing": "maybe", "expiring": "7"}))) == 4


def test_the_list_leads_straight_to_the_only_programme(client: Client, go_cluster) -> None:
    login(client, programme_staff(go_cluster))
    response = client.get(reverse("programmes:list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("programmes:detail", args=["go-cluster"])


def test_csv_and_xlsx_hold_the_same_rows(client: Client, go_cluster, members) -> None:
    members["bronze"].cluster_name = "=HYPERLINK(1)"
    members["bronze"].save()
    login(english_pages(client), programme_staff(go_cluster))
    url = reverse("programmes:detail", args=["go-cluster"])
    response = client.get(url, {"format": "csv", "sep": "semicolon", "standing": "unmet"})
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffOrganisation;Legal name;")
    lines = body.strip().splitlines()
    assert len(lines) == 3  # the header, the two members that do not meet the rule
    assert lines[1].startswith("'=HYPERLINK(1);")  # never a live formula
    workbook = load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content))
    sheet = workbook.active
    values = list(sheet.values)
    assert values[0][0] == "Organisation"
    assert [row[0] for row in values[1:]] == [
        "=HYPERLINK(1)",
        "Aurum Cluster",
        "Cluster Silberweg",
        "Dormant Cluster",
    ]
    assert sheet.cell(row=2, column=1).data_type == "s"  # text, not a formula
    assert values[2][6].date() == timezone.localdate() + timedelta(days=60)
    assert values[2][7] == "Yes: a valid ECEI Gold Label"


@pytest.mark.parametrize(
    "who",
    [
        "anonymous",
        "other_programme",
        "member_manager",
        "secretariat",
        "operator_administrator",
        "assessor",
    ],
)
def test_nobody_else_sees_the_programme(client: Client, go_cluster, members, who) -> None:
    url = reverse("programmes:detail", args=["go-cluster"])
    if who == "anonymous":
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
        return
    if who == "other_programme":
        user = programme_staff(ProgrammeFactory(slug="klynge", name="Klyngeprogram"))
    elif who == "member_manager":
        user = UserFactory()
        grant_role(user, Role.CLUSTER_MANAGER, organisation=members["gold"])
    elif who == "operator_administrator":
        from clusterlabel.access.models import Grant
        from tests.factories import shipped_operators

        user = UserFactory()
        Grant.objects.create(user=user, role=Role.ADMINISTRATOR, operator=shipped_operators()[0])
    else:
        user = UserFactory(role=Role(who))
    login(client, user)
    assert client.get(url).status_code == 404
    assert client.get(url, {"format": "csv"}).status_code == 404
    assert client.get(url, {"format": "xlsx"}).status_code == 404
    listed = client.get(reverse("programmes:list"))
    assert "go-cluster" not in text(listed)


def test_an_installation_administrator_sees_every_programme(
    client: Client, go_cluster, members
) -> None:
    ProgrammeFactory(slug="klynge", name="Klyngeprogram")
    login(english_pages(client), UserFactory(role=Role.ADMINISTRATOR))
    listed = client.get(reverse("programmes:list"))
    links = [a for a in elements(listed, "a") if "/programmes/" in (attribute(a, "href") or "")]
    assert [text(a) for a in links][-2:] == ["go-cluster", "Klyngeprogram"]
    assert client.get(reverse("programmes:detail", args=["klynge"])).status_code == 200


def test_the_navigation_offers_programmes_to_programme_staff_only(
    client: Client, go_cluster
) -> None:
    url = reverse("programmes:list")
    login(client, programme_staff(go_cluster))
    assert url in hrefs(client.get("/"))
    client.logout()
    login(client, UserFactory(role=Role.SECRETARIAT))
    assert url not in hrefs(client.get("/"))


def test_the_page_costs_the_same_queries_for_more_members(
    client: Client, go_cluster, members, loaded_schemes, django_assert_num_queries
) -> None:
    login(client, programme_staff(go_cluster))
    url = reverse("programmes:detail", args=["go-cluster"])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for index in range(12):
        organisation = OrganisationFactory(cluster_name=f"More {index}")
        make_label(scheme_id="ecei-silver", organisation=organisation)
        open_procedure(organisation, "ecei-gold", "applied", loaded_schemes)
        organisation.programmes.add(go_cluster)
    get_in_queries(client, url, len(few.captured_queries), django_assert_num_queries)
