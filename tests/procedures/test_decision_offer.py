"""The decision page does not offer an award it says is not possible: with scores that miss a
minimum criterion the authority sees why and can only refuse (a Silver application compared
with an assessment of the day before reached this page in the demo offering 'Award the label')."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.procedures.choices import ProcedureState
from tests.helpers import attribute, elements, login, text
from tests.procedures.builders import ensure_schemes, failing_minimum_values
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

SCHEME = "bw-cluster-excellence"


def decision_choices(page) -> list[str]:
    return [
        attribute(radio, "value") or ""
        for radio in elements(page, "input", type="radio", name="decision")
    ]


def test_an_award_that_is_not_possible_is_not_offered(client):
    failing = failing_minimum_values(ensure_schemes()[SCHEME].scheme)
    builder = StateBuilder(scheme_id=SCHEME, score_values=failing).at(
        ProcedureState.AWAITING_DECISION
    )
    login(client, builder.authority, language="en")
    url = reverse("procedures:decision", args=[builder.procedure.pk])
    page = client.get(url)
    assert "An award is not possible:" in text(page)
    assert decision_choices(page) == ["refuse"]

    response = client.post(url, {"decision": "award", "reason": ""})
    assert response.status_code == 400
    assert builder.refresh().state == ProcedureState.AWAITING_DECISION


def test_a_possible_award_is_offered_beside_the_refusal(client):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.AWAITING_DECISION)
    login(client, builder.authority, language="en")
    page = client.get(reverse("procedures:decision", args=[builder.procedure.pk]))
    assert "An award is not possible" not in text(page)
    assert decision_choices(page) == ["award", "refuse"]
