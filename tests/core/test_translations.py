"""German is the default language: every string has a German translation, and the compiled
catalogue that ships with the package matches the source catalogue."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import clusterlabel

LOCALE = Path(clusterlabel.__file__).parent / "locale" / "de" / "LC_MESSAGES"


def po_entries(path: Path) -> list[dict[str, object]]:
    """A small reader for the .po format (enough for our own catalogue)."""
    entries: list[dict[str, object]] = []
    current: dict[str, object] = {}
    key = None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if current:
                entries.append(current)
            current, key = {}, None
            continue
        if line.startswith("#,"):
            current["flags"] = line[2:].strip()
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] = str(current[key]) + ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return entries


def test_every_string_is_translated_and_none_is_fuzzy():
    entries = [e for e in po_entries(LOCALE / "django.po") if e.get("msgid")]
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not (e.get("msgstr") or e.get("msgstr[0]"))]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in str(e.get("flags", ""))]
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_matches_the_source():
    catalogue = gettext.GNUTranslations((LOCALE / "django.mo").open("rb"))
    for entry in po_entries(LOCALE / "django.po"):
        msgid = entry.get("msgid")
        if not msgid:
            continue
        if "msgid_plural" in entry:
            assert catalogue.ngettext(msgid, entry["msgid_plural"], 1) == entry["msgstr[0]"]
            assert catalogue.ngettext(msgid, entry["msgid_plural"], 2) == entry["msgstr[1]"]
        else:
            context_free = catalogue.gettext(msgid)
            if "msgctxt" not in entry:
                assert context_free == entry["msgstr"], msgid
