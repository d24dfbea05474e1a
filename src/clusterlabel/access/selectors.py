"""Reads of accounts and grants: the scope a caller names, the grants an administrator manages."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.models import Grant, organisation_model, programme_model
from clusterlabel.access.services import GrantInvalid, ScopeChoice
from clusterlabel.accounts.models import User
from clusterlabel.domain.access import GrantRole
from clusterlabel.schemes.models import Operator, SchemeVersion


def scope_choice_find(
    *,
    scheme_id: str = "",
    operator_slug: str = "",
    organisation_id: int | str | None = None,
    programme_slug: str = "",
) -> ScopeChoice:
    """The scope named by its keys (none: the whole installation). ``GrantInvalid`` names an
    unknown scheme, operator, organisation or programme."""
    if scheme_id and not SchemeVersion.objects.filter(scheme_id=scheme_id).exists():
        raise GrantInvalid(_("There is no scheme “%(scheme)s”.") % {"scheme": scheme_id})
    operator = organisation = programme = None
    if operator_slug:
        operator = Operator.objects.filter(slug=operator_slug).first()
        if operator is None:
            raise GrantInvalid(
                _("There is no operator “%(operator)s”.") % {"operator": operator_slug}
            )
    if organisation_id is not None and organisation_id != "":
        try:
            organisation = organisation_model().objects.filter(pk=int(organisation_id)).first()
        except (TypeError, ValueError):
            organisation = None
        if organisation is None:
            raise GrantInvalid(
                _("There is no organisation with the ID %(id)s.") % {"id": organisation_id}
            )
    if programme_slug:
        programme = programme_model().objects.filter(slug=programme_slug).first()
        if programme is None:
            raise GrantInvalid(
                _("There is no programme “%(programme)s”.") % {"programme": programme_slug}
            )
    return ScopeChoice(
        scheme_id=scheme_id, operator=operator, organisation=organisation, programme=programme
    )


def grant_find(*, user: User, role: str, scope: ScopeChoice) -> Grant | None:
    """The grant of ``role`` for exactly ``scope`` that ``user`` holds, if any."""
    return (
        Grant.objects.select_related("user", "operator", "organisation", "programme")
        .filter(
            user=user,
            role=role,
            scheme_id=scope.scheme_id,
            operator=scope.operator,
            organisation=scope.organisation,
            programme=scope.programme,
        )
        .first()
    )


def grants_list(*, user: User | None = None) -> QuerySet[Grant]:
    """Every grant (of ``user``), with what its scope in words needs."""
    grants = Grant.objects.select_related(
        "user", "operator", "organisation", "programme", "granted_by"
    ).order_by("user__username", "role", "scheme_id", "operator__slug", "organisation_id")
    return grants if user is None else grants.filter(user=user)


def grants_managed_by(actor: User) -> QuerySet[Grant]:
    """The grants ``actor`` administers: all of them for an installation administrator, those
    for their operator and its schemes for an operator's administrator, none otherwise."""
    operators: set[int] = set()
    for held in policy.grants_of(actor):
        if held.role != GrantRole.ADMINISTRATOR:
            continue
        if held.is_global:
            return grants_list()
        if held.operator_id is not None:
            operators.add(held.operator_id)
    if not operators:
        return Grant.objects.none()
    schemes = SchemeVersion.objects.filter(operator_id__in=operators).values("scheme_id")
    return grants_list().filter(Q(operator_id__in=operators) | Q(scheme_id__in=schemes))
