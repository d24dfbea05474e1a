"""Grants: a role held by a person for a scope. A person's rights come from these and nothing else.

The organisation's cluster managers are the cluster-manager grants for it
(``Organisation.managers`` runs through this table), so "who manages this organisation" and
"who holds a grant for it" are one fact, stored once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.choices import GrantRole, ScopeKind

if TYPE_CHECKING:
    from clusterlabel.organisations.models import Organisation, Programme

_SCHEME_ROLES = (
    GrantRole.SECRETARIAT,
    GrantRole.ASSESSOR,
    GrantRole.BOARD_MEMBER,
    GrantRole.AUTHORITY,
)
_ONLY_SCHEME = Q(
    scheme_id__gt="", operator__isnull=True, organisation__isnull=True, programme__isnull=True
)
_ONLY_OPERATOR = Q(
    scheme_id="", operator__isnull=False, organisation__isnull=True, programme__isnull=True
)
_ONLY_ORGANISATION = Q(
    scheme_id="", operator__isnull=True, organisation__isnull=False, programme__isnull=True
)
_ONLY_PROGRAMME = Q(
    scheme_id="", operator__isnull=True, organisation__isnull=True, programme__isnull=False
)
_GLOBAL = Q(scheme_id="", operator__isnull=True, organisation__isnull=True, programme__isnull=True)


class Grant(models.Model):
    """``user`` holds ``role`` for exactly one scope: a scheme (by its id, so every version of
    it), an operator (every scheme it runs), an organisation (cluster managers), a programme
    (programme staff) or the installation (administrators). The database refuses a grant whose
    scope does not fit its role and a grant held twice. Grants are written only by
    ``clusterlabel.access.services``, each with an audit event."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="grants",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=32, choices=GrantRole.choices)
    scheme_id = models.SlugField(_("scheme"), max_length=64, blank=True, default="")
    operator = models.ForeignKey(
        "schemes.Operator",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("operator"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("organisation"),
    )
    programme = models.ForeignKey(
        "organisations.Programme",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("programme"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ("user_id", "role", "scheme_id", "operator_id", "organisation_id")
        constraints = [
            models.CheckConstraint(
                condition=(
                    (Q(role=GrantRole.CLUSTER_MANAGER) & _ONLY_ORGANISATION)
                    | (Q(role__in=_SCHEME_ROLES) & (_ONLY_SCHEME | _ONLY_OPERATOR))
                    | (Q(role=GrantRole.PROGRAMME) & _ONLY_PROGRAMME)
                    | (Q(role=GrantRole.ADMINISTRATOR) & (_GLOBAL | _ONLY_OPERATOR))
                ),
                name="access_grant_scope_fits_role",
            ),
            models.UniqueConstraint(
                fields=("user", "role", "scheme_id"),
                condition=Q(scheme_id__gt=""),
                name="access_grant_unique_scheme",
            ),
            models.UniqueConstraint(
                fields=("user", "role", "operator"),
                condition=Q(operator__isnull=False),
                name="access_grant_unique_operator",
            ),
            models.UniqueConstraint(
                fields=("user", "role", "organisation"),
                condition=Q(organisation__isnull=False),
                name="access_grant_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=("user", "role", "programme"),
                condition=Q(programme__isnull=False),
                name="access_grant_unique_programme",
            ),
            models.UniqueConstraint(
                fields=("user", "role"),
                condition=_GLOBAL,
                name="access_grant_unique_global",
            ),
        ]
        indexes = [models.Index(fields=("role", "scheme_id"), name="access_grant_role_scheme")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.scope_label}"

    @property
    def scope_kind(self) -> ScopeKind:
        if self.scheme_id:
            return ScopeKind.SCHEME
        if self.operator_id:
            return ScopeKind.OPERATOR
        if self.organisation_id:
            return ScopeKind.ORGANISATION
        if self.programme_id:
            return ScopeKind.PROGRAMME
        return ScopeKind.GLOBAL

    @property
    def scope_key(self) -> str | None:
        """The scope's key as the domain sees it: scheme id, operator slug, organisation or
        programme primary key, ``None`` for the installation."""
        match self.scope_kind:
            case ScopeKind.SCHEME:
                return self.scheme_id
            case ScopeKind.OPERATOR:
                return self.operator.slug if self.operator else None
            case ScopeKind.ORGANISATION:
                return str(self.organisation_id)
            case ScopeKind.PROGRAMME:
                return str(self.programme_id)
        return None

    @property
    def scope_label(self) -> str:
        """The scope in words, for lists and the audit trail."""
        match self.scope_kind:
            case ScopeKind.SCHEME:
                return str(_("scheme %(scheme)s") % {"scheme": self.scheme_id})
            case ScopeKind.OPERATOR:
                return str(_("operator %(operator)s") % {"operator": self.operator})
            case ScopeKind.ORGANISATION:
                return str(self.organisation)
            case ScopeKind.PROGRAMME:
                return str(_("programme %(programme)s") % {"programme": self.programme})
        return str(_("the whole installation"))


# Access sits below organisations (whose services and pages ask the policy), so it reaches the
# models grants are scoped to through the app registry, never by importing them.


def organisation_model() -> type[Organisation]:
    """The organisation model (a grant's ``organisation`` scope)."""
    return cast("type[Organisation]", apps.get_model("organisations", "Organisation"))


def programme_model() -> type[Programme]:
    """The programme model (a grant's ``programme`` scope)."""
    return cast("type[Programme]", apps.get_model("organisations", "Programme"))
