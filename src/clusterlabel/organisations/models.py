"""Cluster management organisations, who manages them, and who asked to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.core.text import search_key
from clusterlabel.domain.eligibility import OrganisationProfile
from clusterlabel.domain.programmes import ProgrammeRule, ProgrammeRuleError, parse_rule
from clusterlabel.organisations.choices import FundingKind, Sector

country_code = RegexValidator(r"^[A-Z]{2}$", _("Use the two-letter ISO code, e.g. DE."))
region_code = RegexValidator(r"^[A-Z]{2}-[A-Z0-9]{1,3}$", _("Use the ISO 3166-2 code, e.g. DE-BW."))
vat_id_format = RegexValidator(
    r"^[A-Z]{2}[0-9A-Z+*]{2,13}$",
    _("Write the VAT ID with its country prefix and without spaces, e.g. ATU12345678."),
)


def name_search_key(legal_name: str, cluster_name: str) -> str:
    """The two names folded (:func:`clusterlabel.core.text.search_key`), separated by a space,
    which folding removes from names, so that no search term matches across the two."""
    return f"{search_key(legal_name)} {search_key(cluster_name)}"


class Programme(models.Model):
    """A cluster programme that can sponsor or require assessments (e.g. go-cluster).

    ``rule`` is what the programme requires of its members, as
    ``clusterlabel.domain.programmes.parse_rule`` reads it (``{}``: nothing); it is checked on
    ``full_clean`` and written only by ``organisations.services.programme_save``.
    """

    slug = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    owner = models.CharField(_("owner"), max_length=200, blank=True)
    rule = models.JSONField(
        _("rule for members"),
        default=dict,
        blank=True,
        help_text=_(
            'What members must hold, e.g. {"any_of": [{"label": "ecei-gold"}, '
            '{"procedure": "ecei-silver"}]}; empty: nothing.'
        ),
    )

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            parse_rule(self.rule)
        except ProgrammeRuleError as error:
            raise ValidationError(
                {
                    "rule": [
                        _("%(place)s: %(problem)s")
                        % {"place": place or _("the rule"), "problem": problem}
                        for place, problem in error.problems
                    ]
                }
            ) from error

    @property
    def member_rule(self) -> ProgrammeRule:
        """The stored rule, read (a stored rule was checked when it was saved)."""
        return parse_rule(self.rule)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class Organisation(models.Model):
    """A cluster management organisation (CMO): the applicant and label holder.

    Members are counted by type; their sum is the number of committed members that eligibility
    rules ask about. Values that are not known are empty (NULL), never zero, so an eligibility
    check can say "unknown" instead of passing or failing on a guess.

    Registration: an organisation created by the secretariat or imported from a register is
    confirmed when it is created (``confirmed_at`` defaults to now). One that a person registers
    themselves (``clusterlabel.organisations.registration``) starts unconfirmed: its managers
    edit the draft profile and prepare an application, but it is not public and no application
    of it is accepted until the secretariat of ``requested_scheme_id`` confirms it (or rejects
    it, with a reason). The database refuses an organisation both confirmed and rejected.
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
    # The fee's VAT depends on it: a business in another EU country with a VAT ID is invoiced
    # under the reverse charge (``clusterlabel.domain.fees``).
    vat_id = models.CharField(
        _("VAT identification number"),
        max_length=15,
        blank=True,
        validators=[vat_id_format],
        help_text=_(
            "With the country prefix, e.g. ATU12345678. An organisation in another EU country "
            "that gives one is invoiced without German VAT (reverse charge)."
        ),
    )
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
    # Self-registration (see the class docstring).
    confirmed_at = models.DateTimeField(
        _("confirmed at"), null=True, blank=True, default=timezone.now
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    requested_scheme_id = models.SlugField(
        _("scheme applied for"),
        max_length=64,
        blank=True,
        help_text=_("The scheme whose secretariat confirms a self-registered organisation."),
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rejected by"),
    )
    rejection_reason = models.TextField(_("reason for the rejection"), blank=True)
    # Both names as the registry's name search compares them (``name_search_key``), kept
    # current by every writer of the names; found by a trigram index on PostgreSQL (created
    # by migration 0004, not declared here: SQLite cannot build it).
    name_search_key = models.TextField(editable=False, blank=True, default="")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ("cluster_name",)
        indexes = [
            models.Index(
                fields=("requested_scheme_id",),
                condition=models.Q(confirmed_at__isnull=True, rejected_at__isnull=True),
                name="organisations_pending",
            ),
            # The registry's country and region choices (``holder_places``).
            models.Index(fields=("country", "region"), name="organisations_place"),
            # The registry filtered by a region alone (the index above needs the country
            # first): the public holders there, found without reading every organisation.
            models.Index(
                fields=("region",),
                condition=models.Q(confirmed_at__isnull=False),
                name="organisations_public_region",
            ),
            # Whether a holder is public and where (the registry's filters on the holder),
            # answered from an index alone: every registry read joins its labels to the
            # confirmed organisations, and without it the planner hashed every organisation (a
            # sequential scan) even for a few hundred labels.
            models.Index(
                fields=("id",),
                include=("country", "region", "sector"),
                condition=models.Q(confirmed_at__isnull=False),
                name="organisations_public",
            ),
            # The public registry sorted by organisation (``lower(legal_name)``, then the id):
            # its pages walk this index and each organisation's labels instead of sorting them
            # all; only confirmed organisations are public.
            models.Index(
                models.functions.Lower("legal_name"),
                models.F("id"),
                condition=models.Q(confirmed_at__isnull=False),
                name="organisations_name_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(rejected_at__isnull=True),
                name="organisations_confirmed_or_rejected",
            ),
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

    @property
    def revision(self) -> int:
        """The moment of the last change (``updated_at``, which every change of the profile,
        its shares, programmes or managers moves) in microseconds: the profile form sends
        back the revision it was filled in from, and a save from an older one is refused
        (``services.OrganisationConflict``) instead of overwriting a colleague's change."""
        return (self.updated_at - _EPOCH) // timedelta(microseconds=1)

    def set_name_search_key(self) -> None:
        """Fold the names into ``name_search_key``: every writer of ``legal_name`` or
        ``cluster_name`` calls this before saving (bulk writes too)."""
        self.name_search_key = name_search_key(self.legal_name, self.cluster_name)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    @property
    def is_pending(self) -> bool:
        """Registered by a person, waiting for the secretariat's decision."""
        return self.confirmed_at is None and self.rejected_at is None

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


class OrganisationClaim(models.Model):
    """A person's request to manage an existing organisation (one from an imported register,
    say). It grants nothing: the secretariat of ``scheme_id`` accepts it (then, and only then,
    the person is granted cluster manager for the organisation) or rejects it with a reason.
    ``accepted`` is empty exactly while the claim is open; a person has at most one open claim
    per organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_claims",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("organisation"),
    )
    scheme_id = models.SlugField(_("scheme applied for"), max_length=64)
    note = models.TextField(
        _("note"),
        blank=True,
        help_text=_("Who you are in the organisation, so the secretariat can check it."),
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    accepted = models.BooleanField(_("accepted"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("claim of an organisation")
        verbose_name_plural = _("claims of organisations")
        ordering = ("created_at", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "organisation"),
                condition=models.Q(decided_at__isnull=True),
                name="organisations_one_open_claim",
            ),
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True, accepted__isnull=True)
                | models.Q(decided_at__isnull=False, accepted__isnull=False),
                name="organisations_claim_decided_with_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None
