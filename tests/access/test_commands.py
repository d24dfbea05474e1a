"""``clusterlabel users`` and ``roles``, ``createsuperuser``, and the invitation link."""

from __future__ import annotations

import re
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from clusterlabel.access.models import Grant
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.invitations import InvitationTokenGenerator
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from tests.access.conftest import BW, ESCA
from tests.factories import PASSWORD, OrganisationFactory, ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

STRONG = "a-long-and-unusual-passphrase-17"


def run(*args: str, stdin: str | None = None) -> str:
    out = StringIO()
    options = {"stdout": out}
    if stdin is not None:
        options["stdin"] = StringIO(stdin)
    call_command(*args, **options)
    return out.getvalue()


def refused(*args: str, stdin: str | None = None) -> str:
    """The one line a refused command prints."""
    with pytest.raises(CommandError) as error:
        run(*args, stdin=stdin)
    message = str(error.value)
    assert "\n" not in message
    return message


def invitation_path(message: mail.EmailMessage) -> str:
    match = re.search(r"http://[^/\s]+(/accounts/invitation/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """``users create`` without a password, the e-mail sent once the account is committed."""

    def create(username: str, language: str = "de") -> mail.EmailMessage:
        with django_capture_on_commit_callbacks(execute=True):
            output = run(
                "users",
                "create",
                username,
                "--email",
                f"{username}@example.org",
                "--name",
                "Erika Muster",
                "--language",
                language,
            )
        assert f"invitation sent to {username}@example.org" in output
        return mail.outbox[-1]

    return create


# --- users create ----------------------------------------------------------------------------


def test_create_with_a_password_from_stdin():
    output = run(
        "users",
        "create",
        "erika",
        "--email",
        "erika@example.org",
        "--name",
        "Erika Maria Muster",
        "--language",
        "en",
        "--country",
        "de",
        "--password-stdin",
        stdin=STRONG + "\n",
    )
    user = User.objects.get(username="erika")
    assert output == "Created Erika Maria Muster (erika).\n"
    assert (user.first_name, user.last_name, user.preferred_language, user.country) == (
        "Erika",
        "Maria Muster",
        "en",
        "DE",
    )
    assert authenticate(username="erika", password=STRONG) == user
    assert not user.grants.exists() and mail.outbox == []
    event = AuditEvent.objects.get(action="account.create")
    assert event.actor is None and event.after["email"] == "erika@example.org"


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("12345678\n", "This password is too common."),
        ("erika-example\n", "too similar"),
        ("short\n", "too short"),
        ("\n", "No password on standard input."),
        ("", "No password on standard input."),
    ],
)
def test_create_refuses_a_weak_or_missing_password(stdin, message):
    line = refused(
        "users", "create", "erika", "--email", "erika@example.org", "--password-stdin", stdin=stdin
    )
    assert message in line
    assert not User.objects.filter(username="erika").exists()


def test_create_refuses_a_taken_username_address_or_a_bad_country():
    UserFactory(username="taken", email="taken@example.org")
    assert "username already exists" in refused(
        "users", "create", "taken", "--email", "new@example.org"
    )
    assert refused("users", "create", "new", "--email", "TAKEN@example.org") == (
        "Another account uses this e-mail address."
    )
    assert "“Atlantis” is not a country" in refused(
        "users", "create", "new", "--email", "n@example.org", "--country", "Atlantis"
    )
    assert "valid email" in refused("users", "create", "new", "--email", "not-an-address")
    assert not User.objects.filter(username="new").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("typed", ["Deutschland", "Germany", "DEU", " de "])
def test_create_reads_the_country_by_name_or_code_and_never_cuts_it(typed):
    run(
        "users", "create", "erika", "--email", "erika@example.org", "--country", typed,
        "--password-stdin", stdin=STRONG + "\n",
    )  # fmt: skip
    assert User.objects.get(username="erika").country == "DE"  # not "De" (the name cut short)


# --- the invitation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "greeting"), [("de", "Guten Tag Erika Muster,"), ("en", "Hello Erika Muster,")]
)
def test_the_invitation_is_written_in_the_persons_language(invite, language, greeting):
    message = invite("erika", language)
    assert message.to == ["erika@example.org"]
    assert message.body.startswith(greeting)
    assert "Your username is erika." in message.body or "erika" in message.body
    if language == "en":
        assert "The link works once and for 7 days." in message.body
        assert message.subject == "Your clusterlabel account"
    assert not User.objects.get(username="erika").has_usable_password()


def test_no_invitation_for_an_account_that_was_not_created():
    UserFactory(username="taken")
    refused("users", "create", "taken", "--email", "other@example.org")
    assert mail.outbox == []


def test_the_invitation_link_sets_the_password_once(invite, client):
    path = invitation_path(invite("erika"))
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="new_password1"' in page.content.decode()

    weak = client.post(path, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200 and "zu üblich" in weak.content.decode()

    done = client.post(path, {"new_password1": STRONG, "new_password2": STRONG})
    assert done.status_code == 302 and done["Location"] == "/accounts/login/"
    user = User.objects.get(username="erika")
    assert authenticate(username="erika", password=STRONG) == user
    assert AuditEvent.objects.filter(action="account.invitation_accept", actor=user).count() == 1

    again = client.get(path)
    assert again.status_code == 410
    assert "was used already" in again.content.decode() or "bereits" in again.content.decode()
    reused = client.post(path, {"new_password1": "x" + STRONG, "new_password2": "x" + STRONG})
    assert reused.status_code == 410
    assert authenticate(username="erika", password=STRONG) == user


def test_an_expired_invitation_is_refused(invite, client, settings):
    settings.INVITATION_DAYS = 7
    path = invitation_path(invite("erika"))
    later = InvitationTokenGenerator()._now() + timedelta(days=7, hours=1)
    with mock.patch.object(InvitationTokenGenerator, "_now", return_value=later):
        page = client.get(path)
        posted = client.post(path, {"new_password1": STRONG, "new_password2": STRONG})
    assert page.status_code == 410 and posted.status_code == 410
    assert "abgelaufen" in page.content.decode() or "expired" in page.content.decode()
    assert not User.objects.get(username="erika").has_usable_password()
    almost = InvitationTokenGenerator()._now() + timedelta(days=6, hours=23)
    with mock.patch.object(InvitationTokenGenerator, "_now", return_value=almost):
        assert client.get(path).status_code == 200


def test_the_invitation_is_no_password_reset_link(invite, client):
    """The token's own salt: a password-reset token does not open the invitation page."""
    from django.contrib.auth.tokens import default_token_generator

    path = invitation_path(invite("erika"))
    user = User.objects.get(username="erika")
    forged = path.rsplit("/", 2)[0] + "/" + default_token_generator.make_token(user) + "/"
    assert client.get(forged).status_code == 410


def test_the_invitation_form_needs_the_csrf_token(invite):
    path = invitation_path(invite("erika"))
    client = Client(enforce_csrf_checks=True)
    assert client.get(path).status_code == 200
    response = client.post(path, {"new_password1": STRONG, "new_password2": STRONG})
    assert response.status_code == 403
    assert not User.objects.get(username="erika").has_usable_password()


def test_the_invitation_page_is_in_english_when_asked(invite, client):
    path = invitation_path(invite("erika"))
    page = client.get(path, headers={"accept-language": "en"})
    assert page.status_code == 200 and "Set your password" in page.content.decode()


# --- users deactivate, set-password, list ----------------------------------------------------


def test_deactivate():
    user = UserFactory(username="leaving")
    assert "Deactivated" in run("users", "deactivate", "leaving", "--reason", "left")
    user.refresh_from_db()
    assert not user.is_active
    assert AuditEvent.objects.get(action="account.deactivate").reason == "left"
    assert refused("users", "deactivate", "leaving") == (
        "The account “leaving” is deactivated already."
    )
    assert refused("users", "deactivate", "ghost") == "There is no account “ghost”."


def test_set_password():
    user = UserFactory(username="forgetful")
    assert run("users", "set-password", "forgetful", "--password-stdin", stdin=STRONG) == (
        f"Password set for {user}.\n"
    )
    assert authenticate(username="forgetful", password=STRONG) == user
    assert "too common" in refused(
        "users", "set-password", "forgetful", "--password-stdin", stdin="password\n"
    )
    assert refused("users", "set-password", "ghost", "--password-stdin", stdin=STRONG) == (
        "There is no account “ghost”."
    )
    assert AuditEvent.objects.filter(action="account.password_reset").count() == 1


def test_list_users(loaded_schemes):
    UserFactory(username="anna", first_name="Anna", last_name="Admin", role=Role.ADMINISTRATOR)
    UserFactory(username="sam", first_name="Sam", last_name="Secretary", role=Role.SECRETARIAT)
    lines = run("users", "list").splitlines()
    assert lines[0].split() == ["username", "name", "e-mail", "status", "roles"]
    assert lines[1].split() == [
        "anna",
        "Anna",
        "Admin",
        "anna@example.org",
        "active",
        "Administrator",
    ]
    assert lines[2].split() == [
        "sam",
        "Sam",
        "Secretary",
        "sam@example.org",
        "active",
        "Secretariat",
    ]


# --- roles -----------------------------------------------------------------------------------


def test_grant_and_revoke_for_every_kind_of_scope(loaded_schemes):
    person = UserFactory(username="p", first_name="", last_name="")
    organisation = OrganisationFactory()
    ProgrammeFactory()
    assert run("roles", "grant", "p", "assessor", "--scheme", "ecei-gold") == (
        "Granted: p · Assessor · scheme ecei-gold\n"
    )
    run("roles", "grant", "p", "secretariat", "--operator", BW, "--reason", "new colleague")
    run("roles", "grant", "p", "cluster_manager", "--organisation", str(organisation.pk))
    run("roles", "grant", "p", "programme", "--programme", "go-cluster")
    run("roles", "grant", "p", "administrator")
    assert Grant.objects.filter(user=person).count() == 5
    person.refresh_from_db()
    assert person.is_staff and person.is_superuser
    assert AuditEvent.objects.filter(action="access.grant", target_id=str(person.pk)).count() == 5
    assert AuditEvent.objects.get(action="access.grant", reason="new colleague").after["scope"] == (
        "operator"
    )

    assert run("roles", "revoke", "p", "administrator") == (
        "Revoked: p · Administrator · the whole installation\n"
    )
    run("roles", "revoke", "p", "assessor", "--scheme", "ecei-gold", "--reason", "done")
    person.refresh_from_db()
    assert person.is_staff and not person.is_superuser
    assert set(Grant.objects.filter(user=person).values_list("role", flat=True)) == {
        "secretariat",
        "cluster_manager",
        "programme",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("ghost", "assessor", "--scheme", "ecei-gold"), "There is no account “ghost”."),
        (
            ("p", "boss"),
            "Unknown role “boss”. Roles: cluster_manager, secretariat, assessor, board_member, "
            "authority, programme, administrator.",
        ),
        (("p", "assessor"), "The role Assessor is granted for: operator, scheme."),
        (("p", "administrator", "--scheme", "ecei-gold"), "is granted for: installation, operator"),
        (("p", "cluster_manager", "--operator", ESCA), "is granted for: organisation."),
        (("p", "programme"), "is granted for: programme."),
        (("p", "assessor", "--scheme", "nope"), "There is no scheme “nope”."),
        (("p", "assessor", "--operator", "nope"), "There is no operator “nope”."),
        (("p", "cluster_manager", "--organisation", "999999"), "no organisation with the ID"),
        (("p", "cluster_manager", "--organisation", "abc"), "no organisation with the ID abc"),
        (("p", "programme", "--programme", "nope"), "There is no programme “nope”."),
    ],
)
def test_grant_errors(loaded_schemes, args, message):
    UserFactory(username="p")
    assert message in refused("roles", "grant", *args)
    assert not Grant.objects.exists()


def test_grant_held_already_and_revoke_not_held(loaded_schemes):
    UserFactory(username="p", first_name="", last_name="")
    run("roles", "grant", "p", "authority", "--operator", ESCA)
    assert refused("roles", "grant", "p", "authority", "--operator", ESCA) == (
        "p already holds this role for this scope."
    )
    assert refused("roles", "revoke", "p", "authority", "--scheme", "ecei-gold") == (
        "p does not hold the role Awarding authority for this scope."
    )
    assert "Unknown role" in refused("roles", "revoke", "p", "boss")
    assert "no account" in refused("roles", "revoke", "ghost", "authority", "--operator", ESCA)
    assert Grant.objects.count() == 1


def test_two_scopes_at_once_are_refused(loaded_schemes):
    UserFactory(username="p")
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("roles", "grant", "p", "assessor", "--scheme", "ecei-gold", "--operator", ESCA)


def test_list_roles(loaded_schemes):
    UserFactory(username="anna", role=Role.ADMINISTRATOR)
    sam = UserFactory(username="sam", role=Role.SECRETARIAT)
    organisation = OrganisationFactory(cluster_name="Cluster Nord", managers=[sam])
    lines = run("roles", "list").splitlines()
    assert lines[0].split() == ["user", "role", "scope"]
    assert lines[1].split() == ["anna", "Administrator", "the", "whole", "installation"]
    assert [line.split()[0] for line in lines[2:]] == ["sam", "sam", "sam"]
    assert f"Cluster manager  {organisation}" in "\n".join(lines)
    assert "operator European Secretariat" in "\n".join(lines)
    assert len(run("roles", "list", "anna").splitlines()) == 2
    UserFactory(username="empty")
    assert run("roles", "list", "empty") == "No grants.\n"
    assert refused("roles", "list", "ghost") == "There is no account “ghost”."


# --- createsuperuser -------------------------------------------------------------------------


def test_createsuperuser_makes_an_installation_administrator(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    run("createsuperuser", "--noinput", "--username", "root", "--email", "root@example.org")
    root = User.objects.get(username="root")
    assert root.is_superuser and root.is_staff and root.check_password(STRONG)
    grant = Grant.objects.get(user=root)
    with translation.override("en"):
        assert (grant.role, grant.scope_label) == ("administrator", "the whole installation")
    assert list(
        AuditEvent.objects.filter(target_id=str(root.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    ) == ["account.create", "access.grant"]
    # An older superuser is left alone.
    other = UserFactory(username="old", password=PASSWORD)
    assert not Grant.objects.filter(user=other).exists()


def test_createsuperuser_refuses_an_invalid_address(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG)
    with pytest.raises(CommandError, match=r"E-Mail-Adresse|valid email"):
        run("createsuperuser", "--noinput", "--username", "a", "--email", "a@x")
    assert not User.objects.exists() and not Grant.objects.exists()
