"""ECEI Silver's on-site review of the improvement areas, and their evidence files.

Everybody who may see the procedure reads the areas; only the assessors of its panel, while
the assessment is in progress, record the review (the policy's ``SCORE`` activity: anybody
else gets a 404 for the form, and the service refuses them again).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clusterlabel.access.policy import Activity
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.service_forms import run_for_form
from clusterlabel.procedures import services
from clusterlabel.procedures.forms import AreaReviewForm
from clusterlabel.procedures.models import ImprovementArea
from clusterlabel.procedures.presenters.improvement import improvement_section
from clusterlabel.procedures.views.common import load_procedure, refused, stored_file_response


@login_required
@require_http_methods(["GET", "POST"])
def improvement_areas(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The areas with their review; a POST records the review of the area ``area``."""
    if request.method == "POST":
        procedure = load_procedure(request, pk, Activity.SCORE)
    else:
        procedure = load_procedure(request, pk)
    section = improvement_section(procedure, user=request.user)
    if section is None:
        raise Http404
    forms_by_area = {
        row["area"].pk: AreaReviewForm(
            prefix=f"area-{row['area'].pk}",
            initial={
                "validated": {True: "yes", False: "no"}.get(row["area"].validated),
                "comment": row["area"].review_comment,
            },
        )
        for row in section["areas"]
    }
    status = 200
    if request.method == "POST":
        area = get_object_or_404(
            ImprovementArea, pk=request.POST.get("area", 0), procedure_id=procedure.pk
        )
        form = AreaReviewForm(request.POST, prefix=f"area-{area.pk}")
        forms_by_area[area.pk] = form
        if form.is_valid():
            outcome = run_for_form(
                form,
                lambda: services.improvement_area_review(
                    area=area,
                    validated=form.cleaned_data["validated"],
                    comment=form.cleaned_data["comment"],
                    actor=request.user,
                ),
                on=refused(request, reverse("procedures:improvement_areas", args=[pk])),
            )
            if outcome.response is not None:
                return outcome.response
            if outcome.ok:
                messages.success(request, _("The review of the improvement area is recorded."))
                return redirect("procedures:improvement_areas", pk=pk)
        status = 400
    for row in section["areas"]:
        row["form"] = forms_by_area[row["area"].pk]
    return render(
        request,
        "procedures/improvement_areas.html",
        {"procedure": procedure, "silver": section},
        status=status,
    )


@login_required
@require_GET
def improvement_evidence(request: AuthenticatedHttpRequest, pk: int, area_pk: int) -> FileResponse:
    """An improvement area's evidence file, as the evidence of the self-assessment is served:
    an attachment under its original name, for everybody who may see the procedure's file."""
    procedure = load_procedure(request, pk, Activity.VIEW_PROCEDURE_FILE)
    area = get_object_or_404(ImprovementArea, pk=area_pk, procedure_id=procedure.pk)
    if not area.evidence_file:
        raise Http404
    return stored_file_response(
        area.evidence_file, name=area.evidence_name, content_type=area.evidence_content_type
    )
