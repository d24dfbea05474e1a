"""Reading a procedure's trail."""

from __future__ import annotations

import pytest

from clusterlabel.audit.selectors import audit_events_for_procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_procedures_trail_is_its_own_events_in_order_in_one_query(
    record, django_assert_num_queries
):
    manager, secretariat = UserFactory(username="manager"), UserFactory(username="secretariat")
    record(actor=manager, action="procedure.submit_application", procedure_id=1)
    record(actor=manager, action="procedure.submit_application", procedure_id=2)
    record(actor=secretariat, action="procedure.request_changes", procedure_id=1)
    record(actor=None, action="label.suspend")
    record(actor=manager, action="procedure.resubmit_application", procedure_id=1)
    for n in range(10):
        record(actor=secretariat, action="score.change", procedure_id=2, after={"value": n})

    with django_assert_num_queries(1):
        events = list(audit_events_for_procedure(procedure_id=1))
        seen = [(event.sequence, event.action, event.actor.username) for event in events]
    assert seen == [
        (1, "procedure.submit_application", "manager"),
        (3, "procedure.request_changes", "secretariat"),
        (5, "procedure.resubmit_application", "manager"),
    ]
    assert list(audit_events_for_procedure(procedure_id=3)) == []
