"""Finding the current scheme and level a text in an operator's list names (``ECEI Gold``,
``Silber``, ``Cluster-Exzellenz BW``, ``CE-BW``), by the words of the schemes' ids, names and
the levels' ``aliases`` in the scheme files."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clusterlabel.core.text import fold, words
from clusterlabel.schemes.models import SchemeVersion

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

    A text that is one of a level's ``aliases`` (compared as folded words: ``CE-BW`` = ``ce
    bw``) names that level. Otherwise every (scheme, level) has a vocabulary: the words of its
    id, family, names in both languages, the level's id, names and aliases, and
    ``FAMILY_WORDS``. A text names it when all its words (numbers and filler words aside) are
    in that vocabulary and it fits no other.
    """

    def __init__(self, versions: Iterable[SchemeVersion]) -> None:
        self.vocabularies: list[tuple[SchemeLevel, set[str]]] = []
        self.aliases: dict[str, list[SchemeLevel]] = {}
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
                target = SchemeLevel(version, level.id)
                vocabulary = common | {*words(level.id), *words(level.name.de)}
                vocabulary |= set(words(level.name.en))
                for alias in level.aliases:
                    vocabulary |= set(words(alias))
                    self.aliases.setdefault(" ".join(words(alias)), []).append(target)
                self.vocabularies.append((target, vocabulary))

    def resolve(self, text: str) -> tuple[SchemeLevel | None, list[SchemeLevel]]:
        """The one match, or ``None`` and the candidates (several: ambiguous; none: unknown)."""
        by_alias = self.aliases.get(" ".join(words(text)), [])
        if len(by_alias) == 1:
            return by_alias[0], by_alias
        wanted = {w for w in words(text) if not w.isdigit() and w not in _IGNORED_WORDS}
        if not wanted:
            return None, []
        matches = [level for level, vocabulary in self.vocabularies if wanted <= vocabulary]
        if len(matches) == 1:
            return matches[0], matches
        return None, matches

    def names(self) -> list[str]:
        """Every current label by name, for a message that says what would be accepted."""
        return [str(level) for level, _vocabulary in self.vocabularies]
