"""The expert pool's pages: the assessor's own profile (languages, sectors, countries,
qualifications, declared conflicts) and, for a scheme's secretariat, the scheme's pool with
the qualifications to confirm.

Who may see and do what is the policy's answer (``clusterlabel.access.policy``); a page the
person may not use is a 404, and every write goes through one service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.assessors import selectors, services
from clusterlabel.assessors.forms import DeclaredConflictForm, ProfileForm, QualificationForm
from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
from clusterlabel.assessors.presenters import level_name, level_names, pool_lines, standing
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import current_language
from clusterlabel.core.service_forms import run_for_form, run_service
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.models import SchemeVersion


def _may_keep_profile(user: Any) -> bool:
    return policy.can(user, Activity.EDIT_OWN_ASSESSOR_PROFILE, AssessorProfile(user=user))


def _organisations() -> QuerySet[Organisation]:
    # The names of the confirmed organisations are public (the registry lists them); an
    # assessor declares a conflict with one they have never been assigned to.
    return Organisation.objects.filter(confirmed_at__isnull=False).order_by("cluster_name", "pk")


@login_required
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The assessor's own profile. One page, three forms, told apart by the ``form`` field."""
    user = request.user
    if not _may_keep_profile(user):
        raise Http404
    profile = selectors.profile_of(user)
    posted = request.POST if request.method == "POST" else None
    which = posted.get("form", "") if posted is not None else ""
    profile_form = ProfileForm(posted if which == "profile" else None, profile=profile)
    qualification_form = QualificationForm(posted if which == "qualification" else None)
    conflict_form = DeclaredConflictForm(
        posted if which == "conflict" else None, organisations=_organisations()
    )
    status = 200
    today = timezone.localdate()
    names = level_names(current_language())
    if posted is not None:
        done = _profile_post(request, which, profile_form, qualification_form, conflict_form)
        if done is not None:
            return done
        status = 400
    return render(
        request,
        "assessors/profile.html",
        {
            "profile": profile,
            "profile_form": profile_form,
            "checkbox_groups": [profile_form["languages"], profile_form["sectors"]],
            "qualification_form": qualification_form,
            "conflict_form": conflict_form,
            "qualifications": [
                (q, level_name(q, names), standing(q, today))
                for q in (profile.qualifications.all() if profile else [])
            ],
            "conflicts": list(profile.conflicts.all()) if profile else [],
            "today": today,
        },
        status=status,
    )


def _profile_post(
    request: AuthenticatedHttpRequest,
    which: str,
    profile_form: ProfileForm,
    qualification_form: QualificationForm,
    conflict_form: DeclaredConflictForm,
) -> HttpResponse | None:
    """Run the posted form's service; the redirect when it saved, ``None`` to show the errors."""
    user = request.user
    action: Callable[[], object]
    form: Any
    if which == "profile":
        form = profile_form
        action = lambda: services.assessor_profile_update(  # noqa: E731
            actor=user,
            languages=form.cleaned_data["languages"],
            sectors=form.cleaned_data["sectors"],
            countries=form.cleaned_data["countries"],
        )
        saved = _("Your profile has been saved.")
    elif which == "qualification":
        form = qualification_form

        def action() -> object:
            scheme_id, level_id = form.scheme_and_level()
            return services.qualification_add(
                actor=user,
                scheme_id=scheme_id,
                level_id=level_id,
                kind=form.cleaned_data["kind"],
                valid_from=form.cleaned_data["valid_from"],
                valid_until=form.cleaned_data["valid_until"],
            )

        saved = _(
            "The qualification has been added. It counts once the scheme's secretariat has "
            "confirmed it."
        )
    elif which == "conflict":
        form = conflict_form
        action = lambda: services.declared_conflict_add(  # noqa: E731
            actor=user,
            organisation=form.cleaned_data["organisation"],
            note=form.cleaned_data["note"],
            since=form.cleaned_data["since"],
        )
        saved = _(
            "The conflict of interest has been recorded. You will not be proposed for this "
            "organisation's procedures."
        )
    else:
        raise Http404
    if not form.is_valid():
        return None
    outcome = run_for_form(form, action)
    if not outcome.ok:
        return None
    messages.success(request, saved)
    return redirect("assessors:profile")


@login_required
@require_POST
def qualification_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The assessor removes one of their own qualifications (someone else's is a 404)."""
    qualification = get_object_or_404(Qualification, pk=pk, profile__user=request.user)
    services.qualification_remove(actor=request.user, qualification=qualification)
    messages.success(request, _("The qualification has been removed."))
    return redirect("assessors:profile")


@login_required
@require_POST
def conflict_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The assessor withdraws one of their own declared conflicts (someone else's is a 404)."""
    conflict = get_object_or_404(DeclaredConflict, pk=pk, profile__user=request.user)
    services.declared_conflict_remove(actor=request.user, conflict=conflict)
    messages.success(request, _("The declared conflict of interest has been withdrawn."))
    return redirect("assessors:profile")


# --- the secretariat ---------------------------------------------------------------------------


def _pool_schemes(user: Any) -> list[SchemeVersion]:
    versions = SchemeVersion.objects.filter(is_current=True).order_by("family", "scheme_id")
    return [v for v in versions if policy.can(user, Activity.VIEW_ASSESSOR_POOL, v.scheme_id)]


@login_required
def pool_index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The schemes whose pool the person reads; straight to the one when there is only one."""
    versions = _pool_schemes(request.user)
    if not versions:
        raise Http404
    if len(versions) == 1:
        return redirect("assessors:pool", scheme_id=versions[0].scheme_id)
    return render(request, "assessors/pool_index.html", {"versions": versions})


@login_required
def pool(request: AuthenticatedHttpRequest, scheme_id: str) -> HttpResponse:
    """A scheme's pool for its secretariat: every assessor of the scheme, their profile and
    their qualifications for it, with the unconfirmed ones to confirm."""
    if not policy.can(request.user, Activity.VIEW_ASSESSOR_POOL, scheme_id):
        raise Http404
    version = get_object_or_404(SchemeVersion, scheme_id=scheme_id, is_current=True)
    today = timezone.localdate()
    rows = selectors.pool_rows(version.scheme_id, version.operator_id)
    lines = pool_lines(rows, today, current_language())
    return render(
        request,
        "assessors/pool.html",
        {
            "version": version,
            "scheme_name": version.name(current_language()),
            "lines": lines,
            "today": today,
            "may_confirm": policy.can(request.user, Activity.CONFIRM_QUALIFICATION, scheme_id),
        },
    )


@login_required
@require_POST
def qualification_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The scheme's secretariat confirms a qualification for its scheme; anyone else gets a
    404 and nothing changes."""
    qualification = get_object_or_404(Qualification, pk=pk)
    if not policy.can(request.user, Activity.CONFIRM_QUALIFICATION, qualification):
        raise Http404
    back = redirect("assessors:pool", scheme_id=qualification.scheme_id)

    def refused(exc: ValidationError) -> HttpResponse:
        for message in exc.messages:
            messages.error(request, message)
        return back

    outcome = run_service(
        lambda: services.qualification_confirm(actor=request.user, qualification=qualification),
        on={ValidationError: refused},
    )
    if outcome.ok:
        messages.success(request, _("The qualification has been confirmed."))
    return back
