"""Managing an issued label: suspend, reinstate, revoke, with the label's history. Only for
the awarding authority and the secretariat; to everyone else the page does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from clusterlabel.access.policy import Activity, can
from clusterlabel.audit.models import AuditEvent
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.service_forms import run_for_form
from clusterlabel.domain.labels import may_change
from clusterlabel.labels import services
from clusterlabel.labels.forms import LabelRevokeForm, LabelStateChangeForm
from clusterlabel.labels.models import Label, LabelState
from clusterlabel.labels.selectors import label_by_number


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


def label_history(label: Label) -> QuerySet[AuditEvent]:
    """The audit events recorded for ``label``, oldest first (one query, no joins needed:
    ``actor_label`` is the actor's name at the time)."""
    return AuditEvent.objects.filter(target_type="labels.label", target_id=str(label.pk)).order_by(
        "sequence"
    )


def _not_found(exc: PermissionDenied) -> HttpResponse:
    raise Http404 from exc  # the role check in the view makes a refusal here unreachable


@login_required
@require_http_methods(["GET", "POST"])
def label_manage(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The label, its history, and one form per state change the label allows now. Every
    change needs a reason; a revocation also needs an explicit confirmation."""
    user = request.user
    label = label_by_number(number)
    if not can(user, Activity.MANAGE_LABEL, label):
        raise Http404

    posted = None
    if request.method == "POST":
        posted = ACTIONS.get(request.POST.get("action", ""))
        if posted is None:
            return HttpResponseBadRequest(_("Unknown action."))
    forms_by_action = {
        name: action.form_class(request.POST if posted is action else None, prefix=name)
        for name, action in ACTIONS.items()
    }
    if posted is not None:
        form = forms_by_action[posted.name]
        if form.is_valid():
            outcome = run_for_form(
                form,
                lambda: services.label_change_state(
                    label=label,
                    actor=user,
                    new_state=posted.new_state,
                    reason=form.cleaned_data["reason"],
                ),
                on={PermissionDenied: _not_found},
            )
            if outcome.ok:
                messages.success(request, str(posted.done))
                return redirect("labels:manage", number=label.certificate_number)
            label.refresh_from_db()
            if label.state == LabelState.REVOKED:
                form.add_error(
                    None,
                    _(
                        "This label has been revoked. A revocation is final: the label "
                        "cannot be reinstated or suspended."
                    ),
                )

    sections = [
        {"action": action, "form": forms_by_action[name]}
        for name, action in ACTIONS.items()
        if may_change(label.state, action.new_state) or action is posted
    ]
    events = [
        {"event": event, "label": EVENT_LABELS.get(event.action, event.action)}
        for event in label_history(label)
    ]
    return render(
        request,
        "labels/manage.html",
        {"label": label, "status": label.status, "sections": sections, "events": events},
    )
