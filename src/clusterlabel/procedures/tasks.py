"""The procedure's background work: the e-mails a step sends, with the documents they carry.

Queued when the step's transaction commits (``services.transition``): with the immediate task
backend (the demo, the tests, a small installation) they run at once in the same process; with
the database backend a worker (``clusterlabel db_worker``) runs them, so the web request neither
renders the letters nor waits for anything. A task that fails is recorded as failed among the
task results; the step it reports on stands.
"""

from __future__ import annotations

from django_tasks import task

from clusterlabel.procedures.notifications import notify_panel, notify_step


@task()
def notify_step_task(procedure_id: int, action: str) -> int:
    """``notify_step``: tell whoever acts next; the decision, with its letter, to the
    organisation. Returns how many e-mails were queued."""
    return notify_step(procedure_id=procedure_id, action=action)


@task()
def notify_panel_task(procedure_id: int) -> int:
    """``notify_panel``: ask a new panel's assessors to declare conflicts of interest."""
    return notify_panel(procedure_id=procedure_id)
