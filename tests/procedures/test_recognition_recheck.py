"""A BW award yields ECEI Gold only when the Gold criteria within its assessment meet Gold's own
rules and the panel met Gold's panel rule; otherwise the decision page and the stored result say
why, and only the BW label is issued (``procedures.results`` with ``domain.recognition``)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from clusterlabel.core.reasons import describe
from clusterlabel.domain.errors import Reason
from clusterlabel.labels.models import Label
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.schemes.models import SchemeVersion
from tests.domain.test_recognition import bw_values
from tests.factories import UserFactory
from tests.helpers import text
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db

BW = "bw-cluster-excellence"


def gold_scheme():
    return SchemeVersion.objects.get(scheme_id="ecei-gold", is_current=True).scheme


def builder_with(gold_points: int, **kwargs) -> ProcedureBuilder:
    builder = ProcedureBuilder(scheme_id=BW, **kwargs)
    builder.walk.scores = bw_values(builder.scheme, gold_scheme(), gold_points)
    return builder


def test_119_of_150_on_the_gold_criteria_awards_bw_without_gold(client):
    builder = builder_with(119)
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    client.force_login(builder.authority)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = text(client.get(reverse("procedures:decision", args=[procedure.pk])))
    assert "The assessment meets the award rules for" in page
    assert "The award does not yield" in page
    assert "Its criteria: 119 of 150 points." in page
    assert "79.3 % of the maximum points; at least 80 % are needed." in page
    assert "An award also yields" not in page

    procedure = builder.advance_to(ProcedureState.AWARDED)
    assert procedure.result["awarded"] is True
    assert procedure.result["points"] == 134  # 119 + the three BW-only indicators' 15
    assert procedure.result["recognitions"] == []
    (refused,) = procedure.result["recognitions_refused"]
    assert (refused["scheme"], refused["level"]) == ("ecei-gold", "gold")
    assert (refused["points"], refused["max_points"]) == (119, 150)
    assert [r["code"] for r in refused["reasons"]] == ["score_below_minimum"]
    labels = Label.objects.filter(procedure=procedure)
    assert [label.scheme_id for label in labels] == [BW]


def test_exactly_120_yields_gold():
    builder = builder_with(120)
    procedure = builder.advance_to(ProcedureState.AWARDED)
    assert procedure.result["recognitions"] == [
        {"scheme": "ecei-gold", "scheme_family": "ecei", "level": "gold"}
    ]
    assert procedure.result["recognitions_refused"] == []
    labels = Label.objects.filter(procedure=procedure).order_by("pk")
    assert [label.scheme_id for label in labels] == [BW, "ecei-gold"]


def test_a_panel_of_two_national_assessors_yields_no_gold(client):
    """BW's own rule takes any two assessors; Gold's needs one national and one foreign."""
    assessors = [UserFactory(role="assessor", country="DE") for _ in range(2)]
    builder = builder_with(150, assessors=assessors)
    procedure = builder.advance_to(ProcedureState.AWARDED)
    assert procedure.organisation.country == "DE"
    (refused,) = procedure.result["recognitions_refused"]
    assert [r["code"] for r in refused["reasons"]] == ["panel_rule_not_met"]
    assert [label.scheme_id for label in Label.objects.filter(procedure=procedure)] == [BW]
    client.force_login(builder.authority)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = text(client.get(reverse("procedures:detail", args=[procedure.pk])))
    assert (
        "The recognised scheme needs 2 assessors, one of them from DE and one from another "
        "country; the panel had 2 national and 0 foreign." in page
    )


def test_a_recognised_schemes_minimum_criterion_names_the_indicator_it_was_assessed_as():
    reason = Reason(
        "minimum_criterion_failed",
        {"indicator": "MGT-07", "value": "none", "missing": False, "assessed_as": "PRO-01"},
    )
    with translation.override("en"):
        assert describe(reason) == "Minimum criterion MGT-07 (assessed as PRO-01) is not met."
        plain = Reason("minimum_criterion_failed", {"indicator": "STR-04", "missing": False})
        assert describe(plain) == "Minimum criterion STR-04 is not met."
