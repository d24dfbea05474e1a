"""Helpers shared by the procedure views: loading with the permission check, error display."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest

from clusterlabel.access.policy import Activity, can
from clusterlabel.core.reasons import describe
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.selectors import procedure_get
from clusterlabel.procedures.services import ActionRefused


def load_procedure(
    request: HttpRequest, pk: int, activity: Activity = Activity.VIEW_PROCEDURE
) -> Procedure:
    """The procedure, if the user may carry out ``activity`` on it (by default: see it).
    Someone else's procedure is a 404, not a 403, so its existence is not revealed."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    try:
        procedure = procedure_get(pk=pk)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    if not can(request.user, activity, procedure):
        raise Http404
    return procedure


def report_refusal(request: HttpRequest, exc: ActionRefused) -> None:
    for blocked in exc.blocked:
        messages.error(request, describe(blocked))


def add_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ``ValidationError`` on the form: at its field where the form has one,
    otherwise above the form."""
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
