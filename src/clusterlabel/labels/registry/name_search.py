"""Name search tolerant of case, accents, spacing and punctuation on both sides.

The query and the organisation's legal and cluster names are folded (:func:`fold_name`:
"Optence e. V.", "OPTENCE e.V." and "optence ev" all become ``optenceev``; "Württemberg" becomes
``wurttemberg``). The folding runs in the database: on SQLite through a registered Python
function (exactly :func:`fold_name`), on PostgreSQL through ``lower``/``replace``/``translate``
with a table derived from :func:`fold_name` for Latin letters, combining marks and punctuation
(other scripts are lower-cased, not folded further); other databases fall back to ``lower``.
German spellings without umlauts ("Wuerttemberg") are searched as well. Nothing extra is stored.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

from django.db.models import Func, Q, QuerySet, TextField

from clusterlabel.organisations.models import Organisation

# Letters that Unicode does not decompose into a base letter and an accent.
_SPECIAL_LETTERS = {
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
_UMLAUTS = {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
_NOT_ASCII_ALNUM = re.compile(r"[^0-9a-z]")


@lru_cache(maxsize=65536)
def fold_name(text: str | None) -> str | None:
    """``text`` without case, accents, spaces and punctuation: what name search compares.

    "Optence e. V." → ``optenceev``; "Württemberg" → ``wurttemberg``; "Łódź" → ``lodz``.
    Letters of other scripts are kept (case-folded). Cached: SQLite calls it for every
    organisation name on every search.
    """
    if text is None:
        return None
    if text.isascii():
        return _NOT_ASCII_ALNUM.sub("", text.lower())
    letters = []
    for char in unicodedata.normalize("NFKD", text.casefold()):
        if unicodedata.combining(char):
            continue
        letters.append(_SPECIAL_LETTERS.get(char, char))
    return "".join(char for char in "".join(letters) if char.isalnum())


def name_search_terms(query: str) -> list[str]:
    """The folded forms a name search looks for: the query itself, and its German spellings
    with and without umlauts ("Wuerttemberg" also finds "Württemberg" and vice versa)."""
    folded = fold_name(query) or ""
    if not folded:
        return []
    terms = [folded]
    without_digraphs = folded.replace("ae", "a").replace("oe", "o").replace("ue", "u")
    with_digraphs = fold_name("".join(_UMLAUTS.get(char, char) for char in query)) or ""
    for term in (without_digraphs, with_digraphs):
        if term and term not in terms:
            terms.append(term)
    return terms


@lru_cache(maxsize=1)
def _postgresql_fold_table() -> tuple[tuple[tuple[str, str], ...], str, str]:
    """(multi-letter replacements, translate-from, translate-to) reproducing :func:`fold_name`
    for ASCII, Latin letters with accents, combining marks and common punctuation."""
    replacements: list[tuple[str, str]] = []
    mapped_from, mapped_to, deleted = [], [], []
    blocks = (range(0x20, 0x250), range(0x300, 0x370), range(0x1E00, 0x1F00), range(0x2000, 0x2070))
    for block in blocks:
        for code in block:
            char = chr(code)
            if unicodedata.category(char) in ("Cs", "Cn"):
                continue
            folded = fold_name(char) or ""
            if folded == char:
                continue
            if folded == "":
                deleted.append(char)
            elif len(folded) == 1:
                mapped_from.append(char)
                mapped_to.append(folded)
            else:
                replacements.append((char, folded))
    # translate() looks each character up in "from" from the start, so the characters names
    # consist of most (lower-case letters and digits, mapped to themselves) come first; it
    # deletes the characters of "from" that have no counterpart in "to", so those come last,
    # the space first among them.
    kept = "abcdefghijklmnopqrstuvwxyz0123456789"
    deleted.sort(key=lambda char: (char != " ", char))
    return (
        tuple(replacements),
        kept + "".join(mapped_from) + "".join(deleted),
        kept + "".join(mapped_to),
    )


_COMMON_SEPARATORS = (" ", ".", "-", ",", "&", "/", "'", "(", ")")


def _register_sqlite_fold(connection: Any) -> None:
    connection.ensure_connection()
    connection.connection.create_function("clusterlabel_fold", 1, fold_name, deterministic=True)


class FoldedName(Func):
    """A text column folded like :func:`fold_name`, computed by the database."""

    function = "LOWER"
    arity = 1
    output_field = TextField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        _register_sqlite_fold(connection)
        return super().as_sql(compiler, connection, function="clusterlabel_fold", **extra_context)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        params = list(params)
        replacements, translate_from, translate_to = _postgresql_fold_table()
        sql = f"LOWER({sql})"
        # translate() is slow for characters far down its list: the separators names contain
        # most go first, with replace().
        for separator in _COMMON_SEPARATORS:
            sql = f"REPLACE({sql}, %s, '')"
            params.append(separator)
        for old, new in replacements:
            sql = f"REPLACE({sql}, %s, %s)"
            params.extend((old, new))
        sql = f"TRANSLATE({sql}, %s, %s)"
        params.extend((translate_from, translate_to))
        return sql, tuple(params)


def organisations_named(query: str) -> QuerySet[Organisation]:
    """Organisations whose legal or cluster name contains ``query`` (folded)."""
    condition = Q()
    for term in name_search_terms(query):
        condition |= Q(folded_legal_name__contains=term) | Q(folded_cluster_name__contains=term)
    return Organisation.objects.annotate(
        folded_legal_name=FoldedName("legal_name"), folded_cluster_name=FoldedName("cluster_name")
    ).filter(condition)
