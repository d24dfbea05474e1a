"""Reading the values of an operator's list of label holders: names, columns, countries,
sectors, dates and labels as people write them. Pure functions and tables, used by
``clusterlabel.labels.importing``; see its docstring for the rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import translation

from clusterlabel.domain.dates import add_months_keeping_month_end, last_day_of_month
from clusterlabel.organisations.choices import Sector
from clusterlabel.schemes.models import SchemeVersion

# --- text normalisation --------------------------------------------------------------------


def fold(text: str) -> str:
    """Casefolded, without accents, ``ae/oe/ue`` as ``a/o/u`` (``Württemberg`` =
    ``Wuerttemberg`` = ``wurttemberg``). Letters of other scripts stay as they are."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ae", "a").replace("oe", "o").replace("ue", "u")


def words(text: str) -> list[str]:
    """The folded words of ``text``; punctuation separates words."""
    return re.findall(r"\w+", fold(text).replace("_", " "))


def name_key(name: str) -> str:
    """The key two spellings of one organisation's name share: folded words, with runs of
    single letters joined (``e. V.`` / ``e.V.`` -> ``ev``, ``G m b H`` -> ``gmbh``)."""
    merged: list[str] = []
    run = ""
    for word in words(name):
        if len(word) == 1:
            run += word
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(word)
    if run:
        merged.append(run)
    return " ".join(merged)


def header_key(text: str) -> str:
    return "".join(words(text))


# --- columns ---------------------------------------------------------------------------------

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "organisation": (
        "Organisation", "Organization", "Organisation name", "Organization name", "Name",
        "Legal name", "Träger", "Rechtsträger", "Institution", "Einrichtung", "CMO",
        "Cluster management organisation", "Clustermanagementorganisation", "Label holder",
        "Labelträger", "Inhaber",
    ),
    "cluster_name": (
        "Clustername", "Cluster", "Cluster name", "Clusterinitiative", "Cluster initiative",
        "Netzwerk", "Netzwerkname", "Initiative",
    ),
    "country": ("Land", "Country", "Staat", "Country code", "Ländercode", "Landescode", "ISO"),
    "sector": (
        "Branche", "Sector", "Sektor", "Industry", "Technologiefeld", "Themenfeld", "Bereich",
        "Technology field",
    ),
    "scheme": (
        "Label", "Scheme", "Labeltyp", "Label type", "Labelart", "Programm", "Auszeichnung",
        "Qualitätslabel", "Gütesiegel", "Siegel", "Award", "Zertifizierung", "Label scheme",
    ),
    "level": ("Stufe", "Level", "Labelstufe", "Label level", "Niveau", "Klasse"),
    "valid_until": (
        "Gültig bis", "Valid until", "Valid to", "Valid till", "Expires", "Expiry",
        "Expiry date", "Expiration", "Ablaufdatum", "Ablauf", "Gültigkeit", "Bis", "Enddatum",
        "End date", "Laufzeit bis", "Befristet bis", "Gültig bis einschließlich",
    ),
    "valid_from": (
        "Gültig ab", "Gültig von", "Valid from", "Ab", "Von", "Startdatum", "Start date",
        "Laufzeit von", "Laufzeit ab",
    ),
    "certificate_number": (
        "Zertifikatsnummer", "Zertifikatnummer", "Zertifikats-Nr.", "Zertifikat-Nr.",
        "Zertifikat Nr", "Zertifikat", "Certificate number", "Certificate no", "Certificate",
        "Label number", "Labelnummer", "Nummer", "Nr",
    ),
    "website": (
        "Website", "Webseite", "Homepage", "URL", "Internet", "Web", "Internetseite",
        "Internetadresse", "Web address",
    ),
}  # fmt: skip
COLUMNS = {
    header_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases
}


# --- countries -------------------------------------------------------------------------------

# ISO 3166-1 alpha-2, alpha-3 and names in English and German (native where common).
COUNTRY_NAMES: dict[str, tuple[str, ...]] = {
    "AT": ("AUT", "Austria", "Österreich"), "BE": ("BEL", "Belgium", "Belgien", "Belgique"),
    "BG": ("BGR", "Bulgaria", "Bulgarien"), "HR": ("HRV", "Croatia", "Kroatien", "Hrvatska"),
    "CY": ("CYP", "Cyprus", "Zypern"),
    "CZ": ("CZE", "Czechia", "Czech Republic", "Tschechien", "Tschechische Republik"),
    "DK": ("DNK", "Denmark", "Dänemark", "Danmark"), "EE": ("EST", "Estonia", "Estland"),
    "FI": ("FIN", "Finland", "Finnland", "Suomi"), "FR": ("FRA", "France", "Frankreich"),
    "DE": ("DEU", "Germany", "Deutschland", "Bundesrepublik Deutschland", "BRD"),
    "GR": ("GRC", "EL", "Greece", "Griechenland", "Ελλάδα"), "HU": ("HUN", "Hungary", "Ungarn"),
    "IE": ("IRL", "Ireland", "Irland"), "IT": ("ITA", "Italy", "Italien", "Italia"),
    "LV": ("LVA", "Latvia", "Lettland"), "LT": ("LTU", "Lithuania", "Litauen"),
    "LU": ("LUX", "Luxembourg", "Luxemburg"), "MT": ("MLT", "Malta"),
    "NL": ("NLD", "Netherlands", "The Netherlands", "Niederlande", "Holland", "Nederland"),
    "PL": ("POL", "Poland", "Polen", "Polska"), "PT": ("PRT", "Portugal"),
    "RO": ("ROU", "Romania", "Rumänien"), "SK": ("SVK", "Slovakia", "Slowakei"),
    "SI": ("SVN", "Slovenia", "Slowenien"), "ES": ("ESP", "Spain", "Spanien", "España"),
    "SE": ("SWE", "Sweden", "Schweden", "Sverige"), "NO": ("NOR", "Norway", "Norwegen"),
    "IS": ("ISL", "Iceland", "Island"), "LI": ("LIE", "Liechtenstein"),
    "CH": ("CHE", "Switzerland", "Schweiz", "Suisse", "Svizzera"),
    "GB": (
        "GBR", "UK", "United Kingdom", "Great Britain", "Großbritannien",
        "Vereinigtes Königreich", "England", "Scotland", "Schottland", "Wales",
    ),
    "TR": ("TUR", "Turkey", "Türkei", "Türkiye"), "UA": ("UKR", "Ukraine"),
    "RS": ("SRB", "Serbia", "Serbien"), "AL": ("ALB", "Albania", "Albanien"),
    "BA": ("BIH", "Bosnia and Herzegovina", "Bosnien und Herzegowina"),
    "ME": ("MNE", "Montenegro"), "MK": ("MKD", "North Macedonia", "Nordmazedonien"),
    "MD": ("MDA", "Moldova", "Moldau", "Moldawien"), "GE": ("GEO", "Georgia", "Georgien"),
    "AM": ("ARM", "Armenia", "Armenien"), "IL": ("ISR", "Israel"),
    "US": ("USA", "United States", "Vereinigte Staaten"), "CA": ("CAN", "Canada", "Kanada"),
    "BR": ("BRA", "Brazil", "Brasilien"), "CN": ("CHN", "China"), "IN": ("IND", "India", "Indien"),
    "JP": ("JPN", "Japan"), "KR": ("KOR", "South Korea", "Südkorea"),
    "AU": ("AUS", "Australia", "Australien"), "ZA": ("ZAF", "South Africa", "Südafrika"),
    "MA": ("MAR", "Morocco", "Marokko"), "TN": ("TUN", "Tunisia", "Tunesien"),
}  # fmt: skip
COUNTRIES = {header_key(code): code for code in COUNTRY_NAMES} | {
    header_key(name): code for code, names in COUNTRY_NAMES.items() for name in names
}


def parse_country(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of a code or name; any other two letters are taken as a
    code; ``None`` if it is neither."""
    code = COUNTRIES.get(header_key(text))
    if code:
        return code
    if re.fullmatch(r"[A-Za-z]{2}", text.strip()):
        return text.strip().upper()
    return None


# --- sectors ---------------------------------------------------------------------------------

# Word beginnings that name a sector in lists (German and English), besides the choices' names.
SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    Sector.AEROSPACE: ("luftfahrt", "raumfahrt", "aviation", "aerospace", "space"),
    Sector.AGRICULTURE_FOOD: ("lebensmittel", "ernahrung", "food", "agrar", "landwirtschaft",
                              "agricult", "agri"),
    Sector.AUTOMOTIVE_MOBILITY: ("automotive", "automobil", "fahrzeug", "mobilitat", "mobility",
                                 "kfz", "elektromobil"),
    Sector.BIOTECHNOLOGY: ("biotech", "biookonomie", "bioeconomy"),
    Sector.CHEMICALS_MATERIALS: ("chemi", "material", "werkstoff", "kunststoff", "plastic",
                                 "polymer", "leichtbau"),
    Sector.CONSTRUCTION: ("bau", "construction", "building", "architektur"),
    Sector.CREATIVE_INDUSTRIES: ("kreativ", "creative", "medien", "media", "design", "kultur",
                                 "games"),
    Sector.ENERGY_ENVIRONMENT: ("energ", "umwelt", "environment", "cleantech", "wasser", "water",
                                "klima", "climate", "solar", "wasserstoff", "hydrogen"),
    Sector.HEALTH_MEDICAL: ("gesundheit", "health", "medizin", "medical", "medtech", "life",
                            "pharma"),
    Sector.ICT: ("ikt", "ict", "it", "software", "informationstechn", "informatik", "digital",
                 "kommunikationstechn", "cyber"),
    Sector.LOGISTICS: ("logisti", "transport"),
    Sector.MARITIME: ("maritim", "schiff", "ship", "marine", "hafen", "offshore"),
    Sector.MICRO_NANO_OPTICS: ("optik", "optic", "photoni", "nano", "mikro", "micro", "laser"),
    Sector.PRODUCTION_ENGINEERING: ("produktion", "production", "maschinenbau", "engineering",
                                    "fertigung", "manufactur", "automation", "mechatroni",
                                    "industri"),
    Sector.TEXTILES: ("textil", "mode", "fashion"),
    Sector.TOURISM: ("touris",),
}  # fmt: skip
_SECTOR_BEGINNINGS = {
    sector: tuple(fold(word) for word in beginnings) for sector, beginnings in SECTOR_WORDS.items()
}


@lru_cache(maxsize=1)
def _sector_names() -> dict[str, str]:
    names = {}
    for value, label in Sector.choices:
        names[header_key(value)] = value
        for language in ("en", "de"):
            with translation.override(language):
                names[header_key(str(label))] = value
    return names


def parse_sector(text: str) -> str | None:
    """The ``Sector`` of a name or common word; the first word that names one decides."""
    exact = _sector_names().get(header_key(text))
    if exact:
        return exact
    for word in words(text):
        for sector, beginnings in _SECTOR_BEGINNINGS.items():
            for beginning in beginnings:
                if word == beginning or (len(beginning) >= 4 and word.startswith(beginning)):
                    return str(sector)
    return None


# --- dates -----------------------------------------------------------------------------------

# Each pattern with the order of its groups: y(ear), m(onth), d(ay).
_DatePatterns = tuple[tuple[re.Pattern[str], tuple[str, ...]], ...]
_DAY_PATTERNS: _DatePatterns = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?"), ("y", "m", "d")),
    (re.compile(r"(\d{1,2})\.\s*(\d{1,2})\.\s*(\d{4}|\d{2})"), ("d", "m", "y")),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), ("d", "m", "y")),
)
_MONTH_PATTERNS: _DatePatterns = (
    (re.compile(r"(\d{1,2})\s*[/.]\s*(\d{4})"), ("m", "y")),
    (re.compile(r"(\d{4})-(\d{1,2})"), ("y", "m")),
)


def parse_date(text: str) -> date | None:
    """A day, or the last day of a month given alone; ``None`` if it is not a date."""
    text = text.strip()
    for pattern, order in _DAY_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            year = parts["y"] + 2000 if parts["y"] < 100 else parts["y"]
            try:
                return date(year, parts["m"], parts["d"])
            except ValueError:
                return None
    for pattern, order in _MONTH_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            if 1 <= parts["m"] <= 12 and parts["y"] >= 1900:
                return last_day_of_month(date(parts["y"], parts["m"], 1))
            return None
    return None


# --- schemes ---------------------------------------------------------------------------------

# Words the lists use for a family besides the words of its schemes' names.
FAMILY_WORDS: dict[str, tuple[str, ...]] = {
    "bw": ("bw", "baden", "wurttemberg", "clusterexzellenz", "exzellenz", "excellence",
           "cluster", "label", "qualitatslabel", "landeslabel"),
    "ecei": ("ecei", "european", "cluster", "excellence", "initiative", "label", "esca"),
}  # fmt: skip
_IGNORED_WORDS = {"und", "and", "der", "die", "des", "the", "of", "for", "fur"}


@dataclass(frozen=True)
class SchemeLevel:
    scheme_version: SchemeVersion
    level_id: str

    @property
    def scheme_id(self) -> str:
        return self.scheme_version.scheme_id

    def __str__(self) -> str:
        level = self.scheme_version.scheme.level(self.level_id)
        return f"{self.scheme_version.name_en} ({level.name.en})"


class SchemeResolver:
    """Finds the current scheme and level a text names.

    Every (scheme, level) has a vocabulary: the words of its id, family, names in both
    languages, the level's id and names, and ``FAMILY_WORDS``. A text names it when all its
    words (numbers and filler words aside) are in that vocabulary and it fits no other.
    """

    def __init__(self, versions: Iterable[SchemeVersion]) -> None:
        self.vocabularies: list[tuple[SchemeLevel, set[str]]] = []
        for version in versions:
            scheme = version.scheme
            common = {
                *words(scheme.id),
                *words(scheme.family),
                *words(scheme.name.de),
                *words(scheme.name.en),
                *(fold(word) for word in FAMILY_WORDS.get(scheme.family, ())),
            }
            for level in scheme.levels:
                vocabulary = common | {*words(level.id), *words(level.name.de)}
                vocabulary |= set(words(level.name.en))
                self.vocabularies.append((SchemeLevel(version, level.id), vocabulary))

    def resolve(self, text: str) -> tuple[SchemeLevel | None, list[SchemeLevel]]:
        """The one match, or ``None`` and the candidates (several: ambiguous; none: unknown)."""
        wanted = {w for w in words(text) if not w.isdigit() and w not in _IGNORED_WORDS}
        if not wanted:
            return None, []
        matches = [level for level, vocabulary in self.vocabularies if wanted <= vocabulary]
        if len(matches) == 1:
            return matches[0], matches
        return None, matches


# --- websites and validity ---------------------------------------------------------------

_url = URLValidator()


def normalise_website(text: str) -> str | None:
    """A URL with a scheme (``www.x.de`` -> ``https://www.x.de``), or ``None`` if invalid."""
    text = text.strip()
    if not text:
        return ""
    if not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.IGNORECASE):
        text = "https://" + text
    try:
        _url(text)
    except ValidationError:
        return None
    return text if len(text) <= 200 else None


def derive_valid_from(scheme_version: SchemeVersion, valid_until: date) -> date:
    """The start of a validity that ends on ``valid_until``, counted back by the scheme's
    months (the inverse of ``first_award_validity`` for both anchors)."""
    months = scheme_version.scheme.validity.months
    return add_months_keeping_month_end(valid_until, -months) + timedelta(days=1)
