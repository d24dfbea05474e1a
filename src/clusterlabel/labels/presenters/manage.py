"""What the page that manages an issued label shows: one form per state change the label
allows now (and the one just posted, with its errors), and the label's history in words."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from clusterlabel.access.policy import Activity, can
from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.presenter import present_trail
from clusterlabel.domain.labels import may_change
from clusterlabel.labels.forms import LabelRevokeForm, LabelStateChangeForm
from clusterlabel.labels.models import Label, LabelState


@dataclass(frozen=True)
class StateAction:
    name: str
    new_state: LabelState
    form_class: type[forms.Form]
    heading: Promise
    explanation: Promise
    button: Promise
    done: Promise
    danger: bool = False


ACTIONS = {
    action.name: action
    for action in (
        StateAction(
            "suspend",
            LabelState.SUSPENDED,
            LabelStateChangeForm,
            gettext_lazy("Suspend the label"),
            gettext_lazy(
                "While suspended, the label is shown as not valid on the verification page, "
                "the badge and the certificate. It can be reinstated later."
            ),
            gettext_lazy("Suspend"),
            gettext_lazy("The label has been suspended."),
        ),
        StateAction(
            "reinstate",
            LabelState.ACTIVE,
            LabelStateChangeForm,
            gettext_lazy("Reinstate the label"),
            gettext_lazy("End the suspension: the label is valid again until its end date."),
            gettext_lazy("Reinstate"),
            gettext_lazy("The label has been reinstated."),
        ),
        StateAction(
            "revoke",
            LabelState.REVOKED,
            LabelRevokeForm,
            gettext_lazy("Revoke the label"),
            gettext_lazy(
                "A revoked label is no longer valid, and a revocation cannot be undone. The "
                "revocation is published in the status list that credential verifiers read."
            ),
            gettext_lazy("Revoke"),
            gettext_lazy("The label has been revoked."),
            danger=True,
        ),
    )
}

EVENT_LABELS = {
    "label.issue": gettext_lazy("Issued"),
    "label.renew": gettext_lazy("Issued as a renewal"),
    "label.suspend": gettext_lazy("Suspended"),
    "label.reinstate": gettext_lazy("Reinstated"),
    "label.revoke": gettext_lazy("Revoked"),
}


def manage_page(
    label: Label,
    *,
    forms_by_action: Mapping[str, forms.Form],
    posted: StateAction | None,
    history: Iterable[AuditEvent],
    recognised: Iterable[Label] = (),
    user: Any = None,
) -> dict[str, Any]:
    """The label, a section per state change it allows now (and the ``posted`` one, so its
    errors stay in sight even once the change is no longer possible), and its ``history``.

    Each section names, before anything is confirmed, the ``recognised`` labels (those
    recognised with this one) that the change changes too (``changes_too``: the ones whose
    state allows it, as ``labels.services.label_change_state`` decides), and among them those
    ``user`` may not change (``refused``: the change would then be refused as a whole)."""
    recognised = list(recognised)
    sections = []
    for name, action in ACTIONS.items():
        if not (may_change(label.state, action.new_state) or action is posted):
            continue
        changes_too = [r for r in recognised if may_change(r.state, action.new_state)]
        refused = [
            r.certificate_number
            for r in changes_too
            if user is not None and not can(user, Activity.MANAGE_LABEL, r)
        ]
        sections.append(
            {
                "action": action,
                "form": forms_by_action[name],
                "changes_too": changes_too,
                "refused": refused,
            }
        )
    # present_trail names the actors (their full names, one query for all events).
    events = [
        {
            "event": shown.event,
            "label": EVENT_LABELS.get(shown.event.action, shown.event.action),
            "actor": shown.actor,
        }
        for shown in present_trail(history)
    ]
    return {"label": label, "status": label.status, "sections": sections, "events": events}
