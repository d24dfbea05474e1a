"""The advisory board's conflict declarations and vote, and the awarding authority's decision."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.core.http import AuthenticatedHttpRequest
from clusterlabel.core.reasons import describe_all
from clusterlabel.core.service_forms import run_for_form
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.access import GrantRole
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.facts import procedure_facts
from clusterlabel.procedures.forms import BoardConflictForm, DecisionForm, VoteForm
from clusterlabel.procedures.presenters.assessment import result_section
from clusterlabel.procedures.presenters.improvement import improvement_section
from clusterlabel.procedures.views.common import (
    conflict_declaration_post,
    load_procedure,
    refused,
)


def _board_member_or_404(request: HttpRequest, pk: int):
    procedure = load_procedure(request, pk)
    if flow.Role.BOARD_MEMBER not in policy.procedure_roles(request.user, procedure):
        raise Http404
    return procedure


@login_required
def board_conflict(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A board member declares, for the current round, that they have no conflict of interest
    with the organisation (and then sees the file and votes), or describes the conflict and
    sits the round out."""
    procedure = _board_member_or_404(request, pk)
    user = request.user
    form = BoardConflictForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        done = conflict_declaration_post(
            request,
            form,
            declare=partial(services.board_conflict_declare, procedure=procedure, actor=user),
            retry=reverse("procedures:board_conflict", args=[procedure.pk]),
            done_none=reverse("procedures:vote", args=[procedure.pk]),
            done_conflict=reverse("procedures:detail", args=[procedure.pk]),
            conflict_message=_(
                "Your conflict of interest has been recorded; you take no part in this "
                "round of the board review."
            ),
        )
        if done is not None:
            return done
        status = 400
    declaration = policy.current_board_declaration(user, procedure)
    is_open = policy.can(user, Activity.DECLARE_BOARD_CONFLICT, procedure)
    organisation = procedure.organisation
    return render(
        request,
        "procedures/board_conflict.html",
        {
            "procedure": procedure,
            "organisation": organisation,
            "managers": list(organisation.managers.all()),
            "declaration": declaration,
            "form": form,
            "open": is_open,
            "may_declare": is_open and (declaration is None or declaration.no_conflict),
        },
        status=status,
    )


@login_required
def vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A board member reads the report and votes with a reason (one vote per round; voting
    again replaces the vote). Until they have declared no conflict of interest for this round
    they are sent to the declaration."""
    procedure = _board_member_or_404(request, pk)
    user = request.user
    decision = policy.decide(user, Activity.READ_SCORES, procedure)
    if not decision:
        if decision.reason == "board_conflict_not_declared_none":
            return redirect("procedures:board_conflict", pk=procedure.pk)
        raise Http404
    own = procedure.board_votes.filter(member=user, round=procedure.board_round).first()
    initial = {"in_favour": "yes" if own.in_favour else "no", "reason": own.reason} if own else {}
    form = VoteForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        outcome = run_for_form(
            form,
            lambda: services.board_vote_record(
                procedure=procedure,
                actor=user,
                in_favour=form.cleaned_data["in_favour"],
                reason=form.cleaned_data["reason"],
            ),
            on=refused(request),
        )
        if outcome.ok:
            messages.success(request, _("Your vote has been recorded."))
            return redirect("procedures:vote", pk=procedure.pk)
    facts = procedure_facts(procedure, actor=user)
    return render(
        request,
        "procedures/vote.html",
        {
            "procedure": procedure,
            "form": form,
            "own_vote": own,
            "board": flow.board_recommendation(facts.board_votes, facts.rules),
            "rules": facts.rules,
            "can_vote": procedure.state == ProcedureState.BOARD_REVIEW,
            # The per-indicator scores behind the result, as the policy lets them be read.
            "reads_scores": decision.allowed,
            **result_section(procedure),
        },
        status=400 if form.errors else 200,
    )


@login_required
def decision(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The awarding authority sees the computed result, the report and the board's
    recommendation, and awards or refuses with a reason."""
    procedure = load_procedure(request, pk)
    user = request.user
    roles = policy.roles_on(user, procedure)
    if not roles & {GrantRole.AUTHORITY, GrantRole.SECRETARIAT, GrantRole.ADMINISTRATOR}:
        raise Http404
    is_authority = GrantRole.AUTHORITY in roles
    facts = procedure_facts(procedure, actor=user)
    award_option = next(
        (
            option
            for option in policy.action_options(user, procedure, facts)
            if option.action == flow.Action.AWARD
        ),
        None,
    )
    award_blocked = describe_all(award_option.blocked) if award_option else []
    # The page says why an award is not possible; it does not offer it all the same.
    form = DecisionForm(request.POST or None, award_possible=not award_blocked)
    if request.method == "POST":
        if not is_authority:
            raise Http404
        if form.is_valid():
            outcome = run_for_form(
                form,
                lambda: services.procedure_decide(
                    procedure=procedure,
                    actor=user,
                    award=form.cleaned_data["decision"] == "award",
                    reason=form.cleaned_data["reason"],
                ),
                on=refused(request),
            )
            if outcome.ok:
                messages.success(request, _("The decision has been recorded."))
                return redirect("procedures:detail", pk=procedure.pk)
    votes = [v for v in procedure.board_votes.all() if v.round == procedure.board_round]
    return render(
        request,
        "procedures/decision.html",
        {
            "procedure": procedure,
            "form": form,
            "votes": votes,
            "board": flow.board_recommendation(facts.board_votes, facts.rules)
            if procedure.scheme.procedure.advisory_board
            else None,
            "can_decide": is_authority and procedure.state == ProcedureState.AWAITING_DECISION,
            "award_blocked": award_blocked,
            "silver": improvement_section(procedure, user=user),
            **result_section(procedure),
        },
        status=400 if form.errors else 200,
    )
