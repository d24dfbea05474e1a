"""The trail as the procedure page shows it."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from clusterlabel.audit.display import MISSING, changed_values
from clusterlabel.audit.selectors import audit_events_for_procedure
from tests.factories import UserFactory
from tests.helpers import attribute, element, elements, text

pytestmark = pytest.mark.django_db


def render(procedure_id: int) -> str:
    events = audit_events_for_procedure(procedure_id=procedure_id)
    return render_to_string("audit/includes/trail.html", {"events": events})


def rows(html: str) -> list[list[str]]:
    """The trail's rows, each as the text of its cells (when, who, what, why, changes)."""
    body = element(element(html, "table", class_="audit-trail"), "tbody")
    return [[text(cell) for cell in elements(row, "td")] for row in elements(body, "tr")]


def test_the_trail_shows_who_what_why_and_the_change(record):
    record(
        actor=UserFactory(username="b.secretariat", first_name="Berta", last_name="Sekretär"),
        action="procedure.accept_application",
        procedure_id=4,
        before={"state": "applied", "fee": "4975.00", "note": "old"},
        after={"state": "contracted", "fee": "4975.00", "deadline": "2025-09-30"},
        reason="Contract signed.",
    )
    record(actor=None, action="procedure.award", procedure_id=4)
    html = render(4)

    table = element(html, "table", class_="audit-trail")
    assert attribute(table, "class") == "audit-trail data-table"
    assert text(element(table, "caption", class_="visually-hidden")) == "Audit trail"
    assert [text(heading) for heading in elements(table, "th", scope="col")] == [
        "When",
        "Who",
        "What",
        "Why",
        "Changes",
    ]
    accepted, awarded = rows(html)
    # The person's name, not the account's user name.
    assert accepted[1:4] == ["Berta Sekretär", "Application accepted", "Contract signed."]
    assert "procedure.accept_application" not in text(html)
    assertInHTML(
        '<li><span class="audit-key">state</span>: <span class="visually-hidden">changed from '
        '</span><del>Application submitted</del> <span aria-hidden="true">→</span>'
        '<span class="visually-hidden"> to</span> '
        "<ins>Contract concluded, self-assessment open</ins></li>",
        html,
    )
    assertInHTML(
        '<li><span class="audit-key">deadline</span>: '
        '<span class="visually-hidden">set to </span>30 September 2025</li>',
        html,
    )
    assertInHTML(
        '<li><span class="audit-key">note</span>: '
        '<span class="visually-hidden">removed: </span><del>old</del></li>',
        html,
    )
    # The unchanged fee is left out.
    keys = [text(key) for key in elements(html, "span", class_="audit-key")]
    # (PostgreSQL's jsonb keeps keys in its own order, so the order is not asserted.)
    assert sorted(keys) == ["deadline", "note", "state"]
    assert awarded[1:] == ["System", "Label awarded", "", ""]


def test_times_are_local_and_machine_readable(record):
    event = record(action="procedure.award", procedure_id=4)
    time = element(render(4), "time")
    local = timezone.localtime(event.occurred_at)
    assert attribute(time, "datetime") == local.strftime("%Y-%m-%dT%H:%M:%S%z")
    assert text(time).startswith(local.strftime("%d/%m/%Y"))  # English short date, day first


def test_an_unknown_action_code_is_shown_as_it_is(record):
    record(action="organisation.merge_duplicates", procedure_id=5)
    assert rows(render(5))[0][2] == "organisation.merge_duplicates"


def test_an_empty_trail_says_so():
    html = render(6)
    assert text(element(html, "p", class_="audit-trail-empty")) == "Nothing has been recorded yet."
    assert not elements(html, "table")


def test_changed_values_lists_only_differences_in_key_order():
    changes = changed_values({"a": 1, "b": 2, "c": 3}, {"c": 4, "a": 1, "d": 5})
    assert [(c.key, c.before, c.after) for c in changes] == [
        ("b", 2, MISSING),
        ("c", 3, 4),
        ("d", MISSING, 5),
    ]
    assert [(c.added, c.removed) for c in changes] == [(False, True), (False, False), (True, False)]
    assert changed_values(None, None) == []
    assert [(c.key, c.before, c.after) for c in changed_values(None, {"x": 1})] == [
        ("x", MISSING, 1)
    ]
