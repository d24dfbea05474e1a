"""The report page (the panel writes and agrees; the board, the authority and, once decided,
the organisation read), its PDF, the organisation's feedback and the scheme's aggregate.

Every page asks the policy (``clusterlabel.access.policy``): a procedure the person may not
read the report of is a 404 (its existence is not revealed); every write goes through one
service.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import current_language
from clusterlabel.domain.report import FeedbackRefused, FindingKind, ReportError
from clusterlabel.labels.certificates.decision_letter import decision_letter_language
from clusterlabel.procedures.models import Procedure
from clusterlabel.reports import services
from clusterlabel.reports.forms import AgreeForm, FeedbackForm, FindingsForm, lines
from clusterlabel.reports.messages import refusal_text
from clusterlabel.reports.pdf import report_pdf_bytes
from clusterlabel.reports.presenters import (
    FEEDBACK_QUESTIONS,
    CategorySection,
    ReportView,
    report_view,
)
from clusterlabel.reports.selectors import (
    current_scheme_versions,
    feedback_counts,
    feedback_summary,
    report_data,
    report_procedure,
)


def _procedure(request: AuthenticatedHttpRequest, pk: int, activity: Activity) -> Procedure:
    try:
        procedure = report_procedure(pk=pk)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    if not policy.can(request.user, activity, procedure):
        raise Http404
    return procedure


def _findings_forms(
    view: ReportView, kept: FindingsForm | None = None
) -> list[tuple[CategorySection, FindingsForm | None]]:
    """One form per category, filled with the findings as stored; ``kept`` (a refused post of
    one category, at the current revision) is shown as the assessor typed it."""
    forms: list[tuple[CategorySection, FindingsForm | None]] = []
    for section in view.sections:
        prefix = f"c-{section.category_id}"
        if kept is not None and kept.prefix == prefix:
            forms.append((section, kept))
            continue
        initial: dict[str, object] = {
            "category_id": section.category_id,
            "revision": view.revision,
        }
        initial.update({kind.value: "\n".join(section.findings.of(kind)) for kind in FindingKind})
        forms.append((section, FindingsForm(initial=initial, prefix=prefix)))
    return forms


def _agree(request: AuthenticatedHttpRequest, procedure: Procedure) -> None:
    form = AgreeForm(request.POST)
    if not form.is_valid():
        raise ReportError("summary_missing")
    services.structured_report_agree(
        procedure=procedure,
        actor=request.user,
        summary=form.cleaned_data["summary"],
        based_on_revision=form.cleaned_data["revision"],
    )
    messages.success(request, _("You agree to the report as it stands."))


def _save_findings(
    request: AuthenticatedHttpRequest, form: FindingsForm, procedure: Procedure
) -> None:
    if not form.is_valid():
        raise Http404
    services.findings_save(
        procedure=procedure,
        actor=request.user,
        category_id=form.cleaned_data["category_id"],
        strengths=lines(form.cleaned_data["strengths"]),
        weaknesses=lines(form.cleaned_data["weaknesses"]),
        recommendations=lines(form.cleaned_data["recommendations"]),
        based_on_revision=form.cleaned_data["revision"],
    )
    messages.success(request, _("The findings have been saved."))


@login_required
@never_cache
def report_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The structured report. The panel (``Activity.AGREE_REPORT``) edits one category's
    findings per post (``services.findings_save``) and agrees (``services.structured_report_
    agree``); everyone else who may read it (``Activity.READ_REPORT``) reads."""
    procedure = _procedure(request, pk, Activity.READ_REPORT)
    user = request.user
    editable = policy.can(user, Activity.AGREE_REPORT, procedure)
    status = 200
    kept: FindingsForm | None = None
    if request.method == "POST":
        if not editable:
            raise Http404
        findings_form = FindingsForm(
            request.POST, prefix=f"c-{request.POST.get('category_id', '')}"
        )
        try:
            if request.POST.get("action") == "agree":
                _agree(request, procedure)
            else:
                _save_findings(request, findings_form, procedure)
            return redirect("reports:report", pk=procedure.pk)
        except ReportError as error:
            names = {c.id: c.name.get(current_language()) for c in procedure.scheme.categories}
            messages.error(request, refusal_text(error, names))
            if error.code == "report_revision_conflict":
                status = 409  # the forms show the report as it stands now
            else:
                status = 400
                kept = (
                    findings_form if findings_form.is_bound and findings_form.is_valid() else None
                )
        procedure = report_procedure(pk=pk)
    view = report_view(report_data(procedure), current_language())
    context = {
        "procedure": procedure,
        "report": view,
        "editable": editable,
        "sections": _findings_forms(view, kept) if editable else [(s, None) for s in view.sections],
        "agree_form": AgreeForm(initial={"revision": view.revision, "summary": view.summary})
        if editable
        else None,
        "may_give_feedback": policy.can(user, Activity.GIVE_FEEDBACK, procedure)
        and view.feedback is None,
    }
    return render(request, "reports/report.html", context, status=status)


@login_required
@require_GET
@never_cache  # private: the assessment of one organisation
def report_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The report as PDF for whoever may read it, in ``?lang=`` or the organisation's language
    (its first manager's), set in the embedded Unicode font."""
    procedure = _procedure(request, pk, Activity.READ_REPORT)
    language = decision_letter_language(procedure, request.GET.get("lang"))
    view = report_view(report_data(procedure), language)  # type: ignore[arg-type]
    response = HttpResponse(
        report_pdf_bytes(view, language=language), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{procedure.reference}-report.pdf"'
    response["Content-Language"] = language
    return response


@login_required
@never_cache
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The organisation's managers rate the procedure and the panel, once, after the decision
    (``services.feedback_give``). Someone who cannot see the procedure gets a 404; someone who
    sees it but is not its manager a 403; a manager before the decision or a second time the
    page with the reason, and nothing is stored."""
    procedure = _procedure(request, pk, Activity.VIEW_PROCEDURE)
    user = request.user
    if policy.GrantRole.CLUSTER_MANAGER not in policy.roles_on(user, procedure):
        raise PermissionDenied
    data = report_data(procedure)
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    refusal = ""
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.feedback_give(
                procedure=procedure,
                actor=user,
                ratings={name: form.cleaned_data[name] for name in FEEDBACK_QUESTIONS},
                comment=form.cleaned_data["comment"],
            )
        except FeedbackRefused as error:
            refusal = refusal_text(error)
            status = 400
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect("reports:feedback", pk=procedure.pk)
    elif request.method == "POST":
        status = 400
    if (
        not refusal
        and data.feedback is None
        and not policy.can(user, Activity.GIVE_FEEDBACK, procedure)
    ):
        refusal = refusal_text(FeedbackRefused("not_decided"))
    context = {
        "procedure": procedure,
        "form": form,
        "given": data.feedback,
        "refusal": refusal,
        "questions": FEEDBACK_QUESTIONS,
    }
    return render(request, "reports/feedback.html", context, status=status)


@login_required
@never_cache
def feedback_overview(request: AuthenticatedHttpRequest, scheme_id: str) -> HttpResponse:
    """A scheme's feedback in aggregate, for its secretariat and its operator's administrators
    (``Activity.READ_FEEDBACK``); anyone else gets a 404."""
    if not policy.can(request.user, Activity.READ_FEEDBACK, scheme_id):
        raise Http404
    summary = feedback_summary(scheme_id)
    version = next((v for v in current_scheme_versions() if v.scheme_id == scheme_id), None)
    context = {
        "summary": summary,
        "scheme_name": version.name(current_language()) if version else scheme_id,
        "questions": FEEDBACK_QUESTIONS,
    }
    return render(request, "reports/feedback_summary.html", context)


@login_required
@never_cache
def feedback_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The schemes whose feedback aggregate the person reads (``Activity.READ_FEEDBACK``), each
    with how many organisations gave feedback; a 404 for someone who reads none."""
    counts = feedback_counts()
    language = current_language()
    schemes = [
        (version.scheme_id, version.name(language), counts.get(version.scheme_id, 0))
        for version in current_scheme_versions()
        if policy.can(request.user, Activity.READ_FEEDBACK, version)
    ]
    if not schemes:
        raise Http404
    return render(request, "reports/feedback_index.html", {"schemes": schemes})
