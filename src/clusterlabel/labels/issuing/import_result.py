"""What an import of label holders found and did: the labels it creates or finds, the
organisations it matches or creates, and every problem by line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from clusterlabel.organisations.models import Organisation


@dataclass(frozen=True)
class RowProblem:
    """A problem of one row (``line``; 0 = the file as a whole), in the column the file calls
    ``column`` if it is one cell's."""

    line: int
    message: str
    column: str = ""


@dataclass
class ImportedLabel:
    """One label of the file: created (or to be created) or already there."""

    line: int
    organisation: str
    scheme_id: str
    level_id: str
    valid_from: date
    valid_until: date
    certificate_number: str = ""
    renews: str = ""
    # The line of the file whose label this one renews (a chain built within the file).
    renews_line: int = 0
    # For a label recognised with another: the line of the label it comes with.
    recognised_with_line: int = 0
    # The scheme and level in words, for the page ("ECEI Gold Label", not "ecei-gold gold").
    label_name: str = ""


@dataclass
class LabelUpdate:
    """A stored label whose dates a row corrects (an end a few days off), before and after."""

    line: int
    certificate_number: str
    organisation: str
    scheme_id: str
    level_id: str
    valid_from_before: date
    valid_until_before: date
    valid_from: date
    valid_until: date


@dataclass
class OrganisationMatch:
    """Names in the file that matched an existing organisation."""

    organisation_id: int
    organisation: str
    names: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class SimilarOrganisation:
    """An existing organisation whose name resembles a new one's: a suggestion for the
    operator (map the rows with the column "organisation id", or merge later), never a match."""

    organisation_id: int
    organisation: str
    score: int


@dataclass
class NewOrganisation:
    """An organisation the import creates (``organisation`` is set once it is written)."""

    key: str
    legal_name: str
    cluster_name: str
    country: str
    sector: str
    website: str
    region: str = ""
    city: str = ""
    lines: list[int] = field(default_factory=list)
    organisation: Organisation | None = None
    similar: list[SimilarOrganisation] = field(default_factory=list)


@dataclass
class ImportResult:
    """What an import found and did. Nothing was written unless ``written``."""

    file_name: str = ""
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    created: list[ImportedLabel] = field(default_factory=list)
    unchanged: list[ImportedLabel] = field(default_factory=list)
    updated: list[LabelUpdate] = field(default_factory=list)
    recognised: list[ImportedLabel] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    # What the import assumed for the whole file (the header's line, a label for every row, a
    # country taken from the scheme), said once.
    notes: list[str] = field(default_factory=list)
    matched: list[OrganisationMatch] = field(default_factory=list)
    new_organisations: list[NewOrganisation] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors
