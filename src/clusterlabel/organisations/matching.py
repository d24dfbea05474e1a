"""Which existing organisation a name in an operator's list means: one answer for every
importer (labels, the benchmarking pool).

A name matches an organisation whose legal or cluster name has the same folded key
(``clusterlabel.core.text.name_key``: case, accents, spacing of ``e. V.``); failing that, the
same variant key (``clusterlabel.core.name_variants.variant_key``: legal forms, ``Management
GmbH``, brackets, generic prefixes). Several matches are narrowed by the country. Names that only
*resemble* an organisation's (English against the own language, misspellings) never match:
:meth:`OrganisationIndex.resembling` names them so that a person can decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from clusterlabel.core.name_variants import Resemblance, SimilarNames, variant_key
from clusterlabel.core.text import name_key
from clusterlabel.organisations.models import Organisation


@dataclass(frozen=True)
class Found:
    """The organisations a name matched (none, one, or several that the country could not
    tell apart); ``variant`` when only a variant of the name matched."""

    organisations: list[Organisation]
    variant: bool = False


class OrganisationIndex:
    """The existing organisations' names, keyed once per import so that every row is a
    dictionary lookup; the resemblance index is built on first use."""

    def __init__(self, organisations: Iterable[Organisation]) -> None:
        self.by_pk: dict[int, Organisation] = {}
        self.by_key: dict[str, set[int]] = {}
        self.by_variant: dict[str, set[int]] = {}
        for organisation in organisations:
            self.by_pk[organisation.pk] = organisation
            for name in (organisation.legal_name, organisation.cluster_name):
                self.by_key.setdefault(name_key(name), set()).add(organisation.pk)
                self.by_variant.setdefault(variant_key(name), set()).add(organisation.pk)
        self._similar: SimilarNames | None = None

    def find(self, names: Iterable[str], country: str = "") -> Found:
        """The organisations ``names`` (one row's legal and cluster name) mean."""
        names = [name for name in names if name]
        found: set[int] = set()
        for key in {name_key(name) for name in names}:
            found |= self.by_key.get(key, set())
        variant = False
        if not found:
            for key in {variant_key(name) for name in names}:
                found |= self.by_variant.get(key, set())
            variant = bool(found)
        if len(found) > 1 and country:
            found = {pk for pk in found if self.by_pk[pk].country == country} or found
        ordered = sorted((self.by_pk[pk] for pk in found), key=lambda o: (o.cluster_name, o.pk))
        return Found(ordered, variant)

    def resembling(
        self, queries: Sequence[Iterable[str]], *, limit: int = 3
    ) -> list[list[Resemblance]]:
        """For each query (one new organisation's names), the existing organisations whose
        names resemble it, best first: ``Resemblance.owner`` is the organisation's id."""
        if self._similar is None:
            self._similar = SimilarNames(
                (pk, name)
                for pk, organisation in self.by_pk.items()
                for name in (organisation.cluster_name, organisation.legal_name)
            )
        return self._similar.resembling(queries, limit=limit)
