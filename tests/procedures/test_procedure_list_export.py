"""The procedure list as XLSX (``?format=xlsx``): every row the list selects for this person
(the policy's scope, the state and the search), names as text, never as formulas; a query count
that does not grow with the rows; signed out, the login page, not the workbook."""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from django.db import connection
from django.shortcuts import resolve_url
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from clusterlabel.accounts.choices import Role
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from tests.factories import UserFactory
from tests.helpers import login
from tests.procedures.test_procedure_list import LIST, applications
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


def _rows(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def test_the_workbook_holds_every_row_the_list_selects(client):
    manager = UserFactory()
    made = applications(manager, 3, name="=HYPERLINK(1)")
    applications(manager, 2, name="Anders")
    login(client, manager, language="en")
    header, *rows = _rows(client.get(LIST, {"format": "xlsx", "q": "hyperlink"}))
    assert header[:4] == ("Reference", "Organisation", "Legal name", "Scheme")
    assert sorted(row[0] for row in rows) == sorted(p.reference for p in made)
    assert rows[0][1].startswith("=HYPERLINK(1)")  # the name as text, not run as a formula
    sheet = load_workbook(io.BytesIO(client.get(LIST, {"format": "xlsx"}).content)).worksheets[0]
    assert sheet["B2"].data_type == "s"
    assert len(list(sheet.iter_rows())) == 1 + 5


def test_the_workbook_keeps_to_the_policy(client):
    mine = StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWARDED)
    StateBuilder(scheme_id="bw-cluster-excellence").at(ProcedureState.AWARDED)
    login(client, mine.assessors[0], language="en")
    _header, *rows = _rows(client.get(LIST, {"format": "xlsx"}))
    assert [row[0] for row in rows] == [mine.procedure.reference]


def test_signed_out_there_is_no_workbook(client):
    response = client.get(LIST, {"format": "xlsx"})
    assert response.status_code == 302
    assert response.url.startswith(resolve_url(settings.LOGIN_URL))


def _queries(client) -> int:
    client.get(LIST, {"format": "xlsx"})  # warm the per-process caches
    with CaptureQueriesContext(connection) as context:
        _rows(client.get(LIST, {"format": "xlsx"}))
    return len(context.captured_queries)


def test_the_workbook_costs_the_same_queries_for_2_and_30_rows(client):
    manager = UserFactory()
    secretariat = UserFactory(role=Role.SECRETARIAT)
    applications(manager, 2)
    for procedure in Procedure.objects.all():
        services.procedure_submit_application(procedure=procedure, actor=manager)
    login(client, secretariat)
    few = _queries(client)
    for procedure in applications(manager, 28):
        services.procedure_submit_application(procedure=procedure, actor=manager)
    assert _queries(client) == few


def test_the_list_links_the_workbook_of_its_search_and_state(client):
    manager = UserFactory()
    applications(manager, 1, name="Süd & Nord")
    login(client, manager, language="en")
    page = client.get(LIST, {"q": "Süd & Nord", "state": "draft"}).content.decode()
    assert 'href="?format=xlsx&amp;q=S%C3%BCd%20%26%20Nord&amp;state=draft"' in page
