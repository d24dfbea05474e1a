"""The benchmarking reference pool: every completed assessment's indicator values."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.models import Procedure
from clusterlabel.schemes.models import SchemeVersion


class ReferenceSource(models.TextChoices):
    PROCEDURE = "procedure", _("Assessment in this system")
    IMPORT = "import", _("Imported assessment")
    SYNTHETIC = "synthetic", _("Synthetic (demo data)")


class ReferenceAssessment(models.Model):
    """One completed assessment of one organisation, as the benchmarking pool uses it.

    Guarantees: the values are the panel's (or the imported list's) values as scored under
    ``scheme_version``, in the same JSON encoding as the procedure's scores; the category and
    overall percentages were computed by the domain's scoring from exactly those values when the
    row was written. The organisation's attributes that peer groups compare (sector, country,
    founding year, committed members) are a snapshot of that day, so a later profile change
    does not move old assessments between peer groups.

    ``pool_id`` is the scheme whose pool the assessment joins (``Scheme.pool_id``: ECEI
    Silver's assessments join ECEI Bronze's). Per organisation and pool exactly one row is the
    latest (``is_latest``, kept by the services and backed by a unique constraint); the
    earlier ones are the organisation's previous cycles. An organisation is either one of ours
    (``organisation``) or, for imported and synthetic rows, an outside one identified by
    ``external_key``; its ``name`` is shown only to programme owners.
    """

    pool_id = models.SlugField(_("benchmarking pool"), max_length=64)
    scheme_version = models.ForeignKey(
        SchemeVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("scheme version")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reference_assessments",
        verbose_name=_("organisation"),
    )
    external_key = models.CharField(_("external key"), max_length=200, blank=True)
    name = models.CharField(_("name"), max_length=255)
    source = models.CharField(_("source"), max_length=16, choices=ReferenceSource.choices)
    procedure = models.OneToOneField(
        Procedure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reference_assessment",
        verbose_name=_("procedure"),
    )
    assessed_on = models.DateField(_("assessed on"))
    sector = models.CharField(_("sector"), max_length=32, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    founding_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    committed_members = models.PositiveIntegerField(_("committed members"), null=True, blank=True)
    values = models.JSONField(_("indicator values"), default=dict)
    category_percent = models.JSONField(_("score per category (%)"), default=dict)
    overall_percent = models.DecimalField(_("overall score (%)"), max_digits=9, decimal_places=4)
    is_latest = models.BooleanField(_("latest of this organisation"), default=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("reference assessment")
        verbose_name_plural = _("reference assessments")
        ordering = ["pool_id", "-assessed_on", "pk"]
        indexes = [
            models.Index(fields=["pool_id", "is_latest"], name="benchmarks_pool_latest"),
            models.Index(fields=["pool_id", "organisation"], name="benchmarks_pool_org"),
            models.Index(fields=["pool_id", "external_key"], name="benchmarks_pool_external"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(external_key=""))
                | (Q(organisation__isnull=True) & ~Q(external_key="")),
                name="benchmarks_one_identity",
            ),
            models.UniqueConstraint(
                fields=["pool_id", "organisation"],
                condition=Q(is_latest=True, organisation__isnull=False),
                name="benchmarks_one_latest_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["pool_id", "external_key"],
                condition=Q(is_latest=True) & ~Q(external_key=""),
                name="benchmarks_one_latest_per_external",
            ),
            models.CheckConstraint(
                condition=Q(overall_percent__gte=0) & Q(overall_percent__lte=100),
                name="benchmarks_overall_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.pool_id} · {self.assessed_on:%Y-%m-%d}"

    @property
    def is_synthetic(self) -> bool:
        return self.source == ReferenceSource.SYNTHETIC

    @property
    def identity(self) -> str:
        """The organisation's key in the pool (ours or an outside one)."""
        if self.organisation_id is not None:
            return f"org:{self.organisation_id}"
        return f"ext:{self.external_key}"


class StoredPool(models.Model):
    """A benchmarking pool as the reports read it, built when the pool's rows change
    (``stored_pools.pools_build``, after the commit of every write) so that no request builds it.

    Guarantees: built from the rows whose revision is ``revision``
    (``stored_pools.pool_revision``), read with the catalogue and year ``basis`` names
    (``stored_pools.pool_basis``, which starts with the layout's number); a request uses it only
    when its own basis is the same, so a row of another layout is built again, never read.
    ``figures`` are the rows' counts (and the latest pool's composition), ``data`` the pickled
    summary the pool page shows; what a report reads is in its :class:`StoredPoolPart` rows of
    the same generation. ``generation`` grows with every build, so each application process
    reads a pool once per change.
    ``kind``: ``latest`` (every organisation's latest assessment) or ``history`` (every
    organisation's latest of each year). Written by the application only.
    """

    pool_id = models.SlugField(_("benchmarking pool"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16)
    basis = models.CharField(_("catalogue and year"), max_length=128)
    revision = models.CharField(_("rows' revision"), max_length=128)
    generation = models.PositiveIntegerField(_("generation"), default=1)
    figures = models.JSONField(_("figures"), default=dict)
    data = models.BinaryField(_("pool"))
    built_at = models.DateTimeField(_("built at"), auto_now=True)

    class Meta:
        verbose_name = _("stored benchmarking pool")
        verbose_name_plural = _("stored benchmarking pools")
        constraints = [
            models.UniqueConstraint(fields=["pool_id", "kind"], name="benchmarks_one_stored_pool")
        ]

    def __str__(self) -> str:
        return f"{self.pool_id} · {self.kind} · {self.generation}"


class StoredPoolPart(models.Model):
    """A part of a stored pool that a request reads on its own: one comparison group's summary
    or one organisation's (``stored_pools.report_parts``), so that a report reads a few
    kilobytes instead of the pool.

    Guarantees: written in the same transaction as its pool's build, with the pool's
    ``generation`` then; the build replaces every part, so the parts of one generation all come
    from the same rows. Written by the application only.
    """

    stored_pool = models.ForeignKey(
        StoredPool, on_delete=models.CASCADE, related_name="parts", verbose_name=_("pool")
    )
    generation = models.PositiveIntegerField(_("generation"))
    key = models.CharField(_("key"), max_length=200)
    data = models.BinaryField(_("data"))

    class Meta:
        verbose_name = _("part of a stored benchmarking pool")
        verbose_name_plural = _("parts of stored benchmarking pools")
        constraints = [
            models.UniqueConstraint(
                fields=["stored_pool", "key"], name="benchmarks_one_stored_pool_part"
            )
        ]

    def __str__(self) -> str:
        return f"{self.stored_pool_id} · {self.key} · {self.generation}"
