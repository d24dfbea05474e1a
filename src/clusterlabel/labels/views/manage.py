"""Managing an issued label: suspend, reinstate, revoke, with the label's history. Only for
the awarding authority and the secretariat; to everyone else the page does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterlabel.access.policy import Activity, can
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.service_forms import run_for_form
from clusterlabel.labels import services
from clusterlabel.labels.models import LabelState
from clusterlabel.labels.presenters.manage import ACTIONS, manage_page
from clusterlabel.labels.selectors import label_by_number, label_history, label_recognitions


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

    context = manage_page(
        label,
        forms_by_action=forms_by_action,
        posted=posted,
        history=label_history(label),
        recognised=label_recognitions(label),
        user=user,
    )
    return render(request, "labels/manage.html", context)
