"""The file of historical assessments: its columns (fields by name, indicators by id), its rows,
the cells that mean "missing", and what the import plans and reports. See
``clusterlabel.benchmarks.importing`` for the rules."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from clusterlabel.benchmarks.services import AssessmentEntry, RecordOutcome
from clusterlabel.core.tabular import EMPTY_CELLS, ImportFileError, csv_records
from clusterlabel.core.text import header_key

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "organisation": (
        "Organisation", "Organization", "Organisation name", "Organization name", "Name",
        "Legal name", "Träger", "Rechtsträger", "Einrichtung", "Institution", "CMO",
    ),
    "cluster_name": (
        "Cluster", "Clustername", "Cluster name", "Clusterinitiative", "Cluster initiative",
        "Netzwerk",
    ),
    "country": ("Land", "Country", "Staat", "Country code", "Ländercode"),
    "sector": ("Branche", "Sector", "Sektor", "Industry", "Technologiefeld", "Themenfeld"),
    "founding_year": (
        "Gründungsjahr", "Founding year", "Gegründet", "Gründung", "Founded", "Year founded",
    ),
    "members": (
        "Mitglieder", "Members", "Engagierte Mitglieder", "Committed members", "Mitgliederzahl",
        "Number of members", "Akteure", "Engagierte Akteure", "Committed participants",
    ),
    "scheme": ("Schema", "Scheme", "Label", "Labelsystem", "Label scheme", "Programm"),
    "assessed_on": (
        "Datum", "Date", "Bewertet am", "Bewertungsdatum", "Assessment date", "Assessed on",
        "Benchmarking", "Benchmarkingdatum", "Benchmarking date", "Interview", "Interviewdatum",
    ),
    "external_id": ("ID", "External ID", "Externe ID", "Kennung", "Key", "Schlüssel"),
}  # fmt: skip
COLUMNS = {
    header_key(alias): column for column, aliases in COLUMN_ALIASES.items() for alias in aliases
}
MISSING = EMPTY_CELLS | {"k.a", "ka", "n.a.", "na", "keine angabe", "?"}
_INDICATOR_HEADER = re.compile(r"\s*([A-Za-z]{1,8})\s*[-_.]?\s*(\d{1,3})(?![\d])\W*(.*)", re.S)


# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """A problem of one row (``line``; 0 = the file as a whole), in one column if given."""

    line: int
    message: str
    column: str = ""

    def __str__(self) -> str:
        params = {"line": self.line, "column": self.column, "message": self.message}
        if not self.line:
            return self.message
        if self.column:
            return _("line %(line)s, column %(column)s: %(message)s") % params
        return _("line %(line)s: %(message)s") % params


@dataclass
class AssessmentImportResult:
    """What an import found and did; nothing was written unless ``written``.

    ``outcome`` is the pool service's count of created, updated, unchanged and kept rows; on a
    dry run it is what the import would do (recorded and rolled back).
    """

    source_name: str = ""
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    assessments: list[PlannedAssessment] = field(default_factory=list)
    errors: list[ImportProblem] = field(default_factory=list)
    warnings: list[ImportProblem] = field(default_factory=list)
    outcome: RecordOutcome | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.outcome is not None and not self.dry_run and not self.errors


@dataclass
class PlannedAssessment:
    """A checked row: the entry recorded for it (``entry.organisation`` set when the name
    matched one of ours, else ``entry.external_key``)."""

    line: int
    entry: AssessmentEntry
    columns: dict[str, str]  # indicator id -> header as written

    @property
    def identity(self) -> tuple[str, str, date]:
        entry = self.entry
        return (entry.scheme_version.scheme.pool_id, entry.identity, entry.assessed_on)

    def facts(self) -> dict[str, Any]:
        """What must agree for two rows of one assessment to be the same."""
        entry = self.entry
        facts: dict[str, Any] = {"scheme": entry.scheme_version.scheme_id, "sector": entry.sector}
        facts |= {"country": entry.country, "founding_year": entry.founding_year}
        return facts | {"members": entry.committed_members, **entry.values}


# --- reading the file ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the file: a field (``kind`` = its name) or an indicator (``"indicator"``)."""

    index: int
    header: str
    kind: str
    indicator_id: str = ""


@dataclass
class RawRow:
    line: int
    cells: dict[Column, str]


def _indicator_key(text: str) -> tuple[str, int] | None:
    match = _INDICATOR_HEADER.fullmatch(text)
    return (match[1].casefold(), int(match[2])) if match else None


def _columns(cells: list[str], line: int, indicator_ids: Iterable[str]) -> list[Column]:
    """The header's columns; raises ``ImportFileError`` for unknown or doubled ones."""
    indicators = {key: i for i in indicator_ids if (key := _indicator_key(i))}
    columns: list[Column] = []
    unknown: list[str] = []
    for index, cell in enumerate(cells):
        if not cell:
            continue
        kind = COLUMNS.get(header_key(cell))
        key = _indicator_key(cell)
        if kind is not None:
            columns.append(Column(index, cell, kind))
        elif key in indicators:
            columns.append(Column(index, cell, "indicator", indicators[key]))
        else:
            unknown.append(f"“{cell}”")
    seen: dict[str, str] = {}
    for column in columns:
        name = column.indicator_id or column.kind
        if name in seen:
            message = _("Line %(line)s: the columns “%(first)s” and “%(second)s” mean the same.")
            raise ImportFileError(
                message % {"line": line, "first": seen[name], "second": column.header}
            )
        seen[name] = column.header
    if unknown:
        message = _("Line %(line)s: unknown columns %(names)s (neither a field nor an indicator).")
        raise ImportFileError(message % {"line": line, "names": ", ".join(unknown)})
    kinds = {column.kind for column in columns}
    needed = {"assessed_on", "indicator"} <= kinds and kinds & {"organisation", "cluster_name"}
    if not needed:
        message = _("Line %(line)s: the header needs a name, a date and indicator columns.")
        raise ImportFileError(message % {"line": line})
    return columns


def read_rows(
    text: str, delimiter: str, indicator_ids: Iterable[str], result: AssessmentImportResult
) -> list[RawRow]:
    """The data rows by column, with their first physical line (empty rows skipped). A row
    with more cells than the header is an error: a value holding the delimiter unquoted would
    shift every value after it into the wrong indicator."""
    columns: list[Column] | None = None
    width = 0
    rows: list[RawRow] = []
    for line, cells in csv_records(text, delimiter):
        if columns is None:
            columns, width = _columns(cells, line, indicator_ids), len(cells)
            continue
        result.rows += 1
        if any(cells[width:]):
            message = _("%(cells)s cells, the header has %(width)s: quote the delimiter.")
            params = {"cells": len(cells), "width": width}
            result.errors.append(ImportProblem(line, message % params))
            continue
        cells += [""] * (width - len(cells))  # spreadsheets drop trailing empty cells
        rows.append(RawRow(line, {column: cells[column.index] for column in columns}))
    if columns is None:
        raise ImportFileError(_("The file is empty."))
    return rows


def is_missing(text: str) -> bool:
    return text.strip().casefold() in MISSING
