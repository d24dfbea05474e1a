"""People who use clusterlabel, each in exactly one role."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.accounts.choices import Language, Role


class User(AbstractUser):
    """An account. ``role`` decides which pages and actions exist for this person; the object
    checks (which organisation, which procedure) live with the objects.

    ``preferred_language`` is the language of the e-mails this person receives; the pages follow
    the language the person picks in the browser session.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.GERMAN
    )
    # Assessors: national/foreign is decided against the scheme owner's country.
    country = models.CharField(
        _("country"),
        max_length=2,
        blank=True,
        help_text=_("ISO 3166-1 alpha-2 code, e.g. DE. Needed for assessors."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="accounts_user_role_valid"
            ),
        ]

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label) if self.role else ""
