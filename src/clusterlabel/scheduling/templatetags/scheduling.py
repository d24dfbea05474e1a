"""``{% appointment_section procedure %}``: the assessment appointment and its history on the
procedure page (which the procedures app renders without knowing scheduling), for those the
policy lets see it (``VIEW_APPOINTMENT``: the panel, the organisation's managers, the
secretariat). One query for the versions."""

from __future__ import annotations

from typing import Any

from django import template

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.scheduling.selectors import appointments_of

register = template.Library()


@register.inclusion_tag("scheduling/includes/appointment_section.html", takes_context=True)
def appointment_section(context: template.Context, procedure: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if (
        user is None
        or procedure is None
        or not policy.can(user, Activity.VIEW_APPOINTMENT, procedure)
    ):
        return {"visible": False}
    versions = appointments_of(procedure)
    current = versions[0] if versions else None
    return {
        "visible": True,
        "procedure": procedure,
        "current": current,
        # The panel page (``panel_propose``) sets the date without an appointment: say so
        # rather than show two dates as if they agreed.
        "date_moved": current is not None and procedure.assessment_date != current.start_date,
        "history": versions[1:],
        "may_schedule": policy.can(user, Activity.PROPOSE_APPOINTMENT, procedure)
        or policy.can(user, Activity.FIX_APPOINTMENT, procedure),
    }
