"""Reference data on countries: ISO 3166-1 codes and the names people write for them, read
from a list (``parse_country``) and shown on a page (``country_name``). A leaf module (no app
imports)."""

from __future__ import annotations

import re

from clusterlabel.core.language import current_language
from clusterlabel.core.text import header_key

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


def country_name(code: str) -> str:
    """The country's name in the current language (German or English); the code if unknown."""
    names = COUNTRY_NAMES.get(code)
    if not names:
        return code
    if current_language() == "de" and len(names) > 2:
        return names[2]
    return names[1]
