"""The self-assessment questionnaire, evidence uploads and evidence downloads.

The questionnaire is generated from the procedure's own scheme version. Managers of the
organisation edit it while the self-assessment is open (``services.SELF_ASSESSMENT_OPEN``);
everybody else who may see the procedure reads it. Submitting it is a step on the procedure
page, whose guard checks that every indicator is answered.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
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
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.errors import InvalidIndicatorValues, UnknownId
from clusterlabel.domain.schemes import Category, Indicator
from clusterlabel.procedures import services
from clusterlabel.procedures.facts import procedure_rules
from clusterlabel.procedures.models import Evidence, Procedure, SelfAssessmentAnswer
from clusterlabel.procedures.selectors import procedure_deadline
from clusterlabel.procedures.self_assessment_forms import EVIDENCE_ACCEPT, SelfAssessmentForm
from clusterlabel.procedures.uploads import ALLOWED_TYPES, max_upload_bytes
from clusterlabel.procedures.values import from_json
from clusterlabel.procedures.views.common import load_procedure, report_refusal


def _is_manager(user: Any, procedure: Procedure) -> bool:
    return flow.Role.CLUSTER_MANAGER in policy.procedure_roles(user, procedure)


def _anchor(indicator_id: str) -> str:
    return f"indicator-{indicator_id}"


def _questionnaire_url(procedure: Procedure, indicator_id: str | None = None) -> str:
    url = reverse("procedures:self_assessment", args=[procedure.pk])
    return f"{url}#{_anchor(indicator_id)}" if indicator_id else url


# --- what the page shows -------------------------------------------------------------------


@dataclass
class IndicatorRow:
    indicator: Indicator
    anchor: str
    answer: SelfAssessmentAnswer | None
    value: Any  # the domain value: Decimal, bool, choice id or None
    choice_name: Any  # the chosen choice's Text, for choice indicators
    evidence: list[Evidence]
    value_field: Any = None
    comment_field: Any = None
    evidence_field: Any = None

    @property
    def answered(self) -> bool:
        return self.value is not None

    @property
    def comment(self) -> str:
        return self.answer.comment if self.answer else ""

    @property
    def evidence_missing(self) -> bool:
        return self.indicator.evidence_required and not self.evidence


@dataclass
class CategorySection:
    category: Category
    rows: list[IndicatorRow] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answered)

    @property
    def total(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class SelfAssessmentDue:
    """When the self-assessment is due, and whether that has passed while it is still open."""

    due: date
    overdue: bool
    days_left: int
    from_assessment_date: bool
    days_before_assessment: int

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def _due(procedure: Procedure, *, is_open: bool, today: date) -> SelfAssessmentDue | None:
    rules = procedure_rules(procedure)
    days_before = rules.self_assessment_due_days_before_assessment
    if procedure.assessment_date:
        due = flow.self_assessment_due_date(procedure.assessment_date, rules)
        return SelfAssessmentDue(
            due=due,
            overdue=is_open and today > due,
            days_left=(due - today).days,
            from_assessment_date=True,
            days_before_assessment=days_before,
        )
    # Before the contract nothing is owed yet, and after the submission the procedure's
    # deadline belongs to the next step, not to the self-assessment.
    if procedure.state != flow.State.CONTRACTED:
        return None
    deadline = procedure_deadline(procedure, today=today)
    if deadline is None:
        return None
    return SelfAssessmentDue(
        due=deadline.due,
        overdue=deadline.overdue,
        days_left=deadline.days_left,
        from_assessment_date=False,
        days_before_assessment=days_before,
    )


def _sections(procedure: Procedure, form: SelfAssessmentForm | None) -> list[CategorySection]:
    """The questionnaire by category, from the prefetched answers and evidence (no query per
    indicator)."""
    scheme = procedure.scheme
    answers = {answer.indicator_id: answer for answer in procedure.answers.all()}
    evidence: dict[str, list[Evidence]] = defaultdict(list)
    for item in procedure.evidence.all():
        evidence[item.indicator_id].append(item)
    sections = []
    for category in scheme.categories:
        section = CategorySection(category=category)
        for indicator in scheme.indicators_in(category.id):
            answer = answers.get(indicator.id)
            value = from_json(indicator, answer.value) if answer else None
            choice_name = None
            if indicator.type == "choice" and value is not None:
                choice_name = next((c.name for c in indicator.choices if c.id == value), None)
            row = IndicatorRow(
                indicator=indicator,
                anchor=_anchor(indicator.id),
                answer=answer,
                value=value,
                choice_name=choice_name,
                evidence=evidence.get(indicator.id, []),
            )
            if form is not None:
                row.value_field = form[form.value_name(indicator.id)]
                row.comment_field = form[form.comment_name(indicator.id)]
                row.evidence_field = form[form.evidence_name(indicator.id)]
            section.rows.append(row)
        sections.append(section)
    return sections


def _render(
    request: HttpRequest,
    procedure: Procedure,
    *,
    form: SelfAssessmentForm | None,
    is_manager: bool,
    status: int = 200,
) -> HttpResponse:
    is_open = procedure.state in services.SELF_ASSESSMENT_OPEN
    sections = _sections(procedure, form)
    rows = [row for section in sections for row in section.rows]
    answered = sum(1 for row in rows if row.answered)
    error_rows = []
    if form is not None and form.is_bound and form.errors:
        error_rows = [
            row
            for row in rows
            if row.value_field.errors or row.comment_field.errors or row.evidence_field.errors
        ]
    return render(
        request,
        "procedures/self_assessment.html",
        {
            "procedure": procedure,
            "scheme": procedure.scheme,
            "level": procedure.level,
            "form": form,
            "editable": form is not None,
            "is_manager": is_manager,
            "is_open": is_open,
            "sections": sections,
            "answered": answered,
            "total": len(rows),
            "unanswered": [row for row in rows if not row.answered],
            "error_rows": error_rows,
            "files_dropped": form is not None and form.is_bound and form.has_uploads(),
            "due": _due(procedure, is_open=is_open, today=timezone.localdate()),
            "evidence_accept": EVIDENCE_ACCEPT,
            "evidence_types": ", ".join(sorted(ALLOWED_TYPES)),
            "evidence_max_bytes": max_upload_bytes(),
        },
        status=status,
    )


# --- the questionnaire ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def self_assessment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Read the self-assessment; managers of the organisation save drafts of it while it is
    open. A save is all or nothing: any invalid value or file re-displays the whole form with
    what was typed and the reason at each field, and nothing is stored."""
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
    if form.is_valid():
        try:
            with transaction.atomic():
                changed = services.self_assessment_save(
                    procedure=procedure,
                    actor=user,
                    values=form.changed_values(),
                    comments=form.changed_comments(),
                )
                stored = [
                    services.evidence_upload(
                        procedure=procedure, actor=user, indicator_id=indicator_id, upload=upload
                    )
                    for indicator_id, upload in form.uploads().items()
                ]
        except InvalidIndicatorValues as exc:
            form.add_value_problems(exc.problems)
        except ValidationError as exc:
            form.add_error(None, exc)
        except services.ActionRefused as exc:
            report_refusal(request, exc)
            return redirect("procedures:self_assessment", pk=procedure.pk)
        else:
            messages.success(request, _saved_message(changed, len(stored)))
            focus = request.POST.get("focus", "")
            if focus not in {i.id for i in procedure.scheme.indicators}:
                focus = ""
            return redirect(_questionnaire_url(procedure, focus or None))
    return _render(request, procedure, form=form, is_manager=is_manager)


def _saved_message(changed: int, files: int) -> str:
    if changed:
        text = ngettext(
            "Draft saved: %(count)s answer changed.",
            "Draft saved: %(count)s answers changed.",
            changed,
        ) % {"count": changed}
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
    try:
        evidence = services.evidence_upload(
            procedure=procedure, actor=request.user, indicator_id=indicator.id, upload=upload
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(
                request,
                _("“%(name)s” was not uploaded: %(reason)s")
                % {"name": upload.name, "reason": message},
            )
        return redirect(back)
    except services.ActionRefused as exc:
        report_refusal(request, exc)
        return redirect(back)
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
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
