"""Reading the values of an operator's list of label holders that only labels know: its
columns, websites and the validity a label's end implies. The generic readers (text keys,
countries, dates, the file itself) are in ``clusterlabel.core``, sectors in
``clusterlabel.organisations.sectors`` and schemes in ``clusterlabel.schemes.resolver``; see
``clusterlabel.labels.issuing.importing`` for the rules.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from clusterlabel.core.text import header_key
from clusterlabel.domain.dates import add_months_keeping_month_end
from clusterlabel.schemes.models import SchemeVersion

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
    # The operator's mapping of a row to an existing organisation (the dry run names them).
    "organisation_id": (
        "Organisation ID", "Organization ID", "Organisations-ID", "Organisation-ID",
        "Org ID", "Organisation Nr", "Organisationsnummer", "ID Organisation",
    ),
    "website": (
        "Website", "Webseite", "Homepage", "URL", "Internet", "Web", "Internetseite",
        "Internetadresse", "Web address",
    ),
}  # fmt: skip
COLUMNS = {
    header_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases
}


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
