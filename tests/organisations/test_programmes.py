"""Programmes are created and given their rule by the installation's operators (the
``programmes`` command) or an installation administrator, checked and audited."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command

from clusterlabel.access.models import Grant
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.organisations.models import Programme
from clusterlabel.organisations.services import programme_save
from tests.factories import ProgrammeFactory, UserFactory, grant_role, shipped_operators

pytestmark = pytest.mark.django_db

RULE = {"any_of": [{"label": "ecei-gold"}]}


def test_a_programme_is_created_with_its_rule_and_audited() -> None:
    programme = programme_save(slug="norway", name="Norwegian Innovation Clusters", rule=RULE)
    assert Programme.objects.get(slug="norway").rule == RULE
    event = AuditEvent.objects.get(action="programme.create")
    assert event.after["rule"] == RULE
    assert event.target_id == str(programme.pk)


def test_a_change_is_audited_with_before_and_after_and_no_change_records_nothing() -> None:
    ProgrammeFactory(slug="go-cluster")
    programme_save(slug="go-cluster", rule=RULE)
    programme_save(slug="go-cluster", rule=RULE)
    events = AuditEvent.objects.filter(action="programme.update")
    assert events.count() == 1
    assert events.get().before["rule"] == {}
    assert events.get().after["rule"] == RULE


def test_a_broken_rule_is_refused_naming_each_place_and_nothing_is_written() -> None:
    ProgrammeFactory(slug="go-cluster")
    with pytest.raises(ValidationError) as caught:
        programme_save(
            slug="go-cluster",
            rule={"any_of": [{"label": "ecei-gold", "procedure": "x"}, {"label": "Not a slug"}]},
        )
    messages = caught.value.message_dict["rule"]
    assert messages[0].startswith("any_of[0]: ")
    assert messages[1].startswith("any_of[1].label: ")
    assert Programme.objects.get(slug="go-cluster").rule == {}
    assert not AuditEvent.objects.filter(action__startswith="programme.").exists()


def test_an_installation_administrator_may_an_operators_administrator_may_not() -> None:
    admin = UserFactory(role=Role.ADMINISTRATOR)
    programme_save(slug="go-cluster", rule=RULE, actor=admin)
    assert AuditEvent.objects.get(action="programme.create").actor == admin
    operator_admin = UserFactory()
    Grant.objects.create(
        user=operator_admin, role=Role.ADMINISTRATOR, operator=shipped_operators()[0]
    )
    for actor in (
        operator_admin,
        grant_role(UserFactory(), Role.PROGRAMME, programme=Programme.objects.get()),
        UserFactory(role=Role.SECRETARIAT),
    ):
        with pytest.raises(PermissionDenied):
            programme_save(slug="go-cluster", rule={}, actor=actor)
    assert Programme.objects.get().rule == RULE


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("programmes", *args, stdout=out)
    return out.getvalue()


def test_the_command_sets_and_lists_programmes() -> None:
    run(
        "set",
        "go-cluster",
        "--name",
        "go-cluster",
        "--rule",
        '{"any_of": [{"label": "ecei-gold"}]}',
    )
    listing = run("list")
    assert listing.startswith(
        'go-cluster\tgo-cluster\t0 members\t{"any_of": [{"label": "ecei-gold"}]}'
    )
    run("set", "go-cluster", "--rule", "{}")
    assert Programme.objects.get().rule == {}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("{any_of", "--rule is not JSON"),
        ("[1]", "must be a JSON object"),
        ('{"any_of": [{"badge": "gold"}]}', "rule: any_of[0]: unknown keys: badge"),
    ],
)
def test_the_command_says_what_is_wrong_with_a_rule(rule: str, message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("[", r"\[").replace("]", r"\]")):
        run("set", "go-cluster", "--rule", rule)
    assert not Programme.objects.exists()
