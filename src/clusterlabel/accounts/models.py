"""People who use clusterlabel, each in exactly one role."""

from collections.abc import Callable

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.accounts.choices import Language


class User(AbstractUser):
    """An account. What this person may do comes from their grants (``clusterlabel.access``):
    roles held for a scheme, an operator, an organisation or a programme. ``is_staff`` and
    ``is_superuser`` are derived from the grants by ``clusterlabel.access.services`` and never
    edited by hand.

    ``preferred_language`` is the language of the e-mails this person receives; the pages follow
    the language the person picks in the browser session.
    """

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

    # Set on each request's user by django-otp's OTPMiddleware: whether this session has passed
    # a second factor. An annotation only, so that the model itself stays as it is.
    is_verified: Callable[[], bool]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username


class ApiToken(models.Model):
    """A personal API token: its owner's key to the API, with exactly the owner's grants.

    Guarantees: the secret is shown once, when it is made, and stored only as its SHA-256
    (``key_hash``); ``prefix`` (the first characters) is kept to tell tokens apart. A revoked
    or expired token, or one of an inactive person, authenticates nobody. Written only by
    ``clusterlabel.accounts.api_tokens``.
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("begins with"), max_length=16)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ("-created_at", "-pk")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
