"""Comparing text as people write it: casefolded, without accents, punctuation as a word
break. Names and column headers of operators' lists are matched by these keys. A leaf module
(no app imports)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Latin letters that Unicode does not decompose into a base letter and an accent.
_SPECIAL_LETTERS = str.maketrans(
    {
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "þ": "th",
        "\N{LATIN SMALL LETTER DOTLESS I}": "i",
        "ħ": "h",
        "ŧ": "t",
        "ŋ": "n",
    }
)


def _plain(text: str) -> str:
    """Casefolded, without accents (``Łódź`` -> ``lodz``); the base of every key here."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(
        _SPECIAL_LETTERS
    )


# The keys are pure functions of the text and an import asks for the same names many times
# (every row against every stored organisation's spellings): cached.
@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Casefolded, without accents, ``ae/oe/ue`` as ``a/o/u`` (``Württemberg`` =
    ``Wuerttemberg`` = ``wurttemberg``). Letters of other scripts stay as they are."""
    return _plain(text).replace("ae", "a").replace("oe", "o").replace("ue", "u")


@lru_cache(maxsize=65536)
def search_key(text: str) -> str:
    """``text`` as a name search compares it: casefolded, without accents, spaces and
    punctuation, but with ``ae/oe/ue`` kept (so that "economy" is found in "Bioeconomy"):
    "Optence e. V." -> ``optenceev``; "Württemberg" -> ``wurttemberg``. Stored with each
    organisation (``Organisation.name_search_key``) and applied to the query."""
    return "".join(c for c in _plain(text) if c.isalnum())


def words(text: str) -> list[str]:
    """The folded words of ``text``; punctuation separates words."""
    return re.findall(r"\w+", fold(text).replace("_", " "))


@lru_cache(maxsize=65536)
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


@lru_cache(maxsize=65536)
def header_key(text: str) -> str:
    return "".join(words(text))
