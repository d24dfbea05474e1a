"""The scheduling's background work: the invitations (.ics rendered per participant's
language) are a task queued when the appointment's transaction commits, like the procedure's
e-mails (``procedures.tasks``): with a worker the web request renders and sends nothing."""

from __future__ import annotations

from django_tasks import task

from clusterlabel.scheduling.notifications import send_invitations


@task()
def send_invitations_task(appointment_id: int) -> int:
    """``send_invitations``: the invitation to everyone taking part; how many were queued."""
    return send_invitations(appointment_id=appointment_id)
