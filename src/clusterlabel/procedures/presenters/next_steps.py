"""What one person can and should do next on one procedure, with the link or the button.

One answer for every role, built from the policy (``policy.action_options`` for the steps that
move the procedure, ``policy.can`` for the work that does not) and from what the person has
already done: their conflict-of-interest declaration, their vote, their confirmations, their
agreement to the report. The procedure page shows the list as "Your next steps"; the start page
shows the first step of each procedure waiting for the person.

The order is the order of doing: what is done or waiting (a note), the steps the person can
take now, the pages where the work is done, the steps still blocked (with the reasons), and
last the steps that send the procedure back (request changes, return the report, withdraw).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_lazy, ngettext

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.models import User
from clusterlabel.core.reasons import describe_all
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.facts import procedure_facts, self_assessment_missing
from clusterlabel.procedures.models import IndicatorScore, Procedure
from clusterlabel.procedures.panel_pool import panel_exclusion_codes_many

# Actions that have a page of their own; the procedure page links there instead of a button.
ACTION_PAGES = {
    flow.Action.RECORD_BOARD_VOTE: "procedures:vote",
    flow.Action.AWARD: "procedures:decision",
    flow.Action.REFUSE: "procedures:decision",
}

ACTION_LABELS: dict[flow.Action, Promise] = {
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

DANGEROUS = frozenset({flow.Action.WITHDRAW, flow.Action.REFUSE, flow.Action.REQUEST_CHANGES})

# Steps that send the procedure back (or end it): shown after the work that moves it on.
_SENDING_BACK = frozenset(
    {
        *DANGEROUS,
        flow.Action.REOPEN_SELF_ASSESSMENT,
        flow.Action.RETURN_REPORT,
        flow.Action.RETURN_TO_BOARD,
    }
)

# The steps an assessor takes only after declaring no conflict of interest.
_AFTER_ASSESSOR_DECLARATION = frozenset(
    {flow.Action.START_ASSESSMENT, flow.Action.REOPEN_SELF_ASSESSMENT}
)


@dataclass(frozen=True)
class ActionButton:
    """One step the page offers: a button (a form posting to the step) or a link to the step's
    page; ``blocked`` says in words why it is not possible now."""

    action: str
    label: Promise
    allowed: bool
    blocked: list[str]
    requires_reason: bool
    page: str | None
    danger: bool


def action_buttons(
    user: User, procedure: Procedure, facts: flow.ProcedureFacts
) -> list[ActionButton]:
    """The steps the policy offers ``user`` now, one link per step page. Where two steps share
    a page (award and refuse: the decision) the link is open when either step is."""
    buttons: list[ActionButton] = []
    by_page: dict[str, int] = {}
    for option in policy.action_options(user, procedure, facts):
        page = ACTION_PAGES.get(option.action)
        button = ActionButton(
            action=option.action.value,
            label=ACTION_LABELS[option.action],
            allowed=option.allowed,
            blocked=describe_all(option.blocked),
            requires_reason=option.requires_reason,
            page=page,
            danger=option.action in DANGEROUS and page is None,
        )
        if page and page in by_page:
            known = buttons[by_page[page]]
            if button.allowed and not known.allowed:
                buttons[by_page[page]] = ActionButton(
                    action=known.action,
                    label=known.label,
                    allowed=True,
                    blocked=[],
                    requires_reason=False,
                    page=page,
                    danger=False,
                )
            continue
        if page:
            by_page[page] = len(buttons)
        buttons.append(button)
    return buttons


@dataclass(frozen=True)
class NextStep:
    """One thing to do (or one thing done) on the procedure.

    ``key`` names it for the tests and the styles (a step of the transition table by its
    action, other work by its activity: ``declare_conflict``, ``score``, ``voted``, ...).
    Exactly one of these says how it is taken: ``action`` (a button posting the step on the
    procedure page), ``url`` (a link to the page where it is done), or neither (a note, the
    ``label`` saying what is done or what the person waits for). ``blocked`` says in words why
    it cannot be taken now.
    """

    key: str
    label: str
    url: str = ""
    action: str = ""
    allowed: bool = True
    blocked: tuple[str, ...] = ()
    requires_reason: bool = False
    danger: bool = False

    @property
    def is_note(self) -> bool:
        return not (self.url or self.action)


# Groups, in the order they are shown.
_NOTE, _NOW, _WORK, _BLOCKED, _DANGER = range(5)


def _date(moment: Any) -> str:
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def _page(name: str, procedure: Procedure, anchor: str = "") -> str:
    return reverse(name, args=[procedure.pk]) + anchor


def _own_assignment(user: User, procedure: Procedure) -> Any | None:
    return next((a for a in procedure.assignments.all() if a.assessor_id == user.pk), None)


def panel_changed_since_confirmation(procedure: Procedure, facts: flow.ProcedureFacts) -> bool:
    """In ``assessors_assigned``: whether the panel differs from the one confirmed (an assessor
    left with a conflict, or one joined after the confirmation), so it must be confirmed again."""
    assignments = list(procedure.assignments.all())
    if len(assignments) != facts.rules.assessors:
        return True
    return any(a.assigned_at > procedure.state_entered_at for a in assignments)


def _unconfirmed_by(user: User, procedure: Procedure) -> int:
    """Scores of the panel that ``user`` has not confirmed at their current revision."""
    return sum(
        1
        for score in procedure.scores.all()
        if not any(
            c.assessor_id == user.pk and c.revision == score.revision
            for c in score.confirmations.all()
        )
    )


def _board_steps(user: User, procedure: Procedure) -> list[tuple[int, NextStep]]:
    """A board member of the current review: declare first, then vote, then what they voted."""
    if not policy.can(user, Activity.DECLARE_BOARD_CONFLICT, procedure):
        return []
    declaration = policy.current_board_declaration(user, procedure)
    if declaration is None:
        return [
            (
                _WORK,
                NextStep(
                    key="declare_board_conflict",
                    label=gettext("Declare conflicts of interest first"),
                    url=_page("procedures:board_conflict", procedure),
                ),
            )
        ]
    if not declaration.no_conflict:
        return [
            (
                _NOTE,
                NextStep(
                    key="board_conflict_declared",
                    label=gettext(
                        "You have declared a conflict of interest with this organisation; you "
                        "take no part in this round of the board review."
                    ),
                ),
            )
        ]
    steps: list[tuple[int, NextStep]] = []
    vote = next(
        (
            v
            for v in procedure.board_votes.all()
            if v.member_id == user.pk and v.round == procedure.board_round
        ),
        None,
    )
    if vote is not None:
        label = (
            gettext("You voted for the award on %(date)s.")
            if vote.in_favour
            else gettext("You voted against the award on %(date)s.")
        )
        steps.append((_NOTE, NextStep(key="voted", label=label % {"date": _date(vote.voted_at)})))
    if policy.can(user, Activity.READ_SCORES, procedure):
        steps.append(
            (
                _WORK,
                NextStep(
                    key="read_scores",
                    label=gettext("Read the scores per indicator"),
                    url=_page("procedures:scoring", procedure),
                ),
            )
        )
    return steps


def _assessor_steps(
    user: User, procedure: Procedure, facts: flow.ProcedureFacts
) -> tuple[list[tuple[int, NextStep]], bool]:
    """An assessor of the panel: declare first, then score, confirm and agree to the report.
    The flag says whether the declaration is still due (then nothing else is offered)."""
    assignment = _own_assignment(user, procedure)
    if assignment is None or flow.Role.ASSESSOR not in policy.procedure_roles(user, procedure):
        return [], False
    if policy.can(user, Activity.DECLARE_CONFLICT, procedure) and not (
        assignment.no_conflict_declared
    ):
        step = NextStep(
            key="declare_conflict",
            label=gettext("Declare conflicts of interest first"),
            url=_page("procedures:conflict", procedure),
        )
        return [(_WORK, step)], True
    if not policy.can(user, Activity.SCORE, procedure):
        return [], False
    steps: list[tuple[int, NextStep]] = []
    if facts.scores_missing:
        steps.append(
            (
                _WORK,
                NextStep(
                    key="score",
                    label=ngettext(
                        "Score the indicators: %(count)d is still open",
                        "Score the indicators: %(count)d are still open",
                        facts.scores_missing,
                    )
                    % {"count": facts.scores_missing},
                    url=_page("procedures:scoring", procedure),
                ),
            )
        )
    unconfirmed = _unconfirmed_by(user, procedure) if len(facts.assessors) >= 2 else 0
    if unconfirmed:
        steps.append(
            (
                _WORK,
                NextStep(
                    key="confirm_scores",
                    label=ngettext(
                        "Confirm your co-assessor's score: %(count)d waits for you",
                        "Confirm your co-assessor's scores: %(count)d wait for you",
                        unconfirmed,
                    )
                    % {"count": unconfirmed},
                    url=_page("procedures:scoring", procedure),
                ),
            )
        )
    if not assignment.report_agreed:
        steps.append(
            (
                _WORK,
                NextStep(
                    key="write_report",
                    label=gettext("Write or agree to the assessment report"),
                    url=_page("procedures:report", procedure),
                ),
            )
        )
    return steps, False


def _application_steps(
    procedure: Procedure, facts: flow.ProcedureFacts
) -> list[tuple[int, NextStep]]:
    """The scheme's secretariat with an application to accept: the organisation's profile and
    eligibility first (the secretariat of the scheme sees every organisation applying for it)."""
    if procedure.state != ProcedureState.APPLIED or not facts.actor_is_scheme_secretariat:
        return []
    step = NextStep(
        key="check_eligibility",
        label=gettext("Check the organisation's profile and eligibility"),
        url=reverse("organisations:detail", args=[procedure.organisation_id]),
    )
    return [(_NOTE, step)]


def _secretariat_steps(
    user: User, procedure: Procedure, facts: flow.ProcedureFacts
) -> tuple[list[tuple[int, NextStep]], bool]:
    """The scheme's secretariat composing the panel. The flag says whether a confirmed panel is
    unchanged (then confirming it again is not offered)."""
    if not policy.can(user, Activity.PROPOSE_PANEL, procedure):
        return [], False
    assignments = list(procedure.assignments.all())
    if procedure.state == ProcedureState.ASSESSORS_ASSIGNED and not (
        panel_changed_since_confirmation(procedure, facts)
    ):
        names = ", ".join(a.assessor.get_full_name() or a.assessor.username for a in assignments)
        note = gettext("The panel is confirmed: %(names)s.") % {"names": names}
        if procedure.assessment_date:
            note += " " + gettext("Assessment on %(date)s.") % {
                "date": formats.date_format(procedure.assessment_date, "DATE_FORMAT")
            }
        return [
            (_NOTE, NextStep(key="panel_confirmed", label=note)),
            (
                _WORK,
                NextStep(
                    key="change_panel",
                    label=gettext("Change the panel or the date"),
                    url=_page("procedures:panel", procedure),
                ),
            ),
        ], True
    complete = len(assignments) == facts.rules.assessors
    return [
        (
            _WORK,
            NextStep(
                key="propose_panel",
                label=gettext("Propose the panel and the date")
                if not complete
                else gettext("Check the proposed panel and the date"),
                url=_page("procedures:panel", procedure),
            ),
        )
    ], False


def _manager_steps(
    user: User, procedure: Procedure, facts: flow.ProcedureFacts
) -> list[tuple[int, NextStep]]:
    """The organisation's cluster manager: the self-assessment while it is open; after the
    decision the result and the certificates."""
    steps: list[tuple[int, NextStep]] = []
    if not facts.actor_is_member_of_organisation:
        return steps
    if policy.can(user, Activity.EDIT_SELF_ASSESSMENT, procedure):
        missing = self_assessment_missing(procedure)
        if missing:
            steps.append(
                (
                    _WORK,
                    NextStep(
                        key="edit_self_assessment",
                        label=ngettext(
                            "Fill in the self-assessment: %(count)d indicator is still open",
                            "Fill in the self-assessment: %(count)d indicators are still open",
                            missing,
                        )
                        % {"count": missing},
                        url=_page("procedures:self_assessment", procedure),
                    ),
                )
            )
    if procedure.state == ProcedureState.CONTRACTED and procedure.fee_gross is not None:
        steps.append(
            (
                _WORK,
                NextStep(
                    key="contract",
                    label=gettext("See the contract and the fee to pay"),
                    url=_page("procedures:detail", procedure, "#facts-heading"),
                ),
            )
        )
    if procedure.state == ProcedureState.REFUSED:
        note = gettext("The label was refused.")
        if procedure.decision_reason:
            note += " " + gettext("Reason: %(reason)s") % {"reason": procedure.decision_reason}
        steps.append((_NOTE, NextStep(key="refused", label=note)))
    if procedure.state in (ProcedureState.AWARDED, ProcedureState.REFUSED) and policy.can(
        user, Activity.READ_SCORES, procedure
    ):
        steps.append(
            (
                _WORK,
                NextStep(
                    key="result",
                    label=gettext("See the assessment's result"),
                    url=_page("procedures:detail", procedure, "#result-heading"),
                ),
            )
        )
    if procedure.state == ProcedureState.AWARDED:
        for label in issued_labels(procedure):
            steps.append(
                (
                    _WORK,
                    NextStep(
                        key="certificate",
                        label=gettext("Download the certificate %(number)s")
                        % {"number": label.certificate_number},
                        url=reverse("labels:certificate", args=[label.certificate_number]),
                    ),
                )
            )
    return steps


def issued_labels(procedure: Procedure) -> list[Any]:
    """The labels an award of ``procedure`` issued (the level awarded and those recognised with
    it), read through the reverse relation: the labels app sits above this one. Empty before an
    award; one query after it (cached on the procedure)."""
    if procedure.state != ProcedureState.AWARDED:
        return []
    cached = getattr(procedure, "_issued_labels", None)
    if cached is None:
        related = procedure.labels
        # The level awarded first, then the labels recognised with it.
        cached = list(
            related.select_related("scheme_version").order_by(
                F("recognised_with_id").asc(nulls_first=True), "pk"
            )
        )
        procedure._issued_labels = cached  # type: ignore[attr-defined]
    return cached


def next_steps(user: User, procedure: Procedure, facts: flow.ProcedureFacts) -> list[NextStep]:
    """What ``user`` can and should do next on ``procedure`` (``facts`` as they see it), in the
    order of doing; empty for someone with no part in it."""
    grouped: list[tuple[int, NextStep]] = []
    assessor_steps, declaration_due = _assessor_steps(user, procedure, facts)
    secretariat_steps, panel_confirmed = _secretariat_steps(user, procedure, facts)
    grouped += _manager_steps(user, procedure, facts)
    grouped += _application_steps(procedure, facts)
    grouped += secretariat_steps
    grouped += assessor_steps
    grouped += _board_steps(user, procedure)
    may_vote = (
        facts.actor_declared_no_board_conflict
        and policy.can(user, Activity.READ_SCORES, procedure)
        and not any(
            v.member_id == user.pk and v.round == procedure.board_round
            for v in procedure.board_votes.all()
        )
    )
    secretariat = facts.actor_is_scheme_secretariat
    for button in action_buttons(user, procedure, facts):
        action = flow.Action(button.action)
        if action == flow.Action.RECORD_BOARD_VOTE and not may_vote:
            continue
        if declaration_due and action in _AFTER_ASSESSOR_DECLARATION and not secretariat:
            continue
        if action == flow.Action.REASSIGN_ASSESSORS and panel_confirmed:
            continue
        if button.danger or action in _SENDING_BACK:
            group = _DANGER
        elif button.allowed:
            group = _NOW
        else:
            group = _BLOCKED
        key = {
            flow.Action.RECORD_BOARD_VOTE: "vote",
            flow.Action.AWARD: "decide",
            flow.Action.REFUSE: "decide",
        }.get(action, button.action)
        grouped.append(
            (
                group,
                NextStep(
                    key=key,
                    label=str(button.label),
                    url=reverse(button.page, args=[procedure.pk]) if button.page else "",
                    action="" if button.page else button.action,
                    allowed=button.allowed,
                    blocked=tuple(button.blocked),
                    requires_reason=button.requires_reason,
                    danger=button.danger,
                ),
            )
        )
    return [step for _group, step in sorted(grouped, key=lambda pair: pair[0])]


def first_steps(user: User, procedures: Sequence[Procedure]) -> dict[int, NextStep | None]:
    """For a list of procedures (the start page's work waiting): the first of each one's next
    steps for ``user``, or ``None``. The rows the facts read are fetched once for the whole
    list, so the queries do not grow with the procedures."""
    prefetch_related_objects(
        list(procedures),
        "answers",
        "evidence",
        "board_votes",
        "assignments__assessor",
        Prefetch("scores", queryset=IndicatorScore.objects.prefetch_related("confirmations")),
        "previous_procedure__scores",
    )
    excluded = panel_exclusion_codes_many(procedures, today=timezone.localdate())
    first: dict[int, NextStep | None] = {}
    for procedure in procedures:
        facts = procedure_facts(procedure, actor=user, exclusions=excluded[procedure.pk])
        steps = next_steps(user, procedure, facts)
        first[procedure.pk] = next((s for s in steps if s.key not in _NOT_FIRST), None)
    return first


# A step that is no reason to open the procedure first: ending or sending it back.
_NOT_FIRST = frozenset(action.value for action in _SENDING_BACK)
