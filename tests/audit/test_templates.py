"""The trail as the procedure page shows it."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from clusterlabel.audit.display import MISSING, changed_values
from clusterlabel.audit.selectors import audit_events_for_procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def render(procedure_id: int) -> str:
    events = audit_events_for_procedure(procedure_id=procedure_id)
    return render_to_string("audit/includes/trail.html", {"events": events})


def test_the_trail_shows_who_what_why_and_the_change(record):
    record(
        actor=UserFactory(username="b.secretariat"),
        action="procedure.accept_application",
        procedure_id=4,
        before={"state": "applied", "fee": "4975.00", "note": "old"},
        after={"state": "contracted", "fee": "4975.00", "deadline": "2025-09-30"},
        reason="Contract signed.",
    )
    record(actor=None, action="procedure.award", procedure_id=4)
    html = render(4)

    assert '<table class="data-table audit-trail">' in html
    assert '<caption class="visually-hidden">Audit trail</caption>' in html
    assert '<th scope="col">Who</th>' in html
    assert "<td>b.secretariat</td>" in html
    assert "<td>Application accepted</td>" in html
    assert "procedure.accept_application" not in html
    assert "<td>Contract signed.</td>" in html
    assert (
        '<span class="audit-key">state</span>: <span class="visually-hidden">changed from '
        '</span><del>Application submitted</del> <span aria-hidden="true">→</span>'
        '<span class="visually-hidden"> to</span> '
        "<ins>Contract concluded, self-assessment open</ins>"
    ) in html
    assert '<span class="audit-key">deadline</span>: ' in html
    assert "set to </span>2025-09-30" in html
    assert "removed: </span><del>old</del>" in html
    assert '<span class="audit-key">fee</span>' not in html  # unchanged keys are left out
    assert "<td>System</td>" in html
    assert "<td>Label awarded</td>" in html


def test_times_are_local_and_machine_readable(record):
    event = record(action="procedure.award", procedure_id=4)
    html = render(4)
    local = timezone.localtime(event.occurred_at)
    assert f'<time datetime="{local.strftime("%Y-%m-%dT%H:%M:%S%z")}">' in html
    assert local.strftime("%m/%d/%Y") in html  # English short date format


def test_an_unknown_action_code_is_shown_as_it_is(record):
    record(action="organisation.merge_duplicates", procedure_id=5)
    assert "<td>organisation.merge_duplicates</td>" in render(5)


def test_an_empty_trail_says_so():
    html = render(6)
    assert "Nothing has been recorded yet." in html
    assert "<table" not in html


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
