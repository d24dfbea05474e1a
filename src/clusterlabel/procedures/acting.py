"""Who must act on a procedure's current step, as people: for deadline reminders and the
overdue list.

The role comes from the domain (``owner_of``), the people from their grants as the policy reads
them (``clusterlabel.access.policy.holders``, the organisation's managers, which are its
cluster-manager grants): no second role system. Per state:

* ``applied``, ``self_assessment_submitted``, ``report_submitted``: the scheme's secretariat;
* ``changes_requested``, ``contracted``: the organisation's cluster managers;
* ``assessors_assigned``, ``assessment_in_progress``: the assigned assessors who still hold the
  assessor role for the scheme (the policy's rule for an assessor on a procedure);
* ``board_review``: the scheme's board members who have neither voted nor declared a conflict of
  interest in the current round, and the secretariat, which closes the review;
* ``awaiting_decision``: the scheme's awarding authority.

``ActingPeople`` reads each scheme's holders of a role once (one query per scheme and role,
kept for its lifetime) and everything else from the procedure's prefetched relations
(``ACTING_PREFETCH``), so a list of a thousand procedures of a few schemes costs no query per
procedure.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import GrantRole, holders
from clusterlabel.accounts.models import User
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.procedure.reminders import Step
from clusterlabel.procedures.models import AssessorAssignment, Procedure

#: The relations ``ActingPeople`` reads; pass to ``prefetch_related``.
ACTING_PREFETCH = (
    Prefetch("organisation__managers", queryset=User.objects.filter(is_active=True)),
    Prefetch("assignments", queryset=AssessorAssignment.objects.select_related("assessor")),
    "board_votes",
    "board_conflict_declarations",
)


class ActingPeople:
    """Resolves who must act on procedures' current steps (see the module docstring)."""

    def __init__(self) -> None:
        self._holders: dict[tuple[str, str, int | None], list[User]] = {}

    def holders(self, role: GrantRole, procedure: Procedure) -> list[User]:
        """The active holders of ``role`` for the procedure's scheme (directly or through its
        operator), by name; read once per scheme and role."""
        version = procedure.scheme_version
        key = (str(role), version.scheme_id, version.operator_id)
        if key not in self._holders:
            self._holders[key] = list(
                holders(role, version.scheme_id, version.operator_id).order_by(
                    "last_name", "first_name", "username"
                )
            )
        return self._holders[key]

    def by_role(self, procedure: Procedure) -> list[tuple[flow.Role, list[User]]]:
        """The people who must act in the procedure's current state, by the role they act in
        (the board review: the board members, then the secretariat); empty in the draft and
        the terminal states."""
        state = flow.State(procedure.state)
        owner = flow.owner_of(state)
        if state == flow.State.DRAFT or owner is None:
            return []
        if owner == flow.Role.CLUSTER_MANAGER:
            managers = sorted(
                procedure.organisation.managers.all(),
                key=lambda u: (u.last_name, u.first_name, u.username),
            )
            return [(owner, managers)]
        if owner == flow.Role.ASSESSOR:
            granted = {u.pk for u in self.holders(GrantRole.ASSESSOR, procedure)}
            panel = [
                a.assessor
                for a in sorted(procedure.assignments.all(), key=lambda a: a.pk)
                if a.assessor_id in granted and a.assessor.is_active
            ]
            return [(owner, panel)]
        if owner == flow.Role.BOARD_MEMBER:
            current = procedure.board_round
            done = {v.member_id for v in procedure.board_votes.all() if v.round == current}
            done |= {
                d.member_id
                for d in procedure.board_conflict_declarations.all()
                if d.round == current and not d.no_conflict
            }
            members = [
                member
                for member in self.holders(GrantRole.BOARD_MEMBER, procedure)
                if member.pk not in done
            ]
            # Once every member has voted (or sat the round out) only the secretariat is left.
            secretariat = (flow.Role.SECRETARIAT, self.holders(GrantRole.SECRETARIAT, procedure))
            return [(owner, members), secretariat] if members else [secretariat]
        return [(owner, self.holders(GrantRole(owner.value), procedure))]

    def for_step(self, procedure: Procedure) -> list[User]:
        """``by_role`` as one list of people, each once, in its order."""
        unique: dict[int, User] = {}
        for _role, people in self.by_role(procedure):
            for person in people:
                unique.setdefault(person.pk, person)
        return list(unique.values())


#: Each step in the words of whoever must act (reminders, the overdue list).
STEP_LABELS: dict[Step, Promise] = {
    Step.APPLICATION_CHECK: _("Check the application"),
    Step.APPLICATION_CHANGES: _("Complete the application"),
    Step.SELF_ASSESSMENT: _("Submit the self-assessment"),
    Step.PANEL: _("Form the assessment panel and set the assessment date"),
    Step.ASSESSMENT: _("Hold the assessment"),
    Step.REPORT: _("Score the indicators and submit the assessment report"),
    Step.REPORT_CHECK: _("Check the assessment report"),
    Step.BOARD_VOTE: _("Advisory board's votes (the secretariat closes the review)"),
    Step.DECISION: _("Decide on the award"),
}
