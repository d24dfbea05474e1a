"""What the registry filters by and how it names things.

:class:`RegistryFilters` is what the registry lists (the filter form produces it, the queries in
:mod:`clusterlabel.labels.registry.queries` read it); the status and sort choices it accepts;
the names of regions and label families; and :class:`SchemeCatalogue`, which names schemes and
levels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date

from django.utils.translation import gettext_lazy as _

from clusterlabel.core.countries import subdivision_name
from clusterlabel.core.language import current_language, lang_of
from clusterlabel.domain.labels import LabelStatus
from clusterlabel.domain.schemes import Lang
from clusterlabel.schemes.models import SchemeVersion

DEFAULT_SORT = "-valid_until"

STATUS_CHOICES = [
    ("any", _("any status")),
    (LabelStatus.VALID.value, _("valid today")),
    (LabelStatus.EXPIRED.value, _("expired")),
    (LabelStatus.NOT_YET_VALID.value, _("not yet valid")),
    (LabelStatus.SUSPENDED.value, _("suspended")),
    (LabelStatus.REVOKED.value, _("revoked")),
]

# Sort keys as the URL spells them ("-" for descending); each sorts by the fields named in
# ``_ordering``, then by certificate number so that pages never overlap.
SORT_FIELDS = ("organisation", "scheme", "level", "valid_from", "valid_until")
SORT_CHOICES = [  # the default first: an empty "sort" shows it as selected
    ("-valid_until", _("Valid until, latest first")),
    ("valid_until", _("Valid until, earliest first")),
    ("organisation", _("Organisation, A to Z")),
    ("-organisation", _("Organisation, Z to A")),
    ("scheme", _("Scheme, A to Z")),
    ("-scheme", _("Scheme, Z to A")),
    ("level", _("Level, lowest first")),
    ("-level", _("Level, highest first")),
    ("valid_from", _("Valid from, earliest first")),
    ("-valid_from", _("Valid from, latest first")),
]

FAMILY_NAMES = {
    "bw": _("State label Cluster Excellence Baden-Württemberg"),
    "ecei": _("ECEI labels (Bronze, Silver, Gold)"),
}
FAMILY_SHORT_NAMES = {"bw": _("BW state label"), "ecei": _("ECEI label")}
FAMILY_IN_QUESTIONS = {
    "bw": _("the state label Cluster Excellence Baden-Württemberg"),
    "ecei": _("an ECEI label (Bronze, Silver or Gold)"),
}


def family_in_question(family: str) -> str:
    """How "… hold <label>?" names any label of a family."""
    if family in FAMILY_IN_QUESTIONS:
        return str(FAMILY_IN_QUESTIONS[family])
    return str(_("a label of the family “%(family)s”") % {"family": family})


def region_name(code: str) -> str:
    """A state or region (ISO 3166-2) by its name in the current language."""
    return subdivision_name(code)


def family_name(family: str) -> str:
    return str(FAMILY_NAMES.get(family, family.upper()))


def family_short_name(family: str) -> str:
    return str(FAMILY_SHORT_NAMES.get(family, family.upper()))


# --- schemes as the registry names them ---------------------------------------------------------


@dataclass(frozen=True)
class SchemeEntry:
    pk: int
    scheme_id: str
    version: str
    family: str
    name_de: str
    name_en: str
    is_current: bool
    levels: Mapping[str, tuple[str, str, int]]  # level id -> (name de, name en, rank)


class SchemeCatalogue:
    """Every loaded scheme version, read with one query, to name labels and offer filters."""

    def __init__(self, versions: Iterable[SchemeVersion]) -> None:
        self.entries: dict[int, SchemeEntry] = {}
        for version in versions:
            try:
                levels = {
                    level.id: (level.name.de, level.name.en, level.rank)
                    for level in version.scheme.levels
                }
            except Exception:  # an unreadable old version must not break the list
                levels = {}
            self.entries[version.pk] = SchemeEntry(
                pk=version.pk,
                scheme_id=version.scheme_id,
                version=version.version,
                family=version.family,
                name_de=version.name_de,
                name_en=version.name_en,
                is_current=version.is_current,
                levels=levels,
            )
        # One representative per scheme: the current version, else the newest loaded.
        self.schemes: dict[str, SchemeEntry] = {}
        for entry in self.entries.values():
            known = self.schemes.get(entry.scheme_id)
            if known is None or (entry.is_current and not known.is_current):
                self.schemes[entry.scheme_id] = entry

    @classmethod
    def load(cls) -> SchemeCatalogue:
        return cls(SchemeVersion.objects.order_by("family", "scheme_id", "-loaded_at"))

    @staticmethod
    def _language(language: str | None) -> Lang:
        return lang_of(language) if language else current_language()

    def families(self) -> list[str]:
        return sorted({entry.family for entry in self.schemes.values()})

    def scheme_name(self, scheme_id: str, language: str | None = None) -> str:
        entry = self.schemes.get(scheme_id)
        if entry is None:
            return scheme_id
        return entry.name_en if self._language(language) == "en" else entry.name_de

    def level_names(self) -> dict[str, str]:
        """Level id -> name in the current language, across schemes (names joined if they
        differ)."""
        english = self._language(None) == "en"
        names: dict[str, list[str]] = {}
        for entry in self.schemes.values():
            for level_id, (name_de, name_en, _rank) in entry.levels.items():
                name = name_en if english else name_de
                if name not in names.setdefault(level_id, []):
                    names[level_id].append(name)
        return {level_id: " / ".join(parts) for level_id, parts in names.items()}

    def level_ranks(self) -> dict[str, int]:
        ranks: dict[str, int] = {}
        for entry in self.schemes.values():
            for level_id, (_de, _en, rank) in entry.levels.items():
                ranks.setdefault(level_id, rank)
        return ranks

    def label_name(
        self,
        *,
        scheme_id: str,
        level_id: str,
        scheme_version_id: int | None = None,
        language: str | None = None,
    ) -> str:
        """ "ECEI Gold Label", or scheme and level names when the level adds something."""
        english = self._language(language) == "en"
        entry = self.entries.get(scheme_version_id) if scheme_version_id else None
        entry = entry or self.schemes.get(scheme_id)
        if entry is None:
            return f"{scheme_id} {level_id}"
        scheme = entry.name_en if english else entry.name_de
        level = entry.levels.get(level_id)
        level_text = (level[1] if english else level[0]) if level else level_id
        if level_text in scheme:
            return scheme
        return f"{scheme} \N{EN DASH} {level_text}"

    def label_options(self) -> list[tuple[str, str]]:
        """(scheme id, level id, name) of every level of every scheme, for the question form."""
        options = []
        for entry in sorted(self.schemes.values(), key=lambda e: (e.family, e.scheme_id)):
            ordered = sorted(entry.levels.items(), key=lambda item: item[1][2])
            for level_id, _names in ordered:
                options.append(
                    (
                        f"{entry.scheme_id}:{level_id}",
                        self.label_name(scheme_id=entry.scheme_id, level_id=level_id),
                    )
                )
        return options


# --- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistryFilters:
    """What the registry lists; empty values do not filter."""

    q: str = ""
    family: str = ""
    scheme: str = ""
    level: str = ""
    country: str = ""
    region: str = ""
    sector: str = ""
    status: str = ""
    valid_on: date | None = None
    sort: str = DEFAULT_SORT

    def as_query(self) -> dict[str, str]:
        """The filters that filter (and a non-default sort), as URL parameters."""
        query = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "sort" and value == DEFAULT_SORT:
                continue
            if item.name == "status" and value == "any":
                continue
            if value:
                query[item.name] = value.isoformat() if isinstance(value, date) else str(value)
        return query

    @property
    def filters_anything(self) -> bool:
        query = self.as_query()
        query.pop("sort", None)
        return bool(query)
