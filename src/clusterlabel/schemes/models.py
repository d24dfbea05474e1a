"""Scheme versions as loaded from scheme files.

The file's text is stored verbatim with its hash: an assessment points at the exact
``SchemeVersion`` it was scored under, so an old result can always be recomputed, even after a
newer version of the catalogue has been loaded.
"""

from __future__ import annotations

from functools import lru_cache

from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.domain.schemes import Scheme, load_scheme_text


@lru_cache(maxsize=64)
def _parse(content_hash: str, content: str, source: str) -> Scheme:
    # Keyed by the hash as well, so a changed row can never be served from a stale parse.
    return load_scheme_text(content, source=source)


class Operator(models.Model):
    """An organisation that runs one or more schemes (EUCLES for the ECEI labels, a ministry and
    its agency for a state label). Created from the scheme files' ``operator`` when a version is
    loaded; grants for an operator cover every scheme it runs."""

    slug = models.SlugField(_("key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2)

    class Meta:
        verbose_name = _("operator")
        verbose_name_plural = _("operators")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class SchemeVersion(models.Model):
    """One version of one scheme. Immutable once loaded: a changed catalogue is a new version.

    Exactly one version per scheme is *current*: the one new applications use.
    """

    scheme_id = models.SlugField(_("scheme"), max_length=64)
    operator = models.ForeignKey(
        Operator,
        on_delete=models.PROTECT,
        related_name="scheme_versions",
        verbose_name=_("operator"),
        null=True,
    )
    version = models.CharField(_("version"), max_length=32)
    family = models.SlugField(_("label family"), max_length=64)
    name_de = models.CharField(_("name (German)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    source_name = models.CharField(_("source file"), max_length=255)
    content = models.TextField(_("scheme file"))
    content_hash = models.CharField(_("content hash"), max_length=64)
    is_current = models.BooleanField(_("current version"), default=False)
    loaded_at = models.DateTimeField(_("loaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("scheme version")
        verbose_name_plural = _("scheme versions")
        ordering = ("family", "scheme_id", "-loaded_at")
        constraints = [
            models.UniqueConstraint(fields=("scheme_id", "version"), name="schemes_version_unique"),
            models.UniqueConstraint(
                fields=("scheme_id",),
                condition=models.Q(is_current=True),
                name="schemes_one_current_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme_id} {self.version}"

    @property
    def scheme(self) -> Scheme:
        """The parsed, validated scheme (cached per content hash)."""
        return _parse(self.content_hash, self.content, self.source_name)

    def name(self, language: str) -> str:
        return self.name_en if language == "en" else self.name_de
