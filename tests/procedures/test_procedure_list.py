"""The procedure list: search by organisation name, procedure reference or certificate number,
pages that keep the search and the state filter, a query count that does not grow with the
rows, and the policy's scope under every search (an assessor finds only their procedures)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.labels.models import Label
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.views import core
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import elements, hrefs, login, text
from tests.procedures.builders import ensure_schemes
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

LIST = reverse("procedures:list")


def applications(manager, count: int, *, name: str = "Cluster") -> list[Procedure]:
    version = ensure_schemes()["ecei-bronze"]
    made = []
    for n in range(count):
        organisation = OrganisationFactory(managers=[manager], cluster_name=f"{name} {n:03d}")
        made.append(
            services.procedure_create(
                organisation=organisation,
                scheme_version=version,
                level_id=version.scheme.levels[-1].id,
                process="new",
                assessment_mode="on_site",
                actor=manager,
            )
        )
    return made


def listed(page) -> set[str]:
    """The procedure pages the list links."""
    return {href for href in hrefs(page) if href.startswith("/procedures/") and href != LIST}


def detail(procedure: Procedure) -> str:
    return reverse("procedures:detail", args=[procedure.pk])


def test_search_by_organisation_name_reference_and_certificate_number(client):
    manager = UserFactory()
    bees = applications(manager, 2, name="Bienenwirtschaft")
    others = applications(manager, 2, name="Optik")
    login(client, manager, language="en")
    assert listed(client.get(LIST, {"q": "bienen"})) == {detail(p) for p in bees}
    # Folded as the organisation search folds names: accents and spaces do not matter.
    assert listed(client.get(LIST, {"q": "OPTIK 00"})) == {detail(p) for p in others}
    target = others[1]
    assert listed(client.get(LIST, {"q": target.reference})) == {detail(target)}
    assert listed(client.get(LIST, {"q": target.reference.lower()})) == {detail(target)}
    empty = client.get(LIST, {"q": "Nirgendwo"})
    assert listed(empty) == set()
    assert "No procedure you can see matches this search." in text(empty)


def test_search_by_the_certificate_number_of_a_label_issued(client):
    builder = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWARDED)
    label = Label.objects.filter(procedure=builder.procedure).first()
    applications(builder.manager, 2)
    login(client, builder.manager, language="en")
    found = client.get(LIST, {"q": label.certificate_number.lower()})
    assert listed(found) == {detail(builder.procedure)}


def test_pages_keep_the_search_and_the_state_filter(client, monkeypatch):
    monkeypatch.setattr(core, "PROCEDURES_PER_PAGE", 10)
    manager = UserFactory()
    made = applications(manager, 25, name="Seite")
    applications(manager, 3, name="Anders")
    login(client, manager, language="en")
    first = client.get(LIST, {"q": "seite", "state": "draft"})
    assert len(listed(first)) == 10
    assert "25 procedures" in text(first)
    (next_link,) = [link for link in elements(first, "a", rel="next")]
    target = dict(next_link.attributes)["href"]
    assert "q=seite" in target and "state=draft" in target and "page=2" in target
    pages = [
        listed(client.get(LIST, {"q": "seite", "state": "draft", "page": n})) for n in (1, 2, 3)
    ]
    assert set().union(*pages) == {detail(p) for p in made}
    assert sum(len(p) for p in pages) == 25  # no procedure on two pages


def _queries(client, params) -> int:
    client.get(LIST, params)  # warm the per-process caches
    with CaptureQueriesContext(connection) as context:
        assert client.get(LIST, params).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [{}, {"q": "Cluster"}, {"q": "Cluster", "page": "2"}])
def test_the_list_costs_the_same_queries_for_2_and_30_rows(client, params, monkeypatch):
    monkeypatch.setattr(core, "PROCEDURES_PER_PAGE", 20)
    manager = UserFactory()
    secretariat = UserFactory(role=Role.SECRETARIAT)
    applications(manager, 2)
    for procedure in Procedure.objects.all():
        services.procedure_submit_application(procedure=procedure, actor=manager)
    login(client, secretariat)
    few = _queries(client, params)
    for procedure in applications(manager, 28):
        services.procedure_submit_application(procedure=procedure, actor=manager)
    assert _queries(client, params) == few


def test_an_assessor_finds_only_their_own_procedures_whatever_they_search(client):
    mine = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWARDED)
    theirs = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWARDED)
    assessor = mine.assessors[0]
    other = theirs.procedure
    other_label = Label.objects.filter(procedure=other).first()
    login(client, assessor, language="en")
    assert listed(client.get(LIST)) == {detail(mine.procedure)}
    for query in (
        other.organisation.cluster_name,
        other.reference,
        str(other.pk),
        other_label.certificate_number,
    ):
        assert detail(other) not in listed(client.get(LIST, {"q": query})), query
    # The same searches find their own procedure.
    own_label = Label.objects.filter(procedure=mine.procedure).first()
    for query in (mine.procedure.reference, own_label.certificate_number):
        assert listed(client.get(LIST, {"q": query})) == {detail(mine.procedure)}, query
