"""Roles and scopes as the database stores them; values match ``clusterlabel.domain.access``."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.accounts.choices import Role as GrantRole

__all__ = ["GrantRole", "ScopeKind"]


class ScopeKind(models.TextChoices):
    ORGANISATION = "organisation", _("organisation")
    SCHEME = "scheme", _("scheme")
    OPERATOR = "operator", _("operator")
    PROGRAMME = "programme", _("programme")
    GLOBAL = "global", _("installation")
