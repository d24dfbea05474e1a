"""Comparing text as people write it: casefolded, without accents, punctuation as a word
break. Names and column headers of operators' lists are matched by these keys. A leaf module
(no app imports)."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


# The keys are pure functions of the text and an import asks for the same names many times
# (every row against every stored organisation's spellings): cached.
@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Casefolded, without accents, ``ae/oe/ue`` as ``a/o/u`` (``Württemberg`` =
    ``Wuerttemberg`` = ``wurttemberg``). Letters of other scripts stay as they are."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return plain.replace("ae", "a").replace("oe", "o").replace("ue", "u")


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
