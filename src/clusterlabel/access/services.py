"""Every write to accounts and grants. Each one checks the actor's right against the policy,
runs in one transaction and writes its audit event in it.

``actor=None`` is the system: the command line (``clusterlabel users`` / ``roles``), migrations
and the demo, run by whoever operates the installation. Staff and superuser flags are derived
here from the grants after every change (``user_flags_sync``): nobody ticks them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import password_validation
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.choices import GrantRole, ScopeKind
from clusterlabel.access.models import Grant
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain import access as rules
from clusterlabel.schemes.models import Operator, SchemeVersion

if TYPE_CHECKING:
    from clusterlabel.organisations.models import Organisation, Programme

# What the secretariat may read in the back office ("app_label.codename"). Administrators are
# superusers (installation) or hold the same read permissions plus account pages (operator).
SECRETARIAT_PERMISSIONS: tuple[str, ...] = (
    "schemes.view_schemeversion",
    "schemes.view_operator",
    "audit.view_auditevent",
    "benchmarks.view_referenceassessment",
    "organisations.view_organisation",
    "organisations.view_programme",
    "labels.view_label",
)
ADMINISTRATOR_PERMISSIONS: tuple[str, ...] = (
    *SECRETARIAT_PERMISSIONS,
    "accounts.view_user",
    "access.view_grant",
)


class AccessRefused(PermissionError):
    """The actor may not make this change; ``code`` says why (``not_administrator``,
    ``beyond_granter_scope``, ``own_grant``)."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


class GrantInvalid(ValueError):
    """The grant cannot exist: unknown role, wrong or missing scope, unknown scheme, operator,
    organisation or programme, or already held. The message says which, in the user's
    language."""


@dataclass(frozen=True)
class ScopeChoice:
    """The scope of a grant as a caller names it: at most one of these."""

    scheme_id: str = ""
    operator: Operator | None = None
    organisation: Organisation | None = None
    programme: Programme | None = None

    @property
    def kind(self) -> rules.ScopeKind:
        if self.scheme_id:
            return rules.ScopeKind.SCHEME
        if self.operator is not None:
            return rules.ScopeKind.OPERATOR
        if self.organisation is not None:
            return rules.ScopeKind.ORGANISATION
        if self.programme is not None:
            return rules.ScopeKind.PROGRAMME
        return rules.ScopeKind.GLOBAL

    def as_domain(self) -> rules.Scope:
        key: str | None
        match self.kind:
            case rules.ScopeKind.SCHEME:
                key = self.scheme_id
            case rules.ScopeKind.OPERATOR:
                key = self.operator.slug if self.operator else None
            case rules.ScopeKind.ORGANISATION:
                key = str(self.organisation.pk) if self.organisation else None
            case rules.ScopeKind.PROGRAMME:
                key = str(self.programme.pk) if self.programme else None
            case _:
                key = None
        return rules.Scope(self.kind, key)


def _held(user: Any) -> list[rules.HeldGrant]:
    """The actor's grants as the domain's granting rule reads them."""
    operators = dict(Operator.objects.values_list("pk", "slug"))
    held = []
    for g in policy.grants_of(user):
        if g.scheme_id:
            scope = rules.Scope(rules.ScopeKind.SCHEME, g.scheme_id)
        elif g.operator_id is not None:
            scope = rules.Scope(rules.ScopeKind.OPERATOR, operators.get(g.operator_id))
        elif g.organisation_id is not None:
            scope = rules.Scope(rules.ScopeKind.ORGANISATION, str(g.organisation_id))
        elif g.programme_id is not None:
            scope = rules.Scope(rules.ScopeKind.PROGRAMME, str(g.programme_id))
        else:
            scope = rules.Scope(rules.ScopeKind.GLOBAL)
        held.append(rules.HeldGrant(g.role, scope))
    return held


def _scheme_operator(scheme_id: str) -> Operator | None:
    version = (
        SchemeVersion.objects.select_related("operator")
        .filter(scheme_id=scheme_id)
        .order_by("-is_current", "-loaded_at")
        .first()
    )
    if version is None:
        raise GrantInvalid(_("There is no scheme “%(scheme)s”.") % {"scheme": scheme_id})
    return version.operator


def _check_granter(
    actor: User | None, role: str, scope: ScopeChoice, *, user: User | None = None
) -> None:
    """Refuse unless ``actor`` (``None``: the system) may grant ``role`` for ``scope`` (to
    ``user``): only administrators, within their own scope, and never to themselves (an
    administrator has no procedural powers and cannot give them to themselves, nor take away
    their own administration by mistake)."""
    if actor is not None and rules.GrantRole.ADMINISTRATOR not in policy.held_roles(actor):
        raise AccessRefused(
            "not_administrator", _("Only administrators manage accounts and roles.")
        )
    if actor is not None and user is not None and actor.pk == user.pk:
        raise AccessRefused("own_grant", _("You cannot change your own roles."))
    named = [
        bool(scope.scheme_id),
        scope.operator is not None,
        scope.organisation is not None,
        scope.programme is not None,
    ]
    if sum(named) > 1:
        raise GrantInvalid(
            _("Name one scope only: a scheme, an operator, an organisation or a programme.")
        )
    try:
        rules.check_scope(role, scope.kind)
    except rules.ScopeError as error:
        raise GrantInvalid(_scope_message(error)) from error
    operator = _scheme_operator(scope.scheme_id) if scope.scheme_id else None
    if actor is None:
        return
    if not rules.may_grant(
        _held(actor),
        role,
        scope.as_domain(),
        scheme_operator=operator.slug if operator else None,
    ):
        raise AccessRefused(
            "beyond_granter_scope",
            _("You cannot grant a role beyond your own scope."),
        )


def _scope_message(error: rules.ScopeError) -> str:
    role = GrantRole(error.role).label
    if error.code == "scope_missing":
        return _("Say for which scope the role %(role)s is granted.") % {"role": role}
    allowed = ", ".join(
        sorted(str(rules_scope_label(kind)) for kind in rules.ROLE_SCOPES[error.role])
    )
    return _("The role %(role)s is granted for: %(scopes)s.") % {"role": role, "scopes": allowed}


def rules_scope_label(kind: rules.ScopeKind) -> str:
    return str(ScopeKind(kind).label)


def _grant_snapshot(grant: Grant) -> dict[str, Any]:
    return {
        "user": grant.user.username,
        "role": grant.role,
        "scope": grant.scope_kind.value,
        "scope_key": grant.scope_key,
    }


def user_flags_sync(user: User) -> User:
    """Derive ``is_staff``, ``is_superuser`` and the back-office group from the grants: staff
    are the secretariat and administrators; only an installation administrator is a
    superuser. Saved only when something changed."""
    policy.forget_grants(user)
    grants = list(user.grants.values_list("role", "operator_id", "scheme_id"))
    roles = {role for role, _op, _scheme in grants}
    superuser = any(
        role == GrantRole.ADMINISTRATOR and op is None and not scheme for role, op, scheme in grants
    )
    staff = bool(roles & {GrantRole.SECRETARIAT, GrantRole.ADMINISTRATOR})
    # Compared with the stored flags: the caller's instance may be older than the row.
    stored = User.objects.filter(pk=user.pk).values_list("is_staff", "is_superuser").get()
    user.is_staff, user.is_superuser = staff, superuser
    if stored != (staff, superuser):
        User.objects.filter(pk=user.pk).update(is_staff=staff, is_superuser=superuser)
    wanted = set()
    if GrantRole.SECRETARIAT in roles:
        wanted.add(_group("secretariat", SECRETARIAT_PERMISSIONS))
    if GrantRole.ADMINISTRATOR in roles and not superuser:
        wanted.add(_group("operator administrator", ADMINISTRATOR_PERMISSIONS))
    user.groups.set(wanted)
    return user


def _group(name: str, permissions: tuple[str, ...]) -> Group:
    group, _created = Group.objects.get_or_create(name=name)
    wanted = []
    for dotted in permissions:
        app_label, codename = dotted.split(".")
        wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    group.permissions.set(wanted)
    return group


def grant_create(
    *, actor: User | None, user: User, role: str, scope: ScopeChoice, reason: str = ""
) -> Grant:
    """Grant ``role`` for ``scope`` to ``user``. Refused (``AccessRefused``) unless the actor
    may grant it (administrators, within their own scope); refused (``GrantInvalid``) when the
    scope does not fit the role or the grant is already held."""
    if role not in GrantRole.values:
        raise GrantInvalid(
            _("Unknown role “%(role)s”. Roles: %(roles)s.")
            % {"role": role, "roles": ", ".join(GrantRole.values)}
        )
    _check_granter(actor, role, scope, user=user)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        grant = Grant(
            user=user,
            role=role,
            scheme_id=scope.scheme_id,
            operator=scope.operator,
            organisation=scope.organisation,
            programme=scope.programme,
            granted_by=actor,
        )
        try:
            with transaction.atomic():
                grant.save()
        except IntegrityError as error:
            raise GrantInvalid(
                _("%(user)s already holds this role for this scope.") % {"user": user}
            ) from error
        user_flags_sync(user)
        audit_record(
            actor=actor,
            action="access.grant",
            target=user,
            after=_grant_snapshot(grant),
            reason=reason,
        )
    return grant


def grant_revoke(*, actor: User | None, grant: Grant, reason: str = "") -> None:
    """Revoke one grant, with the same checks as granting it."""
    scope = ScopeChoice(
        scheme_id=grant.scheme_id,
        operator=grant.operator,
        organisation=grant.organisation,
        programme=grant.programme,
    )
    _check_granter(actor, grant.role, scope, user=grant.user)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=grant.user_id)
        before = _grant_snapshot(grant)
        deleted, _per_model = Grant.objects.filter(pk=grant.pk).delete()
        if not deleted:
            raise GrantInvalid(
                _("%(user)s does not hold this role for this scope.") % {"user": user}
            )
        user_flags_sync(user)
        # The caller's copy of the person follows the stored flags and grants too.
        grant.user.is_staff, grant.user.is_superuser = user.is_staff, user.is_superuser
        policy.forget_grants(grant.user)
        audit_record(actor=actor, action="access.revoke", target=user, before=before, reason=reason)


def _check_account_manager(actor: User | None, user: User | None = None) -> None:
    """Refuse unless ``actor`` manages accounts and, for an existing account ``user``, every
    grant ``user`` holds is one ``actor`` could grant: an operator's administrator cannot
    deactivate or reset the password of someone who works beyond that operator."""
    if actor is None:
        return
    if not policy.can(actor, rules.Activity.MANAGE_ACCOUNTS):
        raise AccessRefused(
            "not_administrator", _("Only administrators manage accounts and roles.")
        )
    if user is None:
        return
    held = _held(actor)
    for grant in Grant.objects.filter(user_id=user.pk).select_related("operator", "user"):
        operator = _scheme_operator(grant.scheme_id) if grant.scheme_id else None
        if not rules.may_grant(
            held,
            grant.role,
            rules.Scope(rules.ScopeKind(grant.scope_kind.value), grant.scope_key),
            scheme_operator=operator.slug if operator else None,
        ):
            raise AccessRefused(
                "beyond_granter_scope",
                _("%(user)s holds roles beyond your own scope.") % {"user": user},
            )


def user_create(
    *,
    actor: User | None,
    username: str,
    email: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "de",
    country: str = "",
) -> User:
    """Create an account with no grants (a person who can sign in and nothing more). Without a
    password the account has an unusable one until the person sets theirs (invitation).
    Refused unless ``actor`` manages accounts; an e-mail address used by another account is
    refused."""
    _check_account_manager(actor)
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("Another account uses this e-mail address.")})
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            preferred_language=preferred_language,
            country=country,
        )
        if password:
            password_validation.validate_password(password, user)
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.full_clean()
        user.save()
        audit_record(
            actor=actor,
            action="account.create",
            target=user,
            after={
                "username": username,
                "email": email,
                "name": user.get_full_name(),
                "language": preferred_language,
            },
        )
    return user


def user_deactivate(*, actor: User | None, user: User, reason: str = "") -> User:
    """Deactivate an account: it can no longer sign in; its grants and history stay. Refused
    for someone whose grants reach beyond the actor's scope."""
    _check_account_manager(actor, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        if locked.is_active:
            locked.is_active = False
            locked.save(update_fields=["is_active"])
            audit_record(
                actor=actor,
                action="account.deactivate",
                target=locked,
                before={"active": True},
                after={"active": False},
                reason=reason,
            )
    return locked


def user_password_reset_by_staff(*, actor: User | None, user: User, password: str) -> User:
    """Set a person's password on their behalf (an administrator, or the command line). The
    password must pass the password validators (``ValidationError`` otherwise); refused for
    someone whose grants reach beyond the actor's scope (an installation administrator's
    password only by another one)."""
    _check_account_manager(actor, user)
    if actor is not None and user.is_superuser and not actor.is_superuser:
        raise AccessRefused(
            "beyond_granter_scope", _("You cannot reset an installation administrator's password.")
        )
    password_validation.validate_password(password, user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        locked.set_password(password)
        locked.save(update_fields=["password"])
        audit_record(actor=actor, action="account.password_reset", target=locked)
    return locked


def superuser_adopt(*, user: User, reason: str = "") -> Grant | None:
    """Make a superuser created outside these services (Django's ``createsuperuser``) known to
    the policy: record the account's creation and grant it administrator for the whole
    installation. ``None`` when it holds that grant already."""
    if Grant.objects.filter(
        user=user, role=GrantRole.ADMINISTRATOR, scheme_id="", operator=None
    ).exists():
        return None
    with transaction.atomic():
        audit_record(
            actor=None,
            action="account.create",
            target=user,
            after={
                "username": user.username,
                "email": user.email,
                "name": user.get_full_name(),
                "language": user.preferred_language,
            },
            reason=reason,
        )
        return grant_create(
            actor=None, user=user, role=GrantRole.ADMINISTRATOR, scope=ScopeChoice(), reason=reason
        )
