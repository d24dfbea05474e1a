"""Writes to accounts."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User

# Roles that work in the back office (Django admin).
STAFF_ROLES = frozenset({Role.SECRETARIAT, Role.ADMINISTRATOR})

# What the secretariat may do in the back office ("app_label.codename"). Administrators are
# superusers. Later apps add their models here.
SECRETARIAT_PERMISSIONS: tuple[str, ...] = (
    "accounts.view_user",
    "accounts.add_user",
    "accounts.change_user",
    "schemes.view_schemeversion",
    "audit.view_auditevent",
    "benchmarks.view_referenceassessment",
)


def secretariat_group_sync() -> Group:
    """The back-office group of the secretariat with exactly ``SECRETARIAT_PERMISSIONS``."""
    group, _ = Group.objects.get_or_create(name="secretariat")
    wanted = []
    for dotted in SECRETARIAT_PERMISSIONS:
        app_label, codename = dotted.split(".")
        wanted.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    group.permissions.set(wanted)
    return group


def user_create(
    *,
    username: str,
    password: str,
    role: Role,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    preferred_language: str = "de",
    country: str = "",
) -> User:
    """Create an account in one role. Back-office access follows the role: the secretariat and
    administrators are staff, administrators are superusers; nobody else is either."""
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            preferred_language=preferred_language,
            country=country,
            is_staff=role in STAFF_ROLES,
            is_superuser=role == Role.ADMINISTRATOR,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        if role == Role.SECRETARIAT:
            user.groups.add(secretariat_group_sync())
    return user
