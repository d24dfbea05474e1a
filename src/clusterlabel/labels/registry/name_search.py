"""Name search tolerant of case, accents, spacing and punctuation on both sides.

The query and the organisation's legal and cluster names are folded alike
(:func:`clusterlabel.core.text.search_key`, here :func:`fold_name`: "Optence e. V.",
"OPTENCE e.V." and "optence ev" all become ``optenceev``; "Württemberg" becomes
``wurttemberg``). The names are folded when they are written (``Organisation.name_search_key``,
kept current by every writer of the names), the query once per search, in Python; the database
only looks for the folded terms in the stored key: on PostgreSQL with a trigram index
(``LIKE '%term%'``, migration ``organisations.0004_search_names``), elsewhere by scanning the
stored column. German spellings without umlauts ("Wuerttemberg") are searched as well.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from clusterlabel.core.text import search_key
from clusterlabel.organisations.models import Organisation

_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}


def fold_name(text: str | None) -> str | None:
    """``text`` without case, accents, spaces and punctuation: what name search compares.

    "Optence e. V." → ``optenceev``; "Württemberg" → ``wurttemberg``; "Łódź" → ``lodz``.
    Letters of other scripts are kept (case-folded)."""
    return None if text is None else search_key(text)


def name_search_terms(query: str) -> list[str]:
    """The folded forms a name search looks for: the query itself, and its German spellings
    with and without umlauts ("Wuerttemberg" also finds "Württemberg" and vice versa)."""
    folded = search_key(query)
    if not folded:
        return []
    terms = [folded]
    without_digraphs = folded.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    with_digraphs = search_key("".join(_UMLAUTS.get(char, char) for char in query))
    for term in (without_digraphs, with_digraphs):
        if term and term not in terms:
            terms.append(term)
    return terms


def organisations_named(query: str) -> QuerySet[Organisation]:
    """Organisations whose legal or cluster name contains ``query`` (folded)."""
    condition = Q()
    for term in name_search_terms(query):
        condition |= Q(name_search_key__contains=term)
    return Organisation.objects.filter(condition)
