"""What the pool's pages show of a profile: languages, sectors and countries named in the
reader's language, and a qualification's standing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from clusterlabel.assessors.models import AssessorProfile, Qualification
from clusterlabel.assessors.selectors import PoolRow
from clusterlabel.core.countries import country_name
from clusterlabel.core.language_names import language_name
from clusterlabel.domain.schemes import Lang
from clusterlabel.organisations.choices import Sector
from clusterlabel.schemes.models import SchemeVersion


@dataclass(frozen=True)
class ProfileWords:
    languages: list[str]
    sectors: list[str]
    countries: list[str]


def profile_words(profile: AssessorProfile | None) -> ProfileWords:
    """The profile's lists in words (empty lists without a profile)."""
    if profile is None:
        return ProfileWords([], [], [])
    return ProfileWords(
        languages=[language_name(code) for code in profile.languages],
        sectors=[str(Sector(s).label) if s in Sector.values else s for s in profile.sectors],
        countries=[country_name(code) for code in profile.countries],
    )


def level_names(language: Lang) -> dict[tuple[str, str], str]:
    """ "Scheme · level" in ``language`` for every level of the current schemes, in the
    schemes' order (1 query)."""
    names = {}
    for version in SchemeVersion.objects.filter(is_current=True).order_by("family", "scheme_id"):
        for level in version.scheme.levels:
            names[(version.scheme_id, level.id)] = (
                f"{version.name(language)} · {level.name.get(language)}"
            )
    return names


def level_name(qualification: Qualification, names: dict[tuple[str, str], str]) -> str:
    """The qualification's scheme and level in words; the ids for a scheme no longer loaded."""
    key = (qualification.scheme_id, qualification.level_id)
    return names.get(key, f"{qualification.scheme_id} · {qualification.level_id}")


def standing(qualification: Qualification, today: date) -> str:
    """Whether the qualification counts today, in words."""
    if qualification.valid_until < today:
        return _("expired")
    if not qualification.confirmed:
        return _("awaiting confirmation")
    if qualification.valid_from > today:
        return _("confirmed, valid later")
    return _("confirmed")


@dataclass(frozen=True)
class PoolLine:
    row: PoolRow
    words: ProfileWords
    qualifications: list[tuple[Qualification, str, str]]  # with its level and standing


def pool_lines(rows: list[PoolRow], today: date, language: Lang) -> list[PoolLine]:
    """The pool page's rows, each with its profile in words and its qualifications' level and
    standing (1 query for the level names)."""
    names = level_names(language)
    return [
        PoolLine(
            row=row,
            words=profile_words(row.profile),
            qualifications=[
                (q, level_name(q, names), standing(q, today)) for q in row.qualifications
            ],
        )
        for row in rows
    ]
