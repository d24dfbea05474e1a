"""The audit trail's values in words: people by name, dates in the reader's language and time
zone, money with its currency, schemes, levels, countries, regions and states by their names;
and a page of events reads the people and schemes with one query each, however many events."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.presenter import present_trail, value_in_words
from clusterlabel.audit.selectors import audit_events_for_procedure
from tests.factories import UserFactory
from tests.helpers import element, elements, text

pytestmark = pytest.mark.django_db

Record = Callable[..., AuditEvent]


def changes(event: AuditEvent) -> dict[str, tuple[str, str]]:
    """key -> (before, after) as the presenter words them."""
    (shown,) = present_trail([event])
    return {change.key: (change.before, change.after) for change in shown.changes}


def test_people_are_named_by_their_full_names(record: Record) -> None:
    decider = UserFactory(first_name="Dora", last_name="Entscheider")
    UserFactory(username="a.first", first_name="Anna", last_name="Erste")
    UserFactory(username="b.second", first_name="Bernd", last_name="Zweiter")
    event = record(
        actor=decider,
        procedure_id=7,
        before={"decided_by": None, "assessors": []},
        after={"decided_by": decider.pk, "assessors": ["a.first", "b.second"]},
    )
    words = changes(event)
    assert words["decided_by"][1] == "Dora Entscheider"
    assert words["assessors"][1] == "Anna Erste, Bernd Zweiter"
    assert present_trail([event])[0].actor == "Dora Entscheider"


def test_a_person_without_a_name_is_shown_by_the_user_name(record: Record) -> None:
    nameless = UserFactory(username="c.plain", first_name="", last_name="")
    event = record(procedure_id=7, after={"decided_by": nameless.pk})
    assert changes(event)["decided_by"][1] == "c.plain"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "4 December 2026, 20:42"), ("de", "4. Dezember 2026 20:42")],
)
def test_a_stored_moment_reads_in_the_local_time_zone(
    record: Record, language: str, expected: str
) -> None:
    event = record(procedure_id=7, after={"decided_at": "2026-12-04T19:42:51.446774Z"})
    with translation.override(language):
        assert changes(event)["decided_at"][1] == expected  # Berlin is UTC+1 in December


@pytest.mark.parametrize(("language", "expected"), [("en", "€4,975.00"), ("de", "4.975,00 €")])
def test_money_reads_with_its_currency(record: Record, language: str, expected: str) -> None:
    event = record(procedure_id=7, after={"fee_net": "4975.00", "fee_currency": "EUR"})
    with translation.override(language):
        assert changes(event)["fee_net"][1] == expected


def test_scheme_and_level_read_as_their_names(record: Record, loaded_schemes: Any) -> None:
    event = record(
        procedure_id=7,
        after={"scheme": "bw-cluster-excellence 2026.1", "level": "label", "process": "initial"},
    )
    with translation.override("de"):
        words = changes(event)
    assert words["scheme"][1] == "Cluster-Exzellenz Baden-Württemberg"
    assert words["level"][1] == "Cluster-Exzellenz Baden-Württemberg"
    with translation.override("en"):
        assert changes(event)["scheme"][1] == "Cluster Excellence Baden-Württemberg"


def test_an_unknown_scheme_stays_as_stored(record: Record, loaded_schemes: Any) -> None:
    event = record(procedure_id=7, after={"scheme": "gone 1999.1", "level": "gold"})
    assert changes(event) == {"scheme": ("", "gone 1999.1"), "level": ("", "gold")}


def test_countries_regions_and_states_read_as_names() -> None:
    with translation.override("de"):
        assert value_in_words("NL", "country") == "Niederlande"
        assert value_in_words("DE-BW", "region") == "Baden-Württemberg"
        assert value_in_words("applied", "state") == "Antrag eingereicht"
    with translation.override("en"):
        assert value_in_words("NL", "country") == "Netherlands"
        assert value_in_words("applied", "state") == "Application submitted"


def test_the_trail_reads_people_and_schemes_once_for_every_event(
    record: Record, loaded_schemes: Any, django_assert_num_queries: Any
) -> None:
    def add_events(count: int) -> None:
        for _ in range(count):
            person = UserFactory()
            record(
                actor=person,
                procedure_id=9,
                before={"decided_by": None},
                after={
                    "decided_by": person.pk,
                    "assessors": [UserFactory().username],
                    "scheme": "bw-cluster-excellence 2026.1",
                    "level": "label",
                },
            )

    def render() -> str:
        events = audit_events_for_procedure(procedure_id=9)
        return render_to_string("audit/includes/trail.html", {"events": events})

    add_events(2)
    # the events with their actors, the people named in the values, the scheme versions
    with django_assert_num_queries(3):
        render()
    add_events(10)
    with django_assert_num_queries(3):
        html = render()
    body = element(element(html, "table", class_="audit-trail"), "tbody")
    assert len(elements(body, "tr")) == 12
    assert "bw-cluster-excellence" not in text(html)
