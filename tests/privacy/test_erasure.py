"""Erasing a person: who may, when it is refused, and what is left afterwards."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clusterlabel.access.models import Grant
from clusterlabel.accounts.api_tokens import api_token_create
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import ApiToken, User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.presenter import present_trail
from clusterlabel.audit.services import verify_chain
from clusterlabel.privacy.models import ErasureRequest, ErasureStatus
from clusterlabel.privacy.services import ErasureRefused, erasure_request_create, person_erase
from clusterlabel.procedures.models import AssessorAssignment, Procedure
from tests.factories import OrganisationFactory, UserFactory, shipped_operators
from tests.helpers import login
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture
def erika():
    """A cluster manager of an organisation with nothing under way, with a token, a request,
    a session and an account.create event naming her."""
    from clusterlabel.access.services import user_create

    admin = UserFactory(role=Role.ADMINISTRATOR)
    person = user_create(
        actor=admin,
        username="g.beispiel",
        email="g.beispiel@example.org",
        password="a-long-enough-password-1",
        first_name="Gerlinde",
        last_name="Beispielfrau",
    )
    Grant.objects.create(user=person, role=Role.CLUSTER_MANAGER, organisation=OrganisationFactory())
    api_token_create(user=person, name="CRM sync", lifetime_days=30)
    erasure_request_create(user=person, reason="I left the cluster.")
    return person


OLD_TEXTS = ("g.beispiel", "Gerlinde", "Beispielfrau", "g.beispiel@example.org")


def test_an_installation_administrator_erases_a_person(erika):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    session_client = login(Client(), erika)
    assert Session.objects.count() == 1

    erasure = person_erase(user=erika, actor=admin, reason="request #1")

    stored = User.objects.get(pk=erika.pk)
    assert (stored.username, stored.email, stored.first_name, stored.last_name) == (
        f"erased-{erika.pk}",
        f"erased-{erika.pk}@erased.invalid",
        f"Erased person #{erika.pk}",
        "",
    )
    assert (stored.is_active, stored.has_usable_password(), stored.country) == (False, False, "")
    assert not Grant.objects.filter(user=erika).exists()
    assert ApiToken.objects.get(user=erika).revoked_at is not None
    assert Session.objects.count() == 0
    assert (erasure.grants_revoked, erasure.tokens_revoked, erasure.sessions_ended) == (1, 1, 1)
    request = ErasureRequest.objects.get(user=erika)
    assert (request.status, request.reason) == (ErasureStatus.CARRIED_OUT, "")
    # Signed out: the old session no longer reaches the person's data.
    assert session_client.get(reverse("privacy:my_data")).status_code == 302

    actions = list(
        AuditEvent.objects.filter(sequence__gt=3).values_list("action", "actor_id", "target_id")
    )
    assert actions == [
        ("access.revoke", admin.pk, str(erika.pk)),
        ("api_token.revoke", admin.pk, str(ApiToken.objects.get().pk)),
        ("account.erase", admin.pk, str(erika.pk)),
    ]
    # Her own event (the request) now carries the pseudonym; the chain is intact.
    own = AuditEvent.objects.get(action="privacy.erasure_request")
    assert own.actor_label == f"Erased person #{erika.pk}"
    assert verify_chain().ok


def test_after_erasure_no_page_of_the_trail_shows_the_old_name(erika, client):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    person_erase(user=erika, actor=admin)
    shown = present_trail(AuditEvent.objects.order_by("sequence"))
    words = " ".join(
        [s.actor for s in shown] + [f"{c.before} {c.after}" for s in shown for c in s.changes]
    )
    assert f"Erased person #{erika.pk}" in words
    for old in OLD_TEXTS:
        assert old not in words

    login(client, admin)
    pages = [reverse("admin:audit_auditevent_changelist")] + [
        reverse("admin:audit_auditevent_change", args=[pk])
        for pk in AuditEvent.objects.values_list("pk", flat=True)
    ]
    for url in pages:
        page = client.get(url)
        assert page.status_code == 200, url
        body = page.content.decode()
        for old in OLD_TEXTS:
            assert old not in body, (url, old)
    assert verify_chain().ok


@pytest.mark.parametrize("who", ["operator_admin", "secretariat", "manager", "self"])
def test_nobody_but_an_installation_administrator_erases(erika, who):
    if who == "operator_admin":
        actor = UserFactory()
        Grant.objects.create(user=actor, role=Role.ADMINISTRATOR, operator=shipped_operators()[0])
    elif who == "secretariat":
        actor = UserFactory(role=Role.SECRETARIAT)
    elif who == "manager":
        actor = UserFactory()
        Grant.objects.create(
            user=actor,
            role=Role.CLUSTER_MANAGER,
            organisation=Grant.objects.get(user=erika).organisation,
        )
    else:
        Grant.objects.create(user=erika, role=Role.ADMINISTRATOR)
        actor = erika
    events = AuditEvent.objects.count()
    with pytest.raises(ErasureRefused) as refused:
        person_erase(user=erika, actor=actor)
    assert refused.value.code == ("own_account" if who == "self" else "not_administrator")
    assert User.objects.get(pk=erika.pk).username == "g.beispiel"
    assert AuditEvent.objects.count() == events


def test_erasure_is_refused_while_the_person_is_needed_under_way():
    builder = ProcedureBuilder()  # a draft: under way
    procedure = builder.procedure
    manager = builder.manager
    assessor = UserFactory(role=Role.ASSESSOR)
    AssessorAssignment.objects.create(procedure=procedure, assessor=assessor)
    board_member = builder.board[0]
    admin = UserFactory(role=Role.ADMINISTRATOR)

    with pytest.raises(ErasureRefused) as refused:
        person_erase(user=manager, actor=admin)
    assert [b.code for b in refused.value.blockers] == ["only_cluster_manager"]
    assert str(builder.organisation) in refused.value.message
    assert f"#{procedure.pk}" in refused.value.message

    with pytest.raises(ErasureRefused) as refused:
        person_erase(user=assessor, actor=admin)
    assert [b.code for b in refused.value.blockers] == ["assessor"]

    # A board member only while the procedure is in board review.
    person_check = [b.code for b in _blockers(board_member)]
    assert person_check == []
    Procedure.objects.filter(pk=procedure.pk).update(state="board_review")
    with pytest.raises(ErasureRefused) as refused:
        person_erase(user=board_member, actor=admin)
    assert [b.code for b in refused.value.blockers] == ["board_member"]

    # A second cluster manager lifts the first one's block; a finished procedure lifts all.
    Grant.objects.create(
        user=UserFactory(), role=Role.CLUSTER_MANAGER, organisation=builder.organisation
    )
    assert _blockers(manager) == []
    Procedure.objects.filter(pk=procedure.pk).update(state="withdrawn")
    assert _blockers(assessor) == [] and _blockers(board_member) == []
    for person in (manager, assessor, board_member):
        assert User.objects.get(pk=person.pk).is_active
    person_erase(user=assessor, actor=admin)
    assert not User.objects.get(pk=assessor.pk).is_active
    assert verify_chain().ok


def _blockers(user):
    from clusterlabel.privacy.selectors import erasure_blockers

    return erasure_blockers(user=user)


def test_the_command_refuses_with_the_reasons_and_then_erases(erika, capsys):
    builder = ProcedureBuilder()
    with pytest.raises(CommandError) as refused:
        call_command("erase_person", builder.manager.username)
    assert "cannot be erased now" in str(refused.value)
    assert str(builder.organisation) in str(refused.value)
    assert User.objects.get(pk=builder.manager.pk).is_active

    call_command("erase_person", "--requests")
    assert f"account #{erika.pk} g.beispiel: can be erased" in capsys.readouterr().out
    call_command("erase_person", "g.beispiel@example.org", "--check")
    assert f"Account #{erika.pk} can be erased." in capsys.readouterr().out
    call_command("erase_person", "g.beispiel", "--reason", "asked on 1 Dec")
    out = capsys.readouterr().out
    assert f"Erased account #{erika.pk}: now 'Erased person #{erika.pk}'" in out
    event = AuditEvent.objects.get(action="account.erase")
    assert (event.actor_id, event.reason) == (None, "asked on 1 Dec")
    with pytest.raises(CommandError, match="There is no account 'nobody'"):
        call_command("erase_person", "nobody")
    call_command("erase_person", "--requests")
    assert "No open erasure requests." in capsys.readouterr().out
    assert verify_chain().ok


def test_erasing_twice_records_nothing_new(erika):
    admin = UserFactory(role=Role.ADMINISTRATOR)
    person_erase(user=erika, actor=admin)
    events = AuditEvent.objects.count()
    person_erase(user=erika, actor=admin)
    assert AuditEvent.objects.count() == events
    assert User.objects.get(pk=erika.pk).username == f"erased-{erika.pk}"
    assert verify_chain().ok


def test_reminders_sent_to_the_person_keep_no_address(erika):
    from clusterlabel.privacy.selectors import personal_data_export
    from clusterlabel.procedures.models import DeadlineReminder

    procedure = ProcedureBuilder().procedure
    DeadlineReminder.objects.create(
        procedure=procedure,
        state_entered_at=timezone.now(),
        step="draft",
        due=timezone.localdate(),
        offset=0,
        recipient=erika,
        email="g.beispiel@example.org",
    )
    (sent,) = personal_data_export(user=erika)["deadline_reminders_sent"]
    assert (sent["procedure_id"], sent["sent_to"]) == (procedure.pk, "g.beispiel@example.org")

    person_erase(user=erika, actor=UserFactory(role=Role.ADMINISTRATOR))

    assert DeadlineReminder.objects.get().email == f"erased-{erika.pk}@erased.invalid"
