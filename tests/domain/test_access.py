"""The policy's pure tables: which scope fits which role, who may grant what, and which role
may carry out each activity in which procedure state."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterlabel.domain import access
from clusterlabel.domain.access import (
    ACTIVITIES,
    Activity,
    GrantRole,
    HeldGrant,
    Scope,
    ScopeError,
    ScopeKind,
    check_scope,
    may_grant,
    permits,
    roles_for,
    states_for,
)
from clusterlabel.domain.procedure import TERMINAL_STATES, State
from clusterlabel.domain.procedure import Role as FlowRole

R, K = GrantRole, ScopeKind
INSTALLATION_ADMIN = HeldGrant(R.ADMINISTRATOR, Scope(K.GLOBAL))
EUCLES_ADMIN = HeldGrant(R.ADMINISTRATOR, Scope(K.OPERATOR, "eucles"))


def test_procedural_roles_are_the_transition_tables_roles():
    assert {role.value for role in FlowRole} <= {role.value for role in GrantRole}
    assert {role.value for role in GrantRole} - {role.value for role in FlowRole} == {"programme"}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (R.CLUSTER_MANAGER, {K.ORGANISATION}),
        (R.SECRETARIAT, {K.SCHEME, K.OPERATOR}),
        (R.ASSESSOR, {K.SCHEME, K.OPERATOR}),
        (R.BOARD_MEMBER, {K.SCHEME, K.OPERATOR}),
        (R.AUTHORITY, {K.SCHEME, K.OPERATOR}),
        (R.PROGRAMME, {K.PROGRAMME}),
        (R.ADMINISTRATOR, {K.GLOBAL, K.OPERATOR}),
    ],
)
def test_each_role_fits_exactly_its_scopes(role, allowed):
    for kind in ScopeKind:
        if kind in allowed:
            check_scope(role, kind)
        else:
            with pytest.raises(ScopeError) as refused:
                check_scope(role, kind)
            assert refused.value.code == "scope_not_allowed"


def test_a_grant_without_a_scope_is_refused():
    with pytest.raises(ScopeError) as refused:
        check_scope(R.SECRETARIAT, None)
    assert refused.value.code == "scope_missing"


def test_an_installation_administrator_may_grant_anything_that_fits():
    for role, kinds in access.ROLE_SCOPES.items():
        for kind in kinds:
            assert may_grant([INSTALLATION_ADMIN], role, Scope(kind, "x"), scheme_operator="y")


def test_only_administrators_grant():
    for role in GrantRole:
        if role == R.ADMINISTRATOR:
            continue
        for kind in ScopeKind:
            held = HeldGrant(role, Scope(kind, "eucles"))
            assert not may_grant([held], R.ASSESSOR, Scope(K.OPERATOR, "eucles"))


def test_an_operators_administrator_stays_inside_the_operator():
    own_scheme = Scope(K.SCHEME, "ecei-gold")
    assert may_grant([EUCLES_ADMIN], R.ASSESSOR, Scope(K.OPERATOR, "eucles"))
    assert may_grant([EUCLES_ADMIN], R.BOARD_MEMBER, own_scheme, scheme_operator="eucles")
    assert may_grant([EUCLES_ADMIN], R.ADMINISTRATOR, Scope(K.OPERATOR, "eucles"))
    # Beyond the granter's scope: another operator, its schemes, the installation, organisations
    # and programmes (which belong to no operator).
    assert not may_grant([EUCLES_ADMIN], R.ASSESSOR, Scope(K.OPERATOR, "bw-ministry"))
    bw_scheme = Scope(K.SCHEME, "bw-cluster-excellence")
    assert not may_grant([EUCLES_ADMIN], R.AUTHORITY, bw_scheme, scheme_operator="bw-ministry")
    assert not may_grant([EUCLES_ADMIN], R.ADMINISTRATOR, Scope(K.GLOBAL))
    assert not may_grant([EUCLES_ADMIN], R.CLUSTER_MANAGER, Scope(K.ORGANISATION, "7"))
    assert not may_grant([EUCLES_ADMIN], R.PROGRAMME, Scope(K.PROGRAMME, "3"))


def test_may_grant_refuses_a_scope_that_does_not_fit_before_anything_else():
    with pytest.raises(ScopeError):
        may_grant([INSTALLATION_ADMIN], R.SECRETARIAT, Scope(K.ORGANISATION, "1"))


def test_every_activity_has_a_rule_and_every_rule_names_a_role():
    assert set(ACTIVITIES) == set(Activity)
    for activity, rule in ACTIVITIES.items():
        assert rule.roles, activity
        for states in rule.roles.values():
            assert states, activity


def test_nobody_edits_after_the_file_left_the_organisation():
    for state in State:
        allowed = permits(Activity.EDIT_SELF_ASSESSMENT, set(GrantRole), state)
        if state in {State.DRAFT, State.APPLIED, State.CHANGES_REQUESTED, State.CONTRACTED}:
            assert allowed == R.CLUSTER_MANAGER
        else:
            assert allowed is None, state


def test_assessors_score_only_while_the_assessment_runs():
    for state in State:
        expected = R.ASSESSOR if state == State.ASSESSMENT_IN_PROGRESS else None
        assert permits(Activity.SCORE, {R.ASSESSOR}, state) == expected
        assert permits(Activity.SCORE, {R.SECRETARIAT, R.AUTHORITY}, state) is None


def test_the_applicant_reads_scores_only_after_the_decision():
    assert states_for(Activity.READ_SCORES, R.CLUSTER_MANAGER) == {State.AWARDED, State.REFUSED}
    assert permits(Activity.READ_SCORES, {R.CLUSTER_MANAGER}, State.WITHDRAWN) is None


def test_the_applicant_never_reads_board_votes_or_the_internal_trail():
    for state in State:
        assert permits(Activity.READ_BOARD_VOTES, {R.CLUSTER_MANAGER}, state) is None
        assert permits(Activity.READ_INTERNAL_AUDIT, {R.CLUSTER_MANAGER}, state) is None


def test_a_programme_sees_the_state_but_not_the_file():
    for state in State:
        assert permits(Activity.VIEW_PROCEDURE, {R.PROGRAMME}, state) == R.PROGRAMME
        for activity in Activity:
            if activity in (
                Activity.VIEW_PROCEDURE,
                Activity.VIEW_ORGANISATION,
                Activity.BROWSE_ORGANISATIONS,
                Activity.VIEW_PROGRAMME,  # their programme's page (members, labels, states)
                Activity.MANAGE_WEBHOOKS,  # their programme's webhooks (the policy scopes it)
            ):
                continue
            assert permits(activity, {R.PROGRAMME}, state) is None, activity


def test_the_board_sees_the_file_only_while_it_deliberates():
    for state in State:
        expected = R.BOARD_MEMBER if state == State.BOARD_REVIEW else None
        assert permits(Activity.VIEW_PROCEDURE_FILE, {R.BOARD_MEMBER}, state) == expected


def test_administrators_have_no_procedural_powers():
    for activity in (
        Activity.EDIT_SELF_ASSESSMENT,
        Activity.SCORE,
        Activity.PROPOSE_PANEL,
        Activity.MANAGE_LABEL,
        Activity.CONFIRM_ORGANISATION,
    ):
        for state in State:
            assert permits(activity, {R.ADMINISTRATOR}, state) is None


def test_only_the_secretariat_and_administrators_merge_organisations():
    assert roles_for(Activity.MERGE_ORGANISATIONS) == {R.SECRETARIAT, R.ADMINISTRATOR}
    for role in set(GrantRole) - {R.SECRETARIAT, R.ADMINISTRATOR}:
        assert permits(Activity.MERGE_ORGANISATIONS, {role}) is None, role
    assert permits(Activity.MERGE_ORGANISATIONS, {R.ADMINISTRATOR}) == R.ADMINISTRATOR


def test_only_the_secretariat_and_administrators_import_labels():
    assert roles_for(Activity.IMPORT_LABELS) == {R.SECRETARIAT, R.ADMINISTRATOR}
    for role in set(GrantRole) - {R.SECRETARIAT, R.ADMINISTRATOR}:
        assert permits(Activity.IMPORT_LABELS, {role}) is None, role
    assert permits(Activity.IMPORT_LABELS, {R.SECRETARIAT}) == R.SECRETARIAT


def test_permits_prefers_the_first_role_in_grant_order():
    both = {R.SECRETARIAT, R.AUTHORITY}
    assert permits(Activity.MANAGE_LABEL, both) == R.SECRETARIAT
    assert permits(Activity.MANAGE_LABEL, {R.AUTHORITY}) == R.AUTHORITY


@given(
    activity=st.sampled_from(list(Activity)),
    roles=st.sets(st.sampled_from(list(GrantRole))),
    state=st.sampled_from(list(State)),
)
def test_permits_answers_with_a_held_role_allowed_in_that_state(activity, roles, state):
    role = permits(activity, roles, state)
    if role is None:
        assert all(state not in states_for(activity, held) for held in roles)
    else:
        assert role in roles
        assert state in states_for(activity, role)


def test_decided_excludes_withdrawal():
    assert access.DECIDED < TERMINAL_STATES
    assert State.WITHDRAWN not in access.DECIDED
