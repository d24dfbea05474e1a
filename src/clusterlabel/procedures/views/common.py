"""Helpers shared by the procedure views: loading with the permission check, error display."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from clusterlabel.access.policy import Activity, can
from clusterlabel.core.reasons import describe
from clusterlabel.core.service_forms import Handlers, run_for_form
from clusterlabel.procedures.assessment_forms import ConflictForm
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


def refused(request: HttpRequest, back: str | None = None) -> Handlers:
    """The handler ``run_for_form`` / ``run_service`` take for a step the domain refused: every
    reason as an error message, then a redirect to the URL ``back``, or the page shown again
    when ``back`` is None."""

    def report(exc: ActionRefused) -> HttpResponse | None:
        report_refusal(request, exc)
        return redirect(back) if back else None

    return {ActionRefused: report}


def conflict_declaration_post(
    request: HttpRequest,
    form: forms.Form,
    *,
    declare: Callable[..., object],
    retry: str,
    done_none: str,
    done_conflict: str,
    conflict_message: str,
) -> HttpResponse | None:
    """Run a conflict-of-interest declaration (assessor or board member) from a bound
    ``ConflictForm``: ``declare(no_conflict=..., note=...)`` is the service. Returns the
    redirect when the declaration is recorded (to ``done_none`` or ``done_conflict``) or
    refused (back to ``retry``, with the reasons); ``None`` when the form is to be shown again
    with its errors."""
    if not form.is_valid():
        return None
    no_conflict = form.cleaned_data["declaration"] == ConflictForm.NO_CONFLICT
    outcome = run_for_form(
        form,
        lambda: declare(no_conflict=no_conflict, note=form.cleaned_data["note"]),
        on=refused(request, retry),
    )
    if not outcome.ok:
        return outcome.response
    if no_conflict:
        messages.success(request, _("You have declared that you have no conflict of interest."))
        return redirect(done_none)
    messages.success(request, conflict_message)
    return redirect(done_conflict)


def stored_file_response(file: File, *, name: str, content_type: str) -> FileResponse:
    """An uploaded file as an attachment under its original name: never rendered by the
    browser (no sniffing, a sandbox), never kept by a shared cache; a file missing from the
    storage is a 404."""
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
