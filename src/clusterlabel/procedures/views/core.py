"""The procedure list, the procedure page, applying, and the generic step buttons."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity, restrict
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.selectors import audit_events_for_procedure
from clusterlabel.core.form_fields import choice_field, model_choice_field
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.language import current_language
from clusterlabel.core.reasons import describe_all
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.schemes import Lang
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import AssessmentMode, ProcedureState, Process
from clusterlabel.procedures.facts import procedure_facts, self_assessment_missing
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.results import compute_result
from clusterlabel.procedures.selectors import (
    board_declarations,
    procedure_deadline,
    procedure_list,
)
from clusterlabel.procedures.views.common import load_procedure, report_refusal
from clusterlabel.schemes.selectors import scheme_versions_current

# Actions that have a page of their own; the procedure page links there instead of a button.
ACTION_PAGES = {
    flow.Action.RECORD_BOARD_VOTE: "procedures:vote",
    flow.Action.AWARD: "procedures:decision",
    flow.Action.REFUSE: "procedures:decision",
}

ACTION_LABELS = {
    flow.Action.SUBMIT_APPLICATION: gettext_lazy("Submit the application"),
    flow.Action.REQUEST_CHANGES: gettext_lazy("Request changes"),
    flow.Action.RESUBMIT_APPLICATION: gettext_lazy("Resubmit the application"),
    flow.Action.ACCEPT_APPLICATION: gettext_lazy("Accept the application (contract)"),
    flow.Action.SUBMIT_SELF_ASSESSMENT: gettext_lazy("Submit the self-assessment"),
    flow.Action.REOPEN_SELF_ASSESSMENT: gettext_lazy("Send the self-assessment back"),
    flow.Action.ASSIGN_ASSESSORS: gettext_lazy("Confirm the panel"),
    flow.Action.REASSIGN_ASSESSORS: gettext_lazy("Confirm the changed panel"),
    flow.Action.START_ASSESSMENT: gettext_lazy("Start the assessment"),
    flow.Action.SUBMIT_REPORT: gettext_lazy("Submit the assessment report"),
    flow.Action.RETURN_REPORT: gettext_lazy("Return the report to the assessors"),
    flow.Action.SEND_TO_BOARD: gettext_lazy("Send to the advisory board"),
    flow.Action.RECORD_BOARD_VOTE: gettext_lazy("Vote"),
    flow.Action.CLOSE_BOARD_REVIEW: gettext_lazy("Close the board review"),
    flow.Action.RETURN_TO_BOARD: gettext_lazy("Ask the board to reconsider"),
    flow.Action.AWARD: gettext_lazy("Decide"),
    flow.Action.REFUSE: gettext_lazy("Decide"),
    flow.Action.WITHDRAW: gettext_lazy("Withdraw the application"),
}

# States in which the advisory board's count means something.
BOARD_AND_AFTER = frozenset(
    {
        ProcedureState.BOARD_REVIEW,
        ProcedureState.AWAITING_DECISION,
        ProcedureState.AWARDED,
        ProcedureState.REFUSED,
    }
)

# Audit actions shown on the procedure page by default (the full trail is one click away).
MILESTONE_PREFIXES = ("procedure.", "panel.", "report.")

# Audit actions a cluster manager sees on their own procedure's trail.
APPLICANT_TRAIL_PREFIXES = ("procedure.", "self_assessment.", "evidence.")


@login_required
def procedure_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    state = request.GET.get("state") or None
    if state and state not in ProcedureState.values:
        state = None
    procedures = list(procedure_list(user=request.user, state=state))
    rows = [(p, procedure_deadline(p), flow.owner_of(p.state)) for p in procedures]
    return render(
        request,
        "procedures/procedure_list.html",
        {"rows": rows, "states": ProcedureState.choices, "current_state": state},
    )


def _action_options(request: HttpRequest, procedure: Procedure, facts: flow.ProcedureFacts):
    options = []
    seen_pages = set()
    for option in policy.action_options(request.user, procedure, facts):
        page = ACTION_PAGES.get(option.action)
        if page:
            if page in seen_pages:
                continue
            seen_pages.add(page)
        options.append(
            {
                "action": option.action.value,
                "label": ACTION_LABELS[option.action],
                "allowed": option.allowed,
                "blocked": describe_all(option.blocked),
                "requires_reason": option.requires_reason,
                "page": page,
                "danger": option.action
                in (flow.Action.WITHDRAW, flow.Action.REFUSE, flow.Action.REQUEST_CHANGES),
            }
        )
    return options


@login_required
def procedure_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    procedure = load_procedure(request, pk)
    user = request.user
    computed = compute_result(procedure)
    facts = procedure_facts(procedure, actor=user, computed=computed)
    scheme = procedure.scheme
    sees_file = policy.can(user, Activity.VIEW_PROCEDURE_FILE, procedure)
    events = list(audit_events_for_procedure(procedure_id=procedure.pk)) if sees_file else []
    if not policy.can(user, Activity.READ_INTERNAL_AUDIT, procedure):
        # The applicant sees its own steps; the panel's and the board's work is internal.
        events = [e for e in events if e.action.startswith(APPLICANT_TRAIL_PREFIXES)]
    sees_votes = policy.can(user, Activity.READ_BOARD_VOTES, procedure)
    if not sees_votes:
        # Each vote's event names the member and the reason.
        events = [e for e in events if e.action != f"procedure.{flow.Action.RECORD_BOARD_VOTE}"]
    if not policy.can(user, Activity.READ_BOARD_DECLARATIONS, procedure):
        # Each declaration's event names the member and, for a conflict, what it is.
        events = [e for e in events if e.action != services.BOARD_DECLARATION_EVENT]
    all_events = len(events)
    full_trail = request.GET.get("trail") == "all"
    if not full_trail:
        # The milestones; single scores and answers are one click away.
        events = [e for e in events if e.action.startswith(MILESTONE_PREFIXES)]
    sees_scores = policy.can(user, Activity.READ_SCORES, procedure)
    result = computed if sees_scores and procedure.scores.all() else None
    missing = self_assessment_missing(procedure)
    options = _action_options(request, procedure, facts)
    # A board member of this review: until they declare no conflict they see the header only.
    declares_for_board = policy.can(user, Activity.DECLARE_BOARD_CONFLICT, procedure)
    own_declaration = (
        policy.current_board_declaration(user, procedure) if declares_for_board else None
    )
    if declares_for_board and not (own_declaration and own_declaration.no_conflict):
        options = [o for o in options if o["action"] != flow.Action.RECORD_BOARD_VOTE]
    sees_board_declarations = (
        scheme.procedure.advisory_board
        and procedure.state in BOARD_AND_AFTER
        and policy.can(user, Activity.READ_BOARD_DECLARATIONS, procedure)
    )
    owner = flow.owner_of(procedure.state)
    return render(
        request,
        "procedures/procedure_detail.html",
        {
            "procedure": procedure,
            "scheme": scheme,
            "level": procedure.level,
            "deadline": procedure_deadline(procedure),
            "owner": owner,
            "owner_label": Role(owner).label if owner else "",
            "options": options,
            "board_declaration_due": declares_for_board and own_declaration is None,
            "own_board_declaration": own_declaration,
            "board_declarations": board_declarations(procedure)
            if sees_board_declarations
            else None,
            "events": events,
            "all_events": all_events,
            "full_trail": full_trail,
            "answered": len(scheme.indicators) - missing,
            "indicator_count": len(scheme.indicators),
            "assignments": list(procedure.assignments.all()),
            "result": result,
            "result_reasons": describe_all(result.decision.reasons) if result else [],
            "eligibility_reasons": describe_all(computed.eligibility.failures),
            "is_manager": facts.actor_is_member_of_organisation,
            "is_assigned_assessor": facts.actor_is_assigned_assessor,
            "sees_file": sees_file,
            "sees_panel": facts.actor_is_scheme_secretariat,
            "sees_declarations": policy.can(user, Activity.READ_PANEL_DECLARATIONS, procedure),
            "sees_scoring_pages": sees_scores and not facts.actor_is_board_member,
            "board_votes": [
                v for v in procedure.board_votes.all() if v.round == procedure.board_round
            ]
            if sees_votes
            else [],
            "sees_scores": sees_scores,
            "board": flow.board_recommendation(facts.board_votes, facts.rules)
            if scheme.procedure.advisory_board and procedure.state in BOARD_AND_AFTER
            else None,
        },
    )


@login_required
@require_POST
def procedure_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    procedure = load_procedure(request, pk)
    try:
        action = flow.Action(action)
    except ValueError as exc:
        raise Http404 from exc
    if action == flow.Action.RECORD_BOARD_VOTE:
        raise Http404
    reason = request.POST.get("reason", "")
    user = request.user
    try:
        if action == flow.Action.SUBMIT_APPLICATION:
            services.procedure_submit_application(procedure=procedure, actor=user)
        elif action == flow.Action.ACCEPT_APPLICATION:
            services.procedure_accept(procedure=procedure, actor=user)
        elif action == flow.Action.SUBMIT_REPORT:
            services.procedure_submit_report(procedure=procedure, actor=user)
        elif action == flow.Action.RETURN_TO_BOARD:
            services.procedure_return_to_board(procedure=procedure, actor=user, reason=reason)
        elif action in (flow.Action.AWARD, flow.Action.REFUSE):
            services.procedure_decide(
                procedure=procedure, actor=user, award=action == flow.Action.AWARD, reason=reason
            )
        else:
            services.procedure_transition(
                procedure=procedure, actor=user, action=action, reason=reason
            )
    except services.ActionRefused as exc:
        report_refusal(request, exc)
        if action in (flow.Action.AWARD, flow.Action.REFUSE):
            return redirect("procedures:decision", pk=procedure.pk)
        return redirect("procedures:detail", pk=procedure.pk)
    messages.success(request, _("Done: %(step)s.") % {"step": ACTION_LABELS[action]})
    if not _still_visible(user, procedure):
        return redirect("procedures:list")
    return redirect("procedures:detail", pk=procedure.pk)


def _still_visible(user, procedure: Procedure) -> bool:
    procedure.refresh_from_db(fields=["state"])
    return policy.can(user, Activity.VIEW_PROCEDURE, procedure)


def _scheme_and_level(scheme_name: str, level_name: str) -> str:
    if level_name in scheme_name:
        return scheme_name
    return f"{scheme_name} \N{EN DASH} {level_name}"


class ApplicationForm(forms.Form):
    scheme_level = forms.ChoiceField(label=gettext_lazy("Scheme and level"))
    process = forms.ChoiceField(label=gettext_lazy("Process"), choices=Process.choices)
    assessment_mode = forms.ChoiceField(
        label=gettext_lazy("Assessment"), choices=AssessmentMode.choices
    )
    previous_procedure = forms.ModelChoiceField(
        label=gettext_lazy("Previous assessment"),
        queryset=Procedure.objects.none(),
        required=False,
        help_text=gettext_lazy(
            "For a renewal, and for ECEI Silver: the assessment this one is compared with."
        ),
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the secretariat"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, organisation: Organisation, language: Lang, **kwargs):
        super().__init__(*args, **kwargs)
        self.versions = {v.pk: v for v in scheme_versions_current()}
        choices = []
        for version in self.versions.values():
            scheme = version.scheme
            for level in scheme.levels:
                choices.append(
                    (
                        f"{version.pk}:{level.id}",
                        _scheme_and_level(scheme.name.get(language), level.name.get(language)),
                    )
                )
        choice_field(self, "scheme_level").choices = choices
        model_choice_field(self, "previous_procedure").queryset = organisation.procedures.filter(
            state=ProcedureState.AWARDED
        ).select_related("scheme_version")

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("scheme_level")
        if value:
            version_pk, _sep, level_id = value.partition(":")
            cleaned["scheme_version"] = self.versions[int(version_pk)]
            cleaned["level_id"] = level_id
        return cleaned


@login_required
def procedure_create(request: AuthenticatedHttpRequest, organisation_pk: int) -> HttpResponse:
    user = request.user
    organisation = get_object_or_404(
        restrict(Organisation.objects.all(), user, Activity.VIEW_ORGANISATION), pk=organisation_pk
    )
    if not policy.can(user, Activity.APPLY, organisation):
        raise Http404
    language = current_language()
    form = ApplicationForm(request.POST or None, organisation=organisation, language=language)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            procedure = services.procedure_create(
                organisation=organisation,
                scheme_version=data["scheme_version"],
                level_id=data["level_id"],
                process=data["process"],
                assessment_mode=data["assessment_mode"],
                previous_procedure=data["previous_procedure"],
                note=data["note"],
                actor=user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                target = "scheme_level" if field == "level_id" else field
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        except PermissionDenied:
            raise
        else:
            messages.success(
                request,
                _("The application has been opened as a draft. Check it and submit it."),
            )
            return redirect("procedures:detail", pk=procedure.pk)
    return render(
        request,
        "procedures/procedure_create.html",
        {"organisation": organisation, "form": form},
    )
