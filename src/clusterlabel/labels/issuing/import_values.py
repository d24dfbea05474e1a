"""Reading the values of an operator's list of label holders that only labels know: its
columns, websites and the validity a label's end implies. The generic readers (text keys,
countries, dates, the file itself) are in ``clusterlabel.core``, sectors in
``clusterlabel.organisations.sectors`` and schemes in ``clusterlabel.schemes.resolver``; see
``clusterlabel.labels.issuing.importing`` for the rules.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal, get_args

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
        "Labelträger", "Inhaber", "Cluster organisation", "Cluster organization",
        "Nom", "Organisme", "Structure", "Nombre", "Organización", "Organismo", "Entidad",
    ),
    "cluster_name": (
        "Clustername", "Cluster", "Cluster name", "Clusterinitiative", "Cluster initiative",
        "Netzwerk", "Netzwerkname", "Initiative", "Nom du cluster", "Pôle", "Clúster",
        "Nombre del clúster",
    ),
    "country": (
        "Land", "Country", "Staat", "Country code", "Ländercode", "Landescode", "ISO", "Pays",
        "País", "Nation",
    ),
    "region": (
        "Bundesland", "Region", "State", "Federal state", "Province", "Provinz", "Région",
        "Département", "Comunidad autónoma", "Provincia", "Estado", "Subdivision", "Landesteil",
    ),
    "sector": (
        "Branche", "Sector", "Sektor", "Industry", "Technologiefeld", "Themenfeld", "Bereich",
        "Technology field", "Comparative portfolio", "Portfolio", "Secteur", "Domaine",
        "Filière", "Industria", "Ámbito",
    ),
    "scheme": (
        "Label", "Scheme", "Labeltyp", "Label type", "Labelart", "Programm", "Auszeichnung",
        "Qualitätslabel", "Gütesiegel", "Siegel", "Award", "Zertifizierung", "Label scheme",
        "Label name", "Labelname", "Nom du label", "Distinction", "Sello", "Etiqueta",
    ),
    "level": ("Stufe", "Level", "Labelstufe", "Label level", "Niveau", "Klasse", "Nivel"),
    "valid_until": (
        "Gültig bis", "Valid until", "Valid to", "Valid till", "Expires", "Expiry",
        "Expiry date", "Expiration", "Ablaufdatum", "Ablauf", "Gültigkeit", "Bis", "Enddatum",
        "End date", "Laufzeit bis", "Befristet bis", "Gültig bis einschließlich",
        "Label valid until", "Label gültig bis", "Label expires", "Expiration date",
        "Valable jusqu'au", "Valide jusqu'au", "Date d'expiration", "Date de fin", "Fin",
        "Válido hasta", "Vigente hasta", "Fecha de vencimiento", "Fecha de caducidad",
        "Fecha de fin",
    ),
    "valid_from": (
        "Gültig ab", "Gültig von", "Valid from", "Ab", "Von", "Startdatum", "Start date",
        "Laufzeit von", "Laufzeit ab", "Label valid from", "Label gültig ab",
        "Valable à partir du", "Valable depuis", "Date de début", "Début", "Válido desde",
        "Vigente desde", "Fecha de inicio",
    ),
    "awarded_on": (
        "Verliehen am", "Verliehen", "Vergeben am", "Verleihung", "Verleihungsdatum",
        "Vergabedatum", "Awarded", "Awarded on", "Award date", "Date of award", "Label date",
        "Labelled on", "Decision date", "Attribué le", "Date d'attribution", "Décerné le",
        "Otorgado", "Fecha de concesión", "Fecha de otorgamiento",
    ),
    "event": (
        "Art", "Event", "Type", "Vorgang", "Ereignis", "Verfahren", "Vergabeart", "Event type",
        "Process", "Événement", "Type d'attribution", "Tipo", "Evento",
    ),
    "certificate_number": (
        "Zertifikatsnummer", "Zertifikatnummer", "Zertifikats-Nr.", "Zertifikat-Nr.",
        "Zertifikat Nr", "Zertifikat", "Certificate number", "Certificate no", "Certificate",
        "Label number", "Labelnummer", "Nummer", "Nr", "Certificate ID",
        "Numéro de certificat", "Número de certificado",
    ),
    # The operator's mapping of a row to an existing organisation (the dry run names them).
    "organisation_id": (
        "Organisation ID", "Organization ID", "Organisations-ID", "Organisation-ID",
        "Org ID", "Organisation Nr", "Organisationsnummer", "ID Organisation",
    ),
    "website": (
        "Website", "Webseite", "Homepage", "URL", "Internet", "Web", "Internetseite",
        "Internetadresse", "Web address", "www", "Site web", "Site internet", "Sitio web",
        "Página web",
    ),
    # The columns of clusterlabel's own registry export (``labels.registry.queries``), so a
    # register moves to another installation with nothing lost.
    "city": ("City", "Stadt", "Ort", "Sitz", "Ville", "Ciudad"),
    "state": ("Label state", "Labelstatus", "Label status"),
    "state_reason": (
        "state_reason", "Reason", "Reason for the state", "Begründung", "Grund",
        "Widerrufsgrund",
    ),
    "state_changed_on": ("state_changed_on", "State changed on", "Status geändert am"),
    "first_awarded_on": ("first_awarded_on", "First awarded on", "Erstmals verliehen am"),
    "renews": ("renews", "Renews", "Verlängert Zertifikat", "Erneuert Zertifikat"),
    "recognised_with": (
        "recognised_with", "Recognised with", "Recognized with", "Anerkannt mit",
    ),
    "source": ("source", "Source", "Herkunft"),
    "scheme_version": ("scheme_version", "Scheme version", "Version des Schemas"),
}  # fmt: skip
COLUMNS = {
    header_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases
}
# The export's headers that mean something else in an operator's list: ``state`` is the label's
# recorded state when the file has a region column too (otherwise the federal state, as before);
# ``organisation_id`` is the exporting installation's id, meaningless here (the organisations
# are matched by name; an operator's "Organisation ID" still maps rows).
EXPORT_STATE_HEADER = "state"
EXPORT_SOURCE_ID_HEADER = "organisation_id"
# The export's columns that are derived from others (names, today's status, links): read as
# nothing, without a warning.
EXPORT_DERIVED = frozenset(
    {"family", "label_en", "label_de", "status_today", "verify_url", "holder_url"}
)

# --- recorded states and sources -------------------------------------------------------------

STATES = ("active", "suspended", "revoked", "superseded")
# States whose reason the services require (``labels.services.label_change_state``).
STATES_WITH_REASON = frozenset({"suspended", "revoked"})
SOURCES = ("awarded", "recognised", "imported")

# --- events ----------------------------------------------------------------------------------

LabelEvent = Literal["award", "renewal", "recertification"]
EVENT_WORDS: dict[LabelEvent, tuple[str, ...]] = {
    "award": (
        "award", "awarded", "first award", "new", "initial", "certification", "Vergabe",
        "Verleihung", "Erstverleihung", "Erstvergabe", "Erstzertifizierung", "neu",
        "Zertifizierung", "attribution", "première attribution", "nouveau", "concesión",
        "otorgamiento", "nuevo", "primera concesión",
    ),
    "renewal": (
        "renewal", "renewed", "extension", "Verlängerung", "Erneuerung", "verlängert",
        "renouvellement", "prolongation", "renovación", "prórroga",
    ),
    "recertification": (
        "recertification", "re-certification", "recertified", "re-assessment", "reassessment",
        "re-benchmarking", "rebenchmarking", "Rezertifizierung", "Re-Zertifizierung",
        "rezertifiziert", "Wiederbewertung", "recertificación", "re-certificación",
        "recertificación",
    ),
}  # fmt: skip
_EVENTS = {header_key(word): event for event, words in EVENT_WORDS.items() for word in words}


def parse_event(text: str) -> LabelEvent | None:
    """What a row records (``award``, ``renewal`` or ``recertification``), written in German,
    English, French or Spanish; ``None`` if the text is none of them."""
    return _EVENTS.get(header_key(text))


def event_examples() -> str:
    """The words a user may write for each event, for an error message."""
    return "; ".join(
        ", ".join(words[:3]) for words in (EVENT_WORDS[e] for e in get_args(LabelEvent))
    )


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
