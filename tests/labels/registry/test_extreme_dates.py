"""Dates at the ends of the calendar (0001-01-01, 9999-12-31) in the registry, its exports and
the statistics: reported on the field like any other unusable date, never a server error."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import OrganisationFactory
from tests.helpers import elements, parsed, text
from tests.labels.registry.test_registry import make_label, numbers

pytestmark = pytest.mark.django_db

EXTREMES = ["9999-12-31", "0001-01-01", "9999-12-30", "0001-01-02"]


@pytest.fixture
def versions(loaded_schemes):
    return loaded_schemes


@pytest.fixture
def one_label(versions):
    today = timezone.localdate()
    return make_label(
        OrganisationFactory(cluster_name="Nordcluster"),
        "ecei-gold",
        today - timedelta(days=10),
        versions=versions,
    )


@pytest.mark.parametrize("day", EXTREMES)
def test_the_registry_reports_a_date_outside_the_calendar_it_covers(english_client, one_label, day):
    response = english_client.get(reverse("labels:registry"), {"valid_on": day})
    assert response.status_code == 200
    (message,) = response.context["form"].errors["valid_on"]
    assert f"“{day}” lies outside the dates the registry covers" in message
    (alert,) = elements(parsed(response), role="alert")
    assert "lies outside the dates the registry covers" in text(alert)
    # the unusable filter is left out: the label is still listed
    assert numbers(response) == [one_label.certificate_number]


@pytest.mark.parametrize("fmt", ["csv", "json"])
@pytest.mark.parametrize("day", EXTREMES)
def test_the_exports_refuse_a_date_outside_the_calendar_with_the_reason(
    english_client, one_label, fmt, day
):
    response = english_client.get(reverse("labels:registry_export", args=[fmt]), {"valid_on": day})
    assert response.status_code == 400
    assert "lies outside the dates the registry covers" in response.content.decode()


@pytest.mark.parametrize("day", EXTREMES)
def test_the_statistics_report_a_date_outside_the_calendar(english_client, one_label, day):
    response = english_client.get(
        reverse("labels:statistics"), {"ask-on": day, "ask-label": "family:ecei"}
    )
    assert response.status_code == 200
    assert "lies outside the dates the registry covers" in response.content.decode()


def test_the_last_day_the_registry_covers_is_still_accepted(english_client, one_label):
    response = english_client.get(reverse("labels:registry"), {"valid_on": "2999-12-31"})
    assert response.status_code == 200
    assert "valid_on" not in response.context["form"].errors
