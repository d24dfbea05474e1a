"""The self-assessment questionnaire, evidence uploads and evidence downloads.

The questionnaire is generated from the procedure's own scheme version. Managers of the
organisation edit it while the self-assessment is open (``services.SELF_ASSESSMENT_OPEN``);
everybody else who may see the procedure reads it. Submitting it is a step on the procedure
page, whose guard checks that every indicator is answered.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.reasons import describe
from clusterlabel.core.service_forms import run_for_form, run_service
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import UnknownId
from clusterlabel.procedures import services
from clusterlabel.procedures.models import Evidence, Procedure
from clusterlabel.procedures.presenters.self_assessment import anchor, questionnaire_page
from clusterlabel.procedures.self_assessment_forms import SelfAssessmentForm
from clusterlabel.procedures.views.common import load_procedure, refused, stored_file_response


def _is_manager(user: Any, procedure: Procedure) -> bool:
    return flow.Role.CLUSTER_MANAGER in policy.procedure_roles(user, procedure)


def _questionnaire_url(procedure: Procedure, indicator_id: str | None = None) -> str:
    url = reverse("procedures:self_assessment", args=[procedure.pk])
    return f"{url}#{anchor(indicator_id)}" if indicator_id else url


def _render(
    request: HttpRequest,
    procedure: Procedure,
    *,
    form: SelfAssessmentForm | None,
    is_manager: bool,
    kept: list[Evidence] | None = None,
) -> HttpResponse:
    context = questionnaire_page(
        procedure, form=form, is_manager=is_manager, today=timezone.localdate(), kept=kept
    )
    return render(request, "procedures/self_assessment.html", context)


def _keep_valid_uploads(
    request: AuthenticatedHttpRequest, procedure: Procedure, form: SelfAssessmentForm
) -> list[Evidence]:
    """After a failed save, store the acceptable files all the same (as a save would), so the
    user does not choose them again; a file the service refuses gets the reason at its
    field."""
    kept = []
    for indicator_id, upload in form.uploads().items():
        field = form.evidence_name(indicator_id)

        def refused_file(exc: ValidationError, field: str = field) -> None:
            form.add_error(field, exc)

        def refused_step(exc: services.ActionRefused, field: str = field) -> None:
            for reason in exc.blocked:
                form.add_error(field, describe(reason))

        outcome = run_service(
            partial(
                services.evidence_upload,
                procedure=procedure,
                actor=request.user,
                indicator_id=indicator_id,
                upload=upload,
            ),
            on={ValidationError: refused_file, services.ActionRefused: refused_step},
        )
        if outcome.value is not None:
            kept.append(outcome.value)
    return kept


# --- the questionnaire ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def self_assessment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Read the self-assessment; managers of the organisation save drafts of it while it is
    open. A save is all or nothing for the answers: any invalid value or file re-displays the
    whole form with what was typed and the reason at each field, under an error summary at the
    top of the page, and no answer is stored. The acceptable files of such a save are stored
    all the same (the summary names them), so they need not be chosen again."""
    procedure = load_procedure(request, pk, Activity.VIEW_PROCEDURE_FILE)
    user = request.user
    is_manager = _is_manager(user, procedure)
    is_open = procedure.state in services.SELF_ASSESSMENT_OPEN
    answers = {answer.indicator_id: answer for answer in procedure.answers.all()}

    if request.method != "POST":
        form = (
            SelfAssessmentForm(scheme=procedure.scheme, answers=answers)
            if is_manager and is_open
            else None
        )
        return _render(request, procedure, form=form, is_manager=is_manager)

    if not is_manager:
        raise PermissionDenied
    if not is_open:
        messages.error(
            request, describe(flow.Blocked("self_assessment_closed", {"state": procedure.state}))
        )
        return redirect("procedures:self_assessment", pk=procedure.pk)

    form = SelfAssessmentForm(request.POST, request.FILES, scheme=procedure.scheme, answers=answers)
    # A save is all or nothing for the answers; the acceptable files of a failed save are
    # stored all the same, so that nobody has to choose them again.
    if form.is_valid():
        save = partial(
            services.self_assessment_save_with_evidence,
            procedure=procedure,
            actor=user,
            values=form.changed_values(),
            comments=form.changed_comments(),
            uploads=form.uploads(),
        )
        outcome = run_for_form(form, save, on=refused(request, _questionnaire_url(procedure)))
        if outcome.response is not None:
            return outcome.response
        if outcome.value is not None:
            messages.success(request, _saved_message(*outcome.value))
            focus = request.POST.get("focus", "")
            if focus not in {i.id for i in procedure.scheme.indicators}:
                focus = ""
            return redirect(_questionnaire_url(procedure, focus or None))
    kept = _keep_valid_uploads(request, procedure, form)
    if kept:  # the page lists the procedure's evidence: read it again
        procedure = load_procedure(request, pk, Activity.VIEW_PROCEDURE_FILE)
    return _render(request, procedure, form=form, is_manager=is_manager, kept=kept)


def _saved_message(changed: int, files: int) -> str:
    if changed:
        text = ngettext(
            "Draft saved: %(count)s answer changed.",
            "Draft saved: %(count)s answers changed.",
            changed,
        ) % {"count": changed}
    elif files:
        # Only files: say what was saved first ("Draft saved: no answer changed. 36 files
        # uploaded." read as if nothing had happened).
        return ngettext(
            "%(count)s file uploaded; no answer changed.",
            "%(count)s files uploaded; no answer changed.",
            files,
        ) % {"count": files}
    else:
        text = _("Draft saved: no answer changed.")
    if files:
        text += " " + ngettext("%(count)s file uploaded.", "%(count)s files uploaded.", files) % {
            "count": files
        }
    return text


# --- evidence ------------------------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Store one file as evidence for one indicator (``indicator_id``, ``file``).

    Managers upload while the self-assessment is open, assigned assessors while they assess
    (the service decides). A refused file is reported with the reason; the user returns to the
    indicator, or to ``next`` if that is a page of this site.
    """
    procedure = load_procedure(request, pk, Activity.VIEW_PROCEDURE_FILE)
    indicator_id = request.POST.get("indicator_id", "")
    try:
        indicator = procedure.scheme.indicator(indicator_id)
    except (UnknownId, KeyError):
        return HttpResponseBadRequest(_("Unknown indicator."))
    back = _questionnaire_url(procedure, indicator.id)
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = next_url
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to upload."))
        return redirect(back)

    def not_uploaded(exc: ValidationError) -> HttpResponse:
        for message in exc.messages:
            messages.error(
                request,
                _("“%(name)s” was not uploaded: %(reason)s")
                % {"name": upload.name, "reason": message},
            )
        return redirect(back)

    outcome = run_service(
        lambda: services.evidence_upload(
            procedure=procedure, actor=request.user, indicator_id=indicator.id, upload=upload
        ),
        on={ValidationError: not_uploaded, **refused(request, back)},
    )
    evidence = outcome.value
    if evidence is None:  # refused: the handler has said why
        return outcome.response or redirect(back)
    messages.success(
        request,
        _("“%(name)s” was uploaded as evidence for %(indicator)s.")
        % {"name": evidence.original_name, "indicator": indicator.id},
    )
    return redirect(back)


@login_required
@require_GET
def evidence_download(request: AuthenticatedHttpRequest, pk: int, evidence_pk: int) -> FileResponse:
    """The stored file, as an attachment under its original name, for everybody who may see
    the procedure. Evidence of another procedure is a 404."""
    procedure = load_procedure(request, pk, Activity.VIEW_PROCEDURE_FILE)
    evidence = get_object_or_404(Evidence, pk=evidence_pk, procedure_id=procedure.pk)
    return stored_file_response(
        evidence.file, name=evidence.original_name, content_type=evidence.content_type
    )
