"""Benchmarking pages: the start page, one organisation's report (page and PDF) and the pool
views for programme owners.

An organisation the user may not see is a 404 (its existence is not revealed); the pool views
are a 404 for everyone but the programme owners. Every page reads a fixed number of queries
whatever the size of the pool (see ``selectors``).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from clusterlabel.access.policy import (
    Activity,
    can,
    can_view_benchmark_report,
    held_roles,
    viewable_pools,
)
from clusterlabel.accounts.choices import Role
from clusterlabel.benchmarks.forms import PeerGroupForm
from clusterlabel.benchmarks.presenters import index_page, pool_page_for, report_page
from clusterlabel.benchmarks.reports import BenchmarkReport
from clusterlabel.benchmarks.reports import benchmark_report as build_report
from clusterlabel.benchmarks.selectors import pool_scheme_version, pool_scheme_versions
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import LANGS, current_language
from clusterlabel.organisations.models import Organisation

# --- start page -----------------------------------------------------------------------------


@login_required
@require_safe
def benchmark_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    pool_names = {
        version.scheme_id: version.name(current_language()) for version in pool_scheme_versions()
    }
    overseen = viewable_pools(user, pool_names)
    manages = Role.CLUSTER_MANAGER in held_roles(user)
    if not (overseen or manages):
        raise Http404
    context = index_page(
        pool_names=pool_names,
        overseen=overseen,
        managed_organisations=user.managed_organisations.values("pk") if manages else None,
    )
    return render(request, "benchmarks/index.html", context)


# --- one organisation's report --------------------------------------------------------------


def _report_or_404(
    request: HttpRequest, pool_id: str, organisation_pk: int
) -> tuple[BenchmarkReport, PeerGroupForm]:
    organisation = Organisation.objects.filter(pk=organisation_pk).first()
    if organisation is None or not can_view_benchmark_report(request.user, pool_id, organisation):
        raise Http404
    form = PeerGroupForm(request.GET or None)
    report = build_report(
        organisation, pool_id, peer_group=form.peer_group(), today=timezone.localdate()
    )
    if report is None:
        raise Http404(_("This organisation has no assessment in this benchmarking pool."))
    return report, form


@login_required
@require_safe
def organisation_report_page(
    request: AuthenticatedHttpRequest, pool_id: str, organisation_pk: int
) -> HttpResponse:
    report, form = _report_or_404(request, pool_id, organisation_pk)
    context = report_page(
        report,
        form=form,
        query=request.GET.urlencode(),
        oversees=can(request.user, Activity.VIEW_POOL, pool_id),
    )
    return render(request, "benchmarks/report.html", context)


@login_required
@require_safe
def organisation_report_pdf(
    request: AuthenticatedHttpRequest, pool_id: str, organisation_pk: int
) -> HttpResponse:
    lang = request.GET.get("lang")
    with translation.override(lang if lang in LANGS else current_language()):
        report, _form = _report_or_404(request, pool_id, organisation_pk)
        from clusterlabel.benchmarks.pdf import report_pdf, report_pdf_filename

        content = report_pdf(report, today=timezone.localdate())
        filename = report_pdf_filename(report)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- the pool, for programme owners ---------------------------------------------------------


@login_required
@require_safe
def pool_overview_page(request: AuthenticatedHttpRequest, pool_id: str) -> HttpResponse:
    version = (
        pool_scheme_version(pool_id) if can(request.user, Activity.VIEW_POOL, pool_id) else None
    )
    if version is None:
        raise Http404
    context = pool_page_for(version, today=timezone.localdate(), language=current_language())
    return render(request, "benchmarks/pool.html", context)
