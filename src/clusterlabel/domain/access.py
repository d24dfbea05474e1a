"""Who may do what, besides moving a procedure: roles, their scopes, and the activity table.

A person's rights come from *grants*: a role held for a scope. This module says which scopes a
role can be granted for, which grants a granter may hand out, and which roles may carry out
each *activity* (reading scores, editing the self-assessment, managing a label, ...) in which
procedure state. State changes themselves are the transition table in
``clusterlabel.domain.procedure``; together the two tables are the whole policy. The Django
layer (``clusterlabel.access.policy``) works out which roles a user holds *for one object* from
the grants and asks here. Pure Python, standard library only.

Scopes
------
* ``cluster_manager`` is granted for one organisation;
* ``secretariat``, ``assessor``, ``board_member`` and ``authority`` for one scheme or for an
  operator (then for every scheme the operator runs);
* ``programme`` (a national cluster programme's staff) for one programme: it reads its member
  organisations' labels, procedures' states and expiry dates, nothing else;
* ``administrator`` for the whole installation or for one operator. Administrators manage
  accounts and grants, an operator's administrator only within that operator; they have no
  procedural powers (see ``clusterlabel.domain.procedure``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from clusterlabel.domain.procedure import State


class GrantRole(StrEnum):
    """A role a person can be granted. The five procedural ones have the values of
    ``clusterlabel.domain.procedure.Role``."""

    CLUSTER_MANAGER = "cluster_manager"
    SECRETARIAT = "secretariat"
    ASSESSOR = "assessor"
    BOARD_MEMBER = "board_member"
    AUTHORITY = "authority"
    PROGRAMME = "programme"
    ADMINISTRATOR = "administrator"


class ScopeKind(StrEnum):
    """What a grant is for."""

    ORGANISATION = "organisation"
    SCHEME = "scheme"
    OPERATOR = "operator"
    PROGRAMME = "programme"
    GLOBAL = "global"


R, K = GrantRole, ScopeKind
ROLE_SCOPES: Mapping[GrantRole, frozenset[ScopeKind]] = MappingProxyType(
    {
        R.CLUSTER_MANAGER: frozenset({K.ORGANISATION}),
        R.SECRETARIAT: frozenset({K.SCHEME, K.OPERATOR}),
        R.ASSESSOR: frozenset({K.SCHEME, K.OPERATOR}),
        R.BOARD_MEMBER: frozenset({K.SCHEME, K.OPERATOR}),
        R.AUTHORITY: frozenset({K.SCHEME, K.OPERATOR}),
        R.PROGRAMME: frozenset({K.PROGRAMME}),
        R.ADMINISTRATOR: frozenset({K.GLOBAL, K.OPERATOR}),
    }
)

# Roles whose holders work in the back office and must use a second factor.
STAFF_ROLES: frozenset[GrantRole] = frozenset(set(GrantRole) - {R.CLUSTER_MANAGER})
# Roles that oversee every procedure of the schemes in their scope.
OVERSIGHT_ROLES: frozenset[GrantRole] = frozenset({R.SECRETARIAT, R.AUTHORITY, R.ADMINISTRATOR})


class ScopeError(ValueError):
    """A grant that cannot exist: ``code`` says why (``scope_not_allowed``, ``scope_missing``,
    ``beyond_granter_scope``)."""

    def __init__(self, code: str, role: GrantRole, scope: ScopeKind | None) -> None:
        self.code, self.role, self.scope = code, role, scope
        super().__init__(f"{code}: {role} for {scope}")


def check_scope(role: GrantRole | str, scope: ScopeKind | str | None) -> None:
    """Raise ``ScopeError`` unless ``role`` can be granted for a scope of kind ``scope``."""
    role = GrantRole(role)
    if scope is None:
        raise ScopeError("scope_missing", role, None)
    scope = ScopeKind(scope)
    if scope not in ROLE_SCOPES[role]:
        raise ScopeError("scope_not_allowed", role, scope)


@dataclass(frozen=True)
class Scope:
    """A concrete scope: its kind and the key of the scheme, operator, organisation or
    programme (``None`` for the whole installation)."""

    kind: ScopeKind
    key: str | None = None


@dataclass(frozen=True)
class HeldGrant:
    """A grant as the granting rule sees it."""

    role: GrantRole
    scope: Scope


_OPERATOR_GRANTABLE = frozenset(
    {
        GrantRole.SECRETARIAT,
        GrantRole.ASSESSOR,
        GrantRole.BOARD_MEMBER,
        GrantRole.AUTHORITY,
        GrantRole.ADMINISTRATOR,
    }
)


def may_grant(
    granter: Iterable[HeldGrant],
    role: GrantRole | str,
    scope: Scope,
    *,
    scheme_operator: str | None = None,
) -> bool:
    """Whether someone holding the grants ``granter`` may grant (or revoke) ``role`` for
    ``scope``; raises ``ScopeError`` when the role cannot be held for such a scope at all.

    Only administrators manage grants, and never beyond their own scope: an installation
    administrator may grant anything; an operator's administrator only the scheme roles and
    administrator for that operator, or for one of its schemes (``scheme_operator`` is the
    operator running the scheme of a scheme-scoped grant).
    """
    role = GrantRole(role)
    check_scope(role, scope.kind)
    for held in granter:
        if held.role != GrantRole.ADMINISTRATOR:
            continue
        if held.scope.kind == ScopeKind.GLOBAL:
            return True
        operator = held.scope.key
        if role not in _OPERATOR_GRANTABLE or operator is None:
            continue
        if scope.kind == ScopeKind.OPERATOR and scope.key == operator:
            return True
        if scope.kind == ScopeKind.SCHEME and scheme_operator == operator:
            return True
    return False


# --- activities ------------------------------------------------------------------------------


class Activity(StrEnum):
    """What a person does that is not a state change of the procedure."""

    # procedures
    VIEW_PROCEDURE = "view_procedure"
    VIEW_PROCEDURE_FILE = "view_procedure_file"  # application, self-assessment, evidence
    EDIT_APPLICATION = "edit_application"
    EDIT_SELF_ASSESSMENT = "edit_self_assessment"
    UPLOAD_EVIDENCE = "upload_evidence"
    PROPOSE_PANEL = "propose_panel"
    DECLARE_CONFLICT = "declare_conflict"
    DECLARE_BOARD_CONFLICT = "declare_board_conflict"
    SCORE = "score"
    CONFIRM_SCORE = "confirm_score"
    AGREE_REPORT = "agree_report"
    READ_SCORES = "read_scores"
    READ_BOARD_VOTES = "read_board_votes"
    READ_INTERNAL_AUDIT = "read_internal_audit"  # the trail beyond the applicant's own steps
    READ_PANEL_DECLARATIONS = "read_panel_declarations"  # who declared no conflict
    READ_BOARD_DECLARATIONS = "read_board_declarations"  # board members' declarations, notes
    READ_CONTACT_DETAILS = "read_contact_details"
    # the assessment appointment (``clusterlabel.scheduling``): the panel and the secretariat
    # propose a date; only the scheme's secretariat fixes it (and reschedules, with a reason);
    # the panel, the organisation's managers and the secretariat see it and download the
    # invitation (.ics) — nobody else, as it names people, places and a meeting link
    PROPOSE_APPOINTMENT = "propose_appointment"
    FIX_APPOINTMENT = "fix_appointment"
    VIEW_APPOINTMENT = "view_appointment"
    # an assessor's own availability periods (the policy gives the role on a period only to
    # its owner)
    MANAGE_AVAILABILITY = "manage_availability"
    # the structured assessment report (findings per category, comparison with the previous
    # cycle): the panel writes it with AGREE_REPORT; the board and the authority read it before
    # they vote and decide; the organisation once the authority has decided
    READ_REPORT = "read_report"
    # the organisation's feedback on the procedure and the panel: given once by its managers
    # after the decision; read only in aggregate, per scheme, by its secretariat and operator
    GIVE_FEEDBACK = "give_feedback"
    READ_FEEDBACK = "read_feedback"
    # organisations
    BROWSE_ORGANISATIONS = "browse_organisations"  # the list of every visible organisation
    VIEW_ORGANISATION = "view_organisation"
    EDIT_ORGANISATION = "edit_organisation"
    CHANGE_MANAGERS = "change_managers"
    CREATE_ORGANISATION = "create_organisation"
    CONFIRM_ORGANISATION = "confirm_organisation"
    # Two records of one organisation (from two registers) become one: its labels, procedures,
    # assessments and grants move onto the one kept. Register maintenance, not a procedural
    # step: the secretariat whose scheme the organisation's labels and procedures belong to,
    # and administrators (of the installation, or of that operator) cleaning up a migration.
    MERGE_ORGANISATIONS = "merge_organisations"
    APPLY = "apply"
    # labels
    MANAGE_LABEL = "manage_label"
    BROWSE_LABELS = "browse_labels"  # the back office's list of labels, with their history
    IMPORT_LABELS = "import_labels"
    # the overdue list: procedures whose current step is past its due date
    TRACK_DEADLINES = "track_deadlines"
    # benchmarking
    VIEW_BENCHMARK_REPORT = "view_benchmark_report"
    VIEW_POOL = "view_pool"
    # programmes: their members' labels and procedures, and the rule they must meet
    VIEW_PROGRAMME = "view_programme"
    MANAGE_PROGRAMMES = "manage_programmes"
    # invoices: the cluster manager sees those addressed to their organisation; the scheme's
    # secretariat (directly or through its operator) sees them all and sets the payment status
    VIEW_INVOICE = "view_invoice"
    MANAGE_INVOICE = "manage_invoice"
    # webhooks: an operator's endpoints (its secretariat or administrator, granted for the
    # operator) and a programme's (its staff, installation administrators)
    MANAGE_WEBHOOKS = "manage_webhooks"
    # the expert pool: an assessor keeps their own profile (languages, sectors, countries,
    # qualifications, declared conflicts); the scheme's secretariat reads the pool of its
    # scheme and confirms the qualifications for it
    EDIT_OWN_ASSESSOR_PROFILE = "edit_own_assessor_profile"
    VIEW_ASSESSOR_POOL = "view_assessor_pool"
    CONFIRM_QUALIFICATION = "confirm_qualification"
    # the installation
    MANAGE_ACCOUNTS = "manage_accounts"
    USE_BACK_OFFICE = "use_back_office"
    # data protection: carry out a person's erasure (installation administrators only: the
    # policy gives the administrator role on an account only for a grant of the installation)
    ERASE_PERSON = "erase_person"


ANY_STATE: frozenset[State] = frozenset(State)
# The organisation sees the assessment's result once the authority has decided (not when it
# withdraws before the decision).
DECIDED: frozenset[State] = frozenset({State.AWARDED, State.REFUSED})
_ASSESSMENT = frozenset({State.ASSESSMENT_IN_PROGRESS})
_BOARD_READ = frozenset({State.BOARD_REVIEW})
# The organisation edits its self-assessment until it submits it.
SELF_ASSESSMENT_OPEN: frozenset[State] = frozenset(
    {State.DRAFT, State.APPLIED, State.CHANGES_REQUESTED, State.CONTRACTED}
)
# The secretariat (re)composes the panel and sets the date; assessors declare conflicts.
PANEL_OPEN: frozenset[State] = frozenset(
    {State.SELF_ASSESSMENT_SUBMITTED, State.ASSESSORS_ASSIGNED}
)
_PANEL_STATES = PANEL_OPEN


@dataclass(frozen=True)
class Rule:
    """Who may carry out an activity: for each role, the procedure states in which it may
    (``ANY_STATE`` for activities that are not about a procedure)."""

    roles: Mapping[GrantRole, frozenset[State]]


def _rule(**roles: frozenset[State]) -> Rule:
    return Rule(MappingProxyType({GrantRole(role): states for role, states in roles.items()}))


_OVERSIGHT_ANY = {"secretariat": ANY_STATE, "authority": ANY_STATE, "administrator": ANY_STATE}

# fmt: off
ACTIVITIES: Mapping[Activity, Rule] = MappingProxyType({
    Activity.VIEW_PROCEDURE: _rule(
        cluster_manager=ANY_STATE, assessor=ANY_STATE, board_member=_BOARD_READ,
        programme=ANY_STATE, **_OVERSIGHT_ANY),
    Activity.VIEW_PROCEDURE_FILE: _rule(
        cluster_manager=ANY_STATE, assessor=ANY_STATE, board_member=_BOARD_READ,
        **_OVERSIGHT_ANY),
    Activity.EDIT_APPLICATION: _rule(
        cluster_manager=frozenset({State.DRAFT, State.CHANGES_REQUESTED})),
    Activity.EDIT_SELF_ASSESSMENT: _rule(cluster_manager=SELF_ASSESSMENT_OPEN),
    Activity.UPLOAD_EVIDENCE: _rule(cluster_manager=SELF_ASSESSMENT_OPEN, assessor=_ASSESSMENT),
    Activity.PROPOSE_PANEL: _rule(secretariat=_PANEL_STATES),
    Activity.DECLARE_CONFLICT: _rule(assessor=_PANEL_STATES),
    Activity.DECLARE_BOARD_CONFLICT: _rule(board_member=_BOARD_READ),
    Activity.SCORE: _rule(assessor=_ASSESSMENT),
    Activity.CONFIRM_SCORE: _rule(assessor=_ASSESSMENT),
    Activity.AGREE_REPORT: _rule(assessor=_ASSESSMENT),
    Activity.READ_SCORES: _rule(
        cluster_manager=DECIDED, assessor=ANY_STATE, board_member=_BOARD_READ, **_OVERSIGHT_ANY),
    Activity.READ_BOARD_VOTES: _rule(board_member=_BOARD_READ, **_OVERSIGHT_ANY),
    Activity.READ_INTERNAL_AUDIT: _rule(
        assessor=ANY_STATE, board_member=_BOARD_READ, **_OVERSIGHT_ANY),
    Activity.READ_PANEL_DECLARATIONS: _rule(
        assessor=ANY_STATE, board_member=_BOARD_READ, **_OVERSIGHT_ANY),
    Activity.READ_BOARD_DECLARATIONS: _rule(**_OVERSIGHT_ANY),
    Activity.READ_CONTACT_DETAILS: _rule(**_OVERSIGHT_ANY),
    Activity.PROPOSE_APPOINTMENT: _rule(secretariat=_PANEL_STATES, assessor=_PANEL_STATES),
    Activity.FIX_APPOINTMENT: _rule(secretariat=_PANEL_STATES),
    Activity.VIEW_APPOINTMENT: _rule(
        cluster_manager=ANY_STATE, assessor=ANY_STATE, secretariat=ANY_STATE),
    Activity.MANAGE_AVAILABILITY: _rule(assessor=ANY_STATE),
    Activity.READ_REPORT: _rule(
        cluster_manager=DECIDED, assessor=ANY_STATE, board_member=_BOARD_READ, **_OVERSIGHT_ANY),
    Activity.GIVE_FEEDBACK: _rule(cluster_manager=DECIDED),
    Activity.READ_FEEDBACK: _rule(secretariat=ANY_STATE, administrator=ANY_STATE),
    Activity.BROWSE_ORGANISATIONS: _rule(programme=ANY_STATE, **_OVERSIGHT_ANY),
    Activity.VIEW_ORGANISATION: _rule(
        cluster_manager=ANY_STATE, assessor=ANY_STATE, board_member=ANY_STATE,
        programme=ANY_STATE, **_OVERSIGHT_ANY),
    Activity.EDIT_ORGANISATION: _rule(cluster_manager=ANY_STATE, secretariat=ANY_STATE),
    Activity.CHANGE_MANAGERS: _rule(secretariat=ANY_STATE),
    Activity.CREATE_ORGANISATION: _rule(secretariat=ANY_STATE),
    Activity.CONFIRM_ORGANISATION: _rule(secretariat=ANY_STATE),
    Activity.MERGE_ORGANISATIONS: _rule(secretariat=ANY_STATE, administrator=ANY_STATE),
    Activity.APPLY: _rule(cluster_manager=ANY_STATE, secretariat=ANY_STATE),
    Activity.MANAGE_LABEL: _rule(secretariat=ANY_STATE, authority=ANY_STATE),
    Activity.BROWSE_LABELS: _rule(**_OVERSIGHT_ANY),
    Activity.IMPORT_LABELS: _rule(secretariat=ANY_STATE, administrator=ANY_STATE),
    Activity.TRACK_DEADLINES: _rule(secretariat=ANY_STATE),
    Activity.VIEW_BENCHMARK_REPORT: _rule(cluster_manager=ANY_STATE, **_OVERSIGHT_ANY),
    Activity.VIEW_POOL: _rule(**_OVERSIGHT_ANY),
    Activity.VIEW_PROGRAMME: _rule(programme=ANY_STATE, administrator=ANY_STATE),
    Activity.MANAGE_PROGRAMMES: _rule(administrator=ANY_STATE),
    Activity.VIEW_INVOICE: _rule(cluster_manager=ANY_STATE, secretariat=ANY_STATE),
    Activity.MANAGE_INVOICE: _rule(secretariat=ANY_STATE),
    Activity.MANAGE_WEBHOOKS: _rule(
        secretariat=ANY_STATE, programme=ANY_STATE, administrator=ANY_STATE),
    Activity.EDIT_OWN_ASSESSOR_PROFILE: _rule(assessor=ANY_STATE),
    Activity.VIEW_ASSESSOR_POOL: _rule(secretariat=ANY_STATE),
    Activity.CONFIRM_QUALIFICATION: _rule(secretariat=ANY_STATE),
    Activity.MANAGE_ACCOUNTS: _rule(administrator=ANY_STATE),
    Activity.USE_BACK_OFFICE: _rule(secretariat=ANY_STATE, administrator=ANY_STATE),
    Activity.ERASE_PERSON: _rule(administrator=ANY_STATE),
})
# fmt: on

del R, K


def roles_for(activity: Activity | str) -> frozenset[GrantRole]:
    """The roles that may carry out ``activity`` in some state."""
    return frozenset(ACTIVITIES[Activity(activity)].roles)


def states_for(activity: Activity | str, role: GrantRole | str) -> frozenset[State]:
    """The procedure states in which ``role`` may carry out ``activity`` (empty: never)."""
    return ACTIVITIES[Activity(activity)].roles.get(GrantRole(role), frozenset())


def permits(
    activity: Activity | str, roles: Iterable[GrantRole | str], state: State | str | None = None
) -> GrantRole | None:
    """The first of ``roles`` (in ``GrantRole`` order) that may carry out ``activity`` in
    ``state``, or ``None``. ``state`` is the procedure's state; ``None`` for an object that is
    not a procedure (then any role of the rule will do)."""
    rule = ACTIVITIES[Activity(activity)]
    held = {GrantRole(role) for role in roles}
    for role in GrantRole:
        allowed = rule.roles.get(role) if role in held else None
        if allowed is not None and (state is None or State(state) in allowed):
            return role
    return None
