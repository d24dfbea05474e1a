"""Reference data on countries and their subdivisions (ISO 3166-1 and 3166-2, from the
maintained ``pycountry`` package and its translations): read from an operator's list as a code
or a name in English, German, French, Spanish or the country's own language
(``parse_country``, ``parse_subdivision``), shown on a page in the current language
(``country_name``, ``subdivision_name``) and offered in forms (``country_choices``,
``subdivision_choices``). A leaf module (no app imports)."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from clusterlabel.core.language import current_language
from clusterlabel.core.text import header_key

# Names are read in these languages: the four the operators write in, and the own languages of
# the countries clusters are assessed in (Europe and its neighbours).
NAME_LANGUAGES = (
    "de", "fr", "es", "it", "nl", "pt", "pl", "cs", "sk", "sl", "hr", "hu", "ro", "bg", "el",
    "sv", "da", "fi", "et", "lv", "lt", "nb_NO", "is", "ga", "mt", "ca", "eu", "gl", "tr", "uk",
    "sr@latin", "sr", "sq", "mk", "bs", "ka", "hy", "he", "ru",
)  # fmt: skip

# What lists write that ISO does not: common short forms, the EU's code for Greece, the
# nations of the United Kingdom, Kosovo's user-assigned code.
EXTRA_NAMES: dict[str, tuple[str, ...]] = {
    "GB": ("UK", "Great Britain", "England", "Scotland", "Wales", "Northern Ireland"),
    "GR": ("EL",),
    "NL": ("Holland", "The Netherlands"),
    "DE": ("BRD", "Bundesrepublik Deutschland"),
    "US": ("USA", "United States of America", "America"),
    "TR": ("Turkey", "Türkei", "Turquie", "Turquía"),
    "KR": ("South Korea", "Korea", "Südkorea"),
    "RU": ("Russia",),
    "CZ": ("Czech Republic", "Tschechische Republik"),
    "MD": ("Moldova", "Moldawien"),
    "XK": ("Kosovo", "XKX"),
}
KOSOVO = "XK"  # not in ISO 3166-1; the code the EU and most registers use


@cache  # gettext.translation looks for the file on every call; pages name many places
def _translation(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


@cache
def _country_index() -> dict[str, str]:
    """Folded code or name -> alpha-2 code. A name that two countries share in different
    languages is left out rather than guessed."""
    found: dict[str, set[str]] = {}

    def add(text: str, code: str) -> None:
        if text:
            found.setdefault(header_key(text), set()).add(code)

    translations = [_translation("iso3166-1", language) for language in NAME_LANGUAGES]
    for country in pycountry.countries:
        code = country.alpha_2
        english = [
            country.name,
            getattr(country, "official_name", ""),
            getattr(country, "common_name", ""),
        ]
        for name in english:
            add(name, code)
            for translation in translations:
                add(translation.gettext(name) if name else "", code)
    index = {key: codes.pop() for key, codes in found.items() if len(codes) == 1}
    for country in pycountry.countries:  # codes win over any name
        index[header_key(country.alpha_2)] = country.alpha_2
        index[header_key(country.alpha_3)] = country.alpha_2
    for code, names in EXTRA_NAMES.items():
        for name in names:
            index[header_key(name)] = code
    index[header_key(KOSOVO)] = KOSOVO
    return index


def parse_country(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country written as a code (alpha-2 or alpha-3) or a
    name; ``None`` if it is none of these."""
    return _country_index().get(header_key(text)) if text.strip() else None


def _english_name(code: str) -> str | None:
    if code == KOSOVO:
        return "Kosovo"
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return None
    return getattr(country, "common_name", None) or country.name


def country_name(code: str, language: str | None = None) -> str:
    """The country's name in ``language`` (the current language if not given); the code if
    unknown."""
    english = _english_name(code)
    if english is None:
        return code
    language = language or current_language()
    if language == "en":
        return english
    return _translation("iso3166-1", language).gettext(english)


@cache
def _country_choices(language: str) -> tuple[tuple[str, str], ...]:
    codes = [country.alpha_2 for country in pycountry.countries] + [KOSOVO]
    named = [(code, country_name(code, language)) for code in codes]
    return tuple(sorted(named, key=lambda pair: header_key(pair[1])))


def country_choices(language: str | None = None) -> list[tuple[str, str]]:
    """Every country as (code, name in the language), by name."""
    return list(_country_choices(language or current_language()))


@cache
def _subdivision_index() -> dict[str, dict[str, str]]:
    """Country code -> folded code or name -> ISO 3166-2 code. Names are the ISO names (the
    own-language ones) and their translations; a name two subdivisions of one country share is
    left out."""
    translations = [_translation("iso3166-2", language) for language in ("en", *NAME_LANGUAGES)]
    found: dict[str, dict[str, set[str]]] = {}
    for subdivision in pycountry.subdivisions:
        names = found.setdefault(subdivision.country_code, {})
        for text in {subdivision.name, *(t.gettext(subdivision.name) for t in translations)}:
            names.setdefault(header_key(text), set()).add(subdivision.code)
    index: dict[str, dict[str, str]] = {}
    for country, names in found.items():
        index[country] = {key: codes.pop() for key, codes in names.items() if len(codes) == 1}
    for subdivision in pycountry.subdivisions:
        codes = index.setdefault(subdivision.country_code, {})
        codes[header_key(subdivision.code)] = subdivision.code
        codes[header_key(subdivision.code.split("-", 1)[1])] = subdivision.code
    return index


def parse_subdivision(text: str, country: str | None = None) -> str | None:
    """The ISO 3166-2 code of a subdivision written as its code (``DE-BW``; ``BW`` when the
    country is known) or its name (``Baden-Württemberg``, ``Bavaria``). Without a country, a
    name is looked up in every country and taken only if exactly one has it."""
    key = header_key(text)
    if not key:
        return None
    index = _subdivision_index()
    if country:
        return index.get(country.upper(), {}).get(key)
    full = text.strip().upper()
    if pycountry.subdivisions.get(code=full) is not None:
        return full
    found = {codes[key] for codes in index.values() if key in codes and len(key) > 3}
    return found.pop() if len(found) == 1 else None


def subdivision_name(code: str, language: str | None = None) -> str:
    """The subdivision's name (ISO's own-language name, translated where a translation
    exists); the code if unknown."""
    subdivision = pycountry.subdivisions.get(code=code.upper()) if code else None
    if subdivision is None:
        return code
    language = language or current_language()
    return _translation("iso3166-2", language).gettext(subdivision.name)


@cache
def subdivision_codes(country: str) -> frozenset[str]:
    """Every ISO 3166-2 code of ``country`` (all levels: regions, and provinces where ISO lists
    them); empty for a country ISO lists no subdivisions of."""
    return frozenset(s.code for s in pycountry.subdivisions.get(country_code=country) or [])


@cache
def _subdivision_choices(country: str, language: str) -> tuple[tuple[str, str], ...]:
    subdivisions = pycountry.subdivisions.get(country_code=country) or []
    named = [(s.code, subdivision_name(s.code, language)) for s in subdivisions]
    return tuple(sorted(named, key=lambda pair: header_key(pair[1])))


def subdivision_choices(country: str, language: str | None = None) -> list[tuple[str, str]]:
    """The subdivisions of ``country`` as (code, name), by name."""
    return list(_subdivision_choices(country.upper(), language or current_language()))
