"""The roles are declared for the database (choices) and for the rules (domain): same values."""

from clusterlabel.access.choices import GrantRole as RoleChoices
from clusterlabel.access.choices import ScopeKind as ScopeChoices
from clusterlabel.domain.access import GrantRole, ScopeKind


def test_role_choices_match_the_domain():
    assert list(RoleChoices.values) == [role.value for role in GrantRole]


def test_scope_choices_match_the_domain():
    assert set(ScopeChoices.values) == {kind.value for kind in ScopeKind}
