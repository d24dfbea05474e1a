"""Recognising one organisation under the variants of its name that operators' lists use, and
naming the names that merely resemble it. A leaf module (no app imports).

Two tiers, deliberately apart:

* :func:`variant_key` is *identity*: two names with the same variant key are the same
  organisation for an importer. It folds only what never tells two organisations apart: legal
  forms at the end in the spellings of several countries (``e. V.``, ``gGmbH``, ``A.C.``,
  ``S.A. de C.V.``, ``sp. z o.o.``, ``z. s.``, ``asbl``, ...), a management company's
  ``Management GmbH`` before such a form, parts in brackets (``(Träger: ...)``) and a short,
  conservative list of generic prefixes (``Spitzencluster``, ``Cluster``, ``Kompetenznetz``).
  It never strips a name to nothing: "Cluster GmbH" stays "cluster".
* :class:`SimilarNames` is *resemblance* (rapidfuzz scores over the variant keys): the
  same cluster in English and in its own language ("Medical Technology Cluster Mannheim" /
  "Medizintechnologie-Cluster Mannheim") or a misspelling. Resemblance is only ever shown to a
  person as a suggestion, never used to match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from clusterlabel.core.text import name_key

# Legal forms as the words ``name_key`` makes of them (single letters joined: "e. V." -> "ev",
# "S.A. de C.V." -> "sa de cv", "sp. z o.o." -> "sp zoo"), longest first.
_LEGAL_FORM_TEXTS = (
    # German-speaking countries
    "e. V.",
    "eingetragener Verein",
    "GmbH",
    "gGmbH",
    "mbH",
    "AG",
    "KG",
    "GmbH & Co. KG",
    "UG",
    "UG (haftungsbeschränkt)",
    "eG",
    "e. G.",
    "GbR",
    "SE",
    "KdöR",
    "AöR",
    # French, Belgian, Luxembourgish, Swiss
    "asbl",
    "a.s.b.l.",
    "aisbl",
    "vzw",
    "SA",
    "S.A.",
    "SAS",
    "SARL",
    "S.à r.l.",
    "SCRL",
    "SC",
    # Spanish, Latin American
    "S.L.",
    "S.L.U.",
    "A.C.",
    "S.C.",
    "A.I.E.",
    "S.A. de C.V.",
    "S. de R.L.",
    "S. de R.L. de C.V.",
    # Italian, Portuguese
    "S.r.l.",
    "S.p.A.",
    "s.c.a.r.l.",
    "scarl",
    "Lda",
    "Ltda",
    # Dutch, Nordic
    "B.V.",
    "N.V.",
    "AB",
    "AS",
    "A/S",
    "ApS",
    "Oy",
    "ry",
    "r.y.",
    "ek. för.",
    # Central and Eastern European
    "z. s.",
    "z.ú.",
    "o. s.",
    "o.p.s.",
    "s.r.o.",
    "a.s.",
    "sp. z o.o.",
    "Kft.",
    "Zrt.",
    "d.o.o.",
    # English
    "Ltd",
    "Ltd.",
    "Limited",
    "Inc",
    "Inc.",
    "LLC",
    "CIC",
    "plc",
)
LEGAL_FORMS: frozenset[tuple[str, ...]] = frozenset(
    tuple(name_key(text).split()) for text in _LEGAL_FORM_TEXTS
)
_LONGEST_FORM = max(len(form) for form in LEGAL_FORMS)
# A management company's name is the cluster's name with this before its legal form
# ("BioRegio Management GmbH").
MANAGEMENT_WORDS = frozenset({"management", "clustermanagement", "managementgesellschaft"})
# Generic prefixes that lists put before a cluster's own name or leave out. Conservative: words
# that name what the organisation is, not what it does ("Netzwerk" and "Verbund" stay, they are
# too often part of the name itself).
PREFIXES = frozenset(
    name_key(text)
    for text in (
        "Spitzencluster",
        "Cluster",
        "Clusterinitiative",
        "Kompetenznetz",
        "Kompetenznetzwerk",
        "Kompetenzcluster",
        "Landescluster",
    )
)
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def without_brackets(name: str) -> str:
    """``name`` without its parts in brackets, unless nothing else is left."""
    stripped = name
    while True:
        shorter = _BRACKETS.sub(" ", stripped)
        if shorter == stripped:
            break
        stripped = shorter
    return stripped if name_key(stripped) else name


@lru_cache(maxsize=65536)  # pure, and asked for the same names many times in an import
def variant_key(name: str) -> str:
    """The key all variants of one organisation's name share (see the module docstring):
    ``variant_key("Spitzencluster BioRN (Träger: BioRN Network e. V.)")`` =
    ``variant_key("BioRN Management GmbH")`` = ``"biorn"``."""
    words = name_key(without_brackets(name)).split()
    stripped_form = False
    while len(words) > 1:
        for size in range(min(_LONGEST_FORM, len(words) - 1), 0, -1):
            if tuple(words[-size:]) in LEGAL_FORMS:
                del words[-size:]
                stripped_form = True
                break
        else:
            break
    if stripped_form and len(words) > 1 and words[-1] in MANAGEMENT_WORDS:
        words.pop()
    if len(words) > 1 and words[0] in PREFIXES:
        words.pop(0)
    return " ".join(words)


@dataclass(frozen=True)
class Resemblance:
    """One known name that resembles a name looked up: whose it is and how much (0-100)."""

    owner: int
    name: str
    score: int


# Below this score two names are not worth showing side by side. The score is the better of
# rapidfuzz's ``token_sort_ratio`` on the variant keys (word order and small spelling changes)
# and its ``ratio`` on the keys without spaces ("TechnologyMountains" / "Technology
# Mountains"); both are fast enough for a full matrix, unlike ``WRatio`` (20 times slower).
# Measured: "Medical Technology Cluster Mannheim" / "Medizintechnologie-Cluster Mannheim" 86,
# "Health Economy Mecklenburg-Vorpommern" / "Gesundheitswirtschaft Mecklenburg-Vorpommern" 72,
# two unrelated clusters of one city ("Musikwirtschaft Mannheim" / "Medizintechnologie
# Mannheim") 59.
SIMILARITY_CUTOFF = 70
_CHUNK = 512


class SimilarNames:
    """An index of known names (``owner`` id, name), prepared once, that answers which known
    names resemble each of many names in one vectorised pass (``rapidfuzz.process.cdist`` on
    every core, the best per query picked by numpy) instead of a Python loop per pair."""

    def __init__(self, names: Iterable[tuple[int, str]]) -> None:
        seen: set[tuple[int, str]] = set()
        self._entries: list[tuple[int, str]] = []
        self._keys: list[str] = []
        for owner, name in names:
            key = variant_key(name)
            if key and (owner, key) not in seen:
                seen.add((owner, key))
                self._entries.append((owner, name))
                self._keys.append(key)
        self._joined = [key.replace(" ", "") for key in self._keys]

    def __len__(self) -> int:
        return len(self._entries)

    def _scores(self, keys: list[str], cutoff: int) -> np.ndarray:
        by_words = process.cdist(
            keys, self._keys, scorer=fuzz.token_sort_ratio, dtype=np.uint8, workers=-1
        )
        joined = [key.replace(" ", "") for key in keys]
        by_letters = process.cdist(
            joined, self._joined, scorer=fuzz.ratio, dtype=np.uint8, workers=-1
        )
        scores = np.maximum(by_words, by_letters)
        scores[scores < cutoff] = 0
        return scores

    def resembling(
        self,
        queries: Sequence[Iterable[str]],
        *,
        limit: int = 3,
        cutoff: int = SIMILARITY_CUTOFF,
    ) -> list[list[Resemblance]]:
        """For each query (the names of one organisation), the known names resembling it best,
        at most ``limit`` different owners, best first."""
        query_keys = [sorted({variant_key(name) for name in names} - {""}) for names in queries]
        flat = [(index, key) for index, keys in enumerate(query_keys) for key in keys]
        best: list[dict[int, Resemblance]] = [{} for _ in queries]
        if not self._entries or not flat:
            return [[] for _ in queries]
        # One owner may hold several names: look at a few more than ``limit`` per query.
        width = min(len(self._keys), limit * 4)
        for start in range(0, len(flat), _CHUNK):
            chunk = flat[start : start + _CHUNK]
            scores = self._scores([key for _index, key in chunk], cutoff)
            top = np.argpartition(scores, len(self._keys) - width, axis=1)[:, -width:]
            for row, (index, _key) in enumerate(chunk):
                for column in top[row]:
                    score = int(scores[row, column])
                    if not score:
                        continue
                    owner, name = self._entries[column]
                    known = best[index].get(owner)
                    if known is None or score > known.score:
                        best[index][owner] = Resemblance(owner, name, score)
        return [
            sorted(found.values(), key=lambda item: (-item.score, item.name))[:limit]
            for found in best
        ]
