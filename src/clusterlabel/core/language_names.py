"""Names of languages (ISO 639-1 codes) in the reader's language, from the maintained
``pycountry`` package and its translations, and the choices an assessor picks their languages
from. A leaf module (no app imports)."""

from __future__ import annotations

import gettext
from functools import cache

import pycountry

from clusterlabel.core.language import current_language

# The languages an assessor in a European scheme is likely to work in, offered in the profile:
# the official languages of the EU and EEA states and their neighbours.
OFFERED_LANGUAGES: tuple[str, ...] = (
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu", "is", "it",
    "lb", "lt", "lv", "mt", "nl", "no", "pl", "pt", "ro", "sk", "sl", "sv", "tr", "uk",
)  # fmt: skip


@cache
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso639-3", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def language_name(code: str, language: str | None = None) -> str:
    """The name of the language ``code`` (ISO 639-1) in ``language`` (the active one by
    default); the code itself when it is unknown."""
    found = pycountry.languages.get(alpha_2=code.lower())
    if found is None:
        return code
    name = _translation(language or current_language()).gettext(found.name)
    # ISO 639 dates some names ("Modern Greek (1453-)"); a reader wants the name alone.
    return str(name).split(" (")[0]


def language_choices(language: str | None = None) -> list[tuple[str, str]]:
    """``OFFERED_LANGUAGES`` as form choices, sorted by their name in ``language``."""
    lang = language or current_language()
    return sorted(
        ((code, language_name(code, lang)) for code in OFFERED_LANGUAGES),
        key=lambda choice: choice[1].casefold(),
    )
