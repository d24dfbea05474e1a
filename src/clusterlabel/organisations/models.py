"""Cluster management organisations and who manages them."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.domain.eligibility import OrganisationProfile
from clusterlabel.organisations.choices import FundingKind, Sector

country_code = RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO code, e.g. DE."))
region_code = RegexValidator(r"^[A-Z]{2}-[A-Z0-9]{1,3}$", _("Use the ISO 3166-2 code, e.g. DE-BW."))


class Programme(models.Model):
    """A cluster programme that can sponsor or require assessments (e.g. go-cluster)."""

    slug = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(_("owner"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    """A cluster management organisation (CMO): the applicant and label holder.

    Members are counted by type; their sum is the number of committed members that eligibility
    rules ask about. Values that are not known are empty (NULL), never zero, so an eligibility
    check can say "unknown" instead of passing or failing on a guess.
    """

    legal_name = models.CharField(_("legal name"), max_length=255)
    cluster_name = models.CharField(_("cluster name"), max_length=255)
    country = models.CharField(_("country"), max_length=2, validators=[country_code])
    region = models.CharField(
        _("state or region"),
        max_length=6,
        blank=True,
        validators=[region_code],
        help_text=_("ISO 3166-2 code of the seat, e.g. DE-BW for Baden-Württemberg."),
    )
    city = models.CharField(_("city"), max_length=120, blank=True)
    sector = models.CharField(_("sector"), max_length=32, choices=Sector.choices)
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
    )
    website = models.URLField(_("website"), blank=True)
    members_companies = models.PositiveIntegerField(_("companies"), null=True, blank=True)
    members_smes = models.PositiveIntegerField(_("of which SMEs"), null=True, blank=True)
    members_research_education = models.PositiveIntegerField(
        _("research and education"), null=True, blank=True
    )
    members_public_bodies = models.PositiveIntegerField(_("public bodies"), null=True, blank=True)
    members_civil_society = models.PositiveIntegerField(
        _("civil society and others"), null=True, blank=True
    )
    staff_fte = models.DecimalField(
        _("management staff (FTE)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    annual_budget = models.DecimalField(
        _("annual budget (EUR)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    listed_in_cluster_database = models.BooleanField(
        _("listed in the state's cluster database"), null=True, blank=True
    )
    programmes = models.ManyToManyField(
        Programme, verbose_name=_("programme memberships"), blank=True
    )
    # The cluster-manager grants for this organisation (see ``clusterlabel.access.models``).
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="access.Grant",
        through_fields=("organisation", "user"),
        verbose_name=_("cluster managers"),
        related_name="managed_organisations",
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("cluster_name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(members_smes__isnull=True)
                | models.Q(members_companies__isnull=True)
                | models.Q(members_smes__lte=models.F("members_companies")),
                name="organisations_smes_within_companies",
                violation_error_message=_("There cannot be more SMEs than companies."),
            ),
        ]

    def __str__(self) -> str:
        return self.cluster_name

    MEMBER_FIELDS = {
        "companies": "members_companies",
        "research_education": "members_research_education",
        "public_bodies": "members_public_bodies",
        "civil_society": "members_civil_society",
    }

    @property
    def members_by_type(self) -> dict[str, int] | None:
        """Members per type; None when no count is known at all."""
        counts = {kind: getattr(self, field) for kind, field in self.MEMBER_FIELDS.items()}
        if all(value is None for value in counts.values()):
            return None
        return {kind: value or 0 for kind, value in counts.items()}

    @property
    def committed_members(self) -> int | None:
        by_type = self.members_by_type
        return None if by_type is None else sum(by_type.values())

    def profile(self) -> OrganisationProfile:
        """The facts the domain's eligibility rules ask about."""
        return OrganisationProfile(
            staff_fte=self.staff_fte,
            committed_members=self.committed_members,
            members_by_type=self.members_by_type,
            website=self.website or None,
            country=self.country or None,
            region=self.region or None,
            listed_in_cluster_database=self.listed_in_cluster_database,
        )


class FundingSource(models.Model):
    """One source of the organisation's annual budget, as a share of it."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="funding_sources"
    )
    kind = models.CharField(_("source"), max_length=32, choices=FundingKind.choices)
    share_percent = models.DecimalField(
        _("share of the budget (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        constraints = [
            models.UniqueConstraint(
                fields=("organisation", "kind"), name="organisations_one_share_per_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(share_percent__gte=0) & models.Q(share_percent__lte=100),
                name="organisations_share_is_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.share_percent} %"
