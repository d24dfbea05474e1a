"""Reading a sector from the words a list uses for it (``Photonik``, ``Medizintechnik``,
``IKT``), in German or English, besides the names of the ``Sector`` choices."""

from __future__ import annotations

from functools import lru_cache

from django.utils import translation

from clusterlabel.core.text import fold, header_key, words
from clusterlabel.organisations.choices import Sector

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
