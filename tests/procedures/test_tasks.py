"""A step's e-mails are tasks: with a worker (a backend that runs tasks later) the commit queues
them and the web request renders and sends nothing; the worker's run sends them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings
from django_tasks import default_task_backend

from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.tasks import notify_step_task
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_the_decision_is_queued_and_sent_by_the_worker(django_capture_on_commit_callbacks):
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    mail.outbox.clear()
    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            services.procedure_decide(
                procedure=procedure, actor=builder.authority, award=True, reason="Glückwunsch"
            )
        (queued,) = [
            r for r in default_task_backend.results if r.task.func is notify_step_task.func
        ]
        assert queued.args == [procedure.pk, "award"]
    assert mail.outbox == []  # nothing rendered or sent in the request
    # The worker's run: the organisation gets the decision with its letter.
    assert notify_step_task.call(*queued.args) > 0
    (to_manager,) = [m for m in mail.outbox if builder.manager.email in m.to]
    assert [name for name, _content, _type in to_manager.attachments] == [
        f"{procedure.reference}-decision.pdf"
    ]


def test_a_rolled_back_step_queues_nothing(django_capture_on_commit_callbacks):
    builder = ProcedureBuilder()
    procedure = builder.advance_to(ProcedureState.AWAITING_DECISION)
    with override_settings(TASKS=DUMMY_TASKS):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.procedure_decide(
                procedure=procedure, actor=builder.authority, award=True, reason="x"
            )
        # Only a commit runs the callbacks; none ran here, so no task exists.
        assert callbacks and default_task_backend.results == []
