"""Checking a list of label holders before anything is written: its header and rows, each
row's organisation, label and dates, and the labels the database already holds. See
``clusterlabel.labels.issuing.importing`` for the rules."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.accounts.models import User
from clusterlabel.core.countries import (
    country_name,
    parse_country,
    parse_subdivision,
    subdivision_name,
)
from clusterlabel.core.formatting import scheme_level_name
from clusterlabel.core.name_variants import variant_key
from clusterlabel.core.tabular import (
    EMPTY_CELLS,
    HEADER_SEARCH_ROWS,
    DateError,
    ImportFileError,
    MonthAs,
    Table,
    read_date,
    read_table,
)
from clusterlabel.core.text import header_key, name_key
from clusterlabel.domain.labels import canonical_certificate_number
from clusterlabel.labels.issuing.import_result import (
    ImportedLabel,
    ImportResult,
    NewOrganisation,
    OrganisationMatch,
    RowProblem,
    SimilarOrganisation,
)
from clusterlabel.labels.issuing.import_values import (
    COLUMNS,
    EXPORT_DERIVED,
    EXPORT_SOURCE_ID_HEADER,
    EXPORT_STATE_HEADER,
    SOURCES,
    STATES,
    STATES_WITH_REASON,
    derive_valid_from,
    event_examples,
    normalise_website,
    parse_event,
)
from clusterlabel.labels.models import Label, LabelState
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.matching import OrganisationIndex
from clusterlabel.organisations.models import Organisation
from clusterlabel.organisations.sectors import parse_sector
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.resolver import SchemeLevel, SchemeResolver

# --- reading the file ------------------------------------------------------------------------


@dataclass
class RawRow:
    line: int
    cells: dict[str, str]
    headers: dict[str, str] = field(default_factory=dict)  # column -> its header in the file


def read_rows(
    text: str, delimiter: str | None, result: ImportResult, *, label_given: bool = False
) -> list[RawRow]:
    """The data rows by column name, with their first physical line; unknown columns are
    reported as warnings. The header is found below title rows and Excel's ``sep=`` line
    (``core.tabular.read_table``); ``result.delimiter`` is set to the one used. Raises
    ``ImportFileError`` without a header or needed columns (a label column is not needed when
    ``label_given``: one label for every row). A JSON text is clusterlabel's registry export
    (``{"labels": [...]}``): its labels are the rows, numbered from 1 as lines."""
    if text.lstrip().startswith("{"):
        table = _json_table(text)
    else:
        table = read_table(
            text, delimiter=delimiter, is_column=lambda cell: header_key(cell) in COLUMNS
        )
    result.delimiter = table.delimiter
    columns = _header(table.header, table.header_line, result, label_given=label_given)
    width = len(table.header)
    if table.title_lines:
        result.notes.append(
            _("The header is line %(line)s; the lines above it (%(lines)s) were read as titles.")
            % {"line": table.header_line, "lines": ", ".join(map(str, table.title_lines))}
        )
    headers = {column: table.header[i] for i, column in columns.items()}
    rows: list[RawRow] = []
    for line, cells in table.records:
        extra = [cell for cell in cells[width:] if cell]
        if extra:
            result.warnings.append(RowProblem(line, _("Cells right of the last column ignored.")))
        values = {
            column: ("" if cells[i].casefold() in EMPTY_CELLS else cells[i])
            for i, column in columns.items()
            if i < len(cells)
        }
        rows.append(RawRow(line, values, headers))
    return rows


def _json_table(text: str) -> Table:
    """The labels of a JSON registry export as a table (header: the keys of its labels)."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ImportFileError(
            _("The file is not valid JSON (%(problem)s).") % {"problem": exc}
        ) from exc
    labels = data.get("labels") if isinstance(data, dict) else None
    if not isinstance(labels, list) or not all(isinstance(item, dict) for item in labels):
        raise ImportFileError(
            _(
                "A JSON file must be clusterlabel's registry export: an object whose “labels” "
                "is a list of labels."
            )
        )
    header: list[str] = []
    for item in labels:
        header.extend(key for key in item if key not in header)
    records = [
        (number, ["" if item.get(key) is None else str(item[key]) for key in header])
        for number, item in enumerate(labels, start=1)
    ]
    return Table(delimiter="", header_line=0, header=header, records=records, title_lines=[])


def _header_column(cell: str, cells: list[str]) -> str | None:
    """The column a header cell names: the export's own headers first (see
    ``import_values.EXPORT_STATE_HEADER``), then every synonym."""
    if cell == EXPORT_STATE_HEADER:
        regions = [c for c in cells if c != cell and COLUMNS.get(header_key(c)) == "region"]
        return "state" if regions else "region"
    return COLUMNS.get(header_key(cell))


def _header(
    cells: list[str], line: int, result: ImportResult, *, label_given: bool
) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        if cell == EXPORT_SOURCE_ID_HEADER:
            result.notes.append(
                _(
                    "The column “%(name)s” is the exporting installation's numbering; "
                    "organisations are matched by name (an “Organisation ID” column maps "
                    "rows to organisations of this installation)."
                )
                % {"name": cell}
            )
            continue
        if cell in EXPORT_DERIVED:
            continue
        column = _header_column(cell, cells)
        if column is None:
            if cell:
                result.warnings.append(
                    RowProblem(line, _("Column “%(name)s” ignored.") % {"name": cell})
                )
            continue
        if column in columns.values():
            raise ImportFileError(
                _("Line %(line)s: two columns mean the same (%(name)s).")
                % {"line": line, "name": cell}
            )
        columns[index] = column
    found = set(columns.values())
    missing = []
    if not found & {"organisation", "cluster_name"}:
        missing.append(_("organisation name"))
    if not found & {"scheme", "level"} and not label_given:
        missing.append(_("label or level (or give the label for every row)"))
    if "valid_until" not in found:
        missing.append(_("valid until"))
    if missing:
        raise ImportFileError(
            _(
                "Line %(line)s: the header has no column for %(missing)s. Columns are "
                "recognised by names such as Organisation/Name, Land/Country, Label, Stufe/Level, "
                "Gültig bis/Valid until; the header is looked for in the first %(rows)s rows."
            )
            % {"line": line, "missing": ", ".join(missing), "rows": HEADER_SEARCH_ROWS}
        )
    return columns


# --- checking the rows -----------------------------------------------------------------------

_NUMBER_RE = re.compile(r"[A-Z0-9][A-Z0-9._-]*")


@dataclass
class PlannedLabel:
    line: int
    organisation: Organisation | NewOrganisation
    target: SchemeLevel
    valid_from: date
    valid_until: date
    certificate_number: str
    # What the row records (``award``, ``renewal``, ``recertification``; empty: not said).
    event: str = ""
    # Whether the file gave the start; otherwise it is dated by the scheme (``import_plan``).
    valid_from_given: bool = True
    # The catalogue version the row names (``scheme_version``); empty: not known. Never the
    # version current at the import, which may be years later than the assessment.
    catalogue_version: str = ""
    # Planned by ``sort_out`` and ``import_plan``: the stored label this row corrects, the label
    # it renews (stored, or an earlier row of the file) and, once written, its label.
    updates: Label | None = None
    previous: Label | PlannedLabel | None = None
    label: Label | None = None
    # What a registry export carries besides (empty or None: not given, the importer decides).
    awarded_on: date | None = None
    first_awarded_on: date | None = None
    state: str = ""
    state_reason: str = ""
    state_changed_on: date | None = None
    source: str = ""
    # Certificate numbers of the label this one renews and the one it is recognised with; when
    # the file has such a column it says the links itself (an empty cell: none).
    renews: str = ""
    recognised_with: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def renews_given(self) -> bool:
        return "renews" in self.headers

    @property
    def recognitions_given(self) -> bool:
        return "recognised_with" in self.headers

    @property
    def organisation_key(self) -> tuple[str, Any]:
        if isinstance(self.organisation, Organisation):
            return ("existing", self.organisation.pk)
        return ("new", self.organisation.key)

    @property
    def identity(self) -> tuple[Any, ...]:
        return (
            self.organisation_key,
            self.target.scheme_id,
            self.target.level_id,
            self.valid_until,
        )

    def report(self) -> ImportedLabel:
        organisation = self.organisation
        name = organisation.cluster_name
        return ImportedLabel(
            line=self.line,
            organisation=name,
            scheme_id=self.target.scheme_id,
            level_id=self.target.level_id,
            valid_from=self.valid_from,
            valid_until=self.valid_until,
            certificate_number=self.certificate_number,
            label_name=scheme_level_name(
                self.target.scheme_version.scheme,
                self.target.scheme_version.scheme.level(self.target.level_id),
            ),
        )


class Checker:
    """Turns raw rows into planned labels, collecting every problem."""

    def __init__(self, result: ImportResult, actor: User | None = None) -> None:
        self.result = result
        self.schemes = SchemeResolver(
            SchemeVersion.objects.filter(is_current=True).order_by("family", "scheme_id")
        )
        self.organisations = list(Organisation.objects.all())
        self.index = OrganisationIndex(self.organisations)
        self.by_pk = self.index.by_pk
        # The organisations the column "organisation id" may name: those the importing person
        # may see (all of them on the command line, which runs without a person).
        self.mappable: set[int] | None = None
        if actor is not None:
            visible = restrict(Organisation.objects.all(), actor, Activity.VIEW_ORGANISATION)
            self.mappable = set(visible.values_list("pk", flat=True))
        self.new: dict[str, NewOrganisation] = {}
        self.matches: dict[int, OrganisationMatch] = {}
        self.default_label: SchemeLevel | None = None  # ``use_label``
        self.inferred: set[str] = set()  # schemes whose country and region filled a row's

    def error(self, line: int, message: str, column: str = "") -> None:
        self.result.errors.append(RowProblem(line, message, column))

    def use_label(self, text: str) -> bool:
        """Give every row without a label cell the label ``text`` names (``--label``); a
        text that names no single label is an error of the whole file."""
        target, candidates = self.schemes.resolve(text)
        if target is None:
            self.result.errors.append(RowProblem(0, self._label_problem(text, candidates)))
            return False
        self.default_label = target
        self.result.notes.append(_("Rows without a label are %(label)s.") % {"label": str(target)})
        return True

    def _label_problem(self, text: str, candidates: list[SchemeLevel]) -> str:
        if candidates:
            return _("“%(text)s” could be %(candidates)s; name the label and its level.") % {
                "text": text,
                "candidates": ", ".join(map(str, candidates)),
            }
        return _(
            "Unknown label “%(text)s”; known are %(labels)s, or a name the scheme files give "
            "as an alias (CE-BW, EUCLES Gold)."
        ) % {"text": text, "labels": "; ".join(self.schemes.names())}

    def check(self, row: RawRow) -> PlannedLabel | None:
        """The row's label, or ``None`` with every problem of the row reported at once."""
        cells, line = row.cells, row.line
        errors_before = len(self.result.errors)
        legal_name = cells.get("organisation") or cells.get("cluster_name") or ""
        cluster_name = cells.get("cluster_name") or legal_name
        if not legal_name:
            self.error(line, _("No organisation name."))
        target = self._version(row, self._label(row))
        country, region = self._place(row, target)
        valid_until = self._date(row, "valid_until", "last", required=True)
        valid_from = self._date(row, "valid_from", "first", required=False)
        awarded_on = self._date(row, "awarded_on", "first", required=False)
        event = self._event(row)
        number = self._number(cells.get("certificate_number", ""), line)
        recorded = self._recorded(row)
        renews = self._number(cells.get("renews", ""), line)
        recognised_with = self._number(cells.get("recognised_with", ""), line)
        if len(self.result.errors) > errors_before or target is None or valid_until is None:
            return None
        valid_from_given = valid_from is not None
        if valid_from is None and awarded_on is not None:
            valid_from = awarded_on  # a label is valid from its award unless the list says
        if valid_from is None:
            valid_from = derive_valid_from(target.scheme_version, valid_until)
        if valid_from > valid_until:
            self.error(
                line,
                _("Valid from %(start)s is after valid until %(end)s.")
                % {"start": valid_from.isoformat(), "end": valid_until.isoformat()},
            )
            return None
        first_awarded_on = recorded.get("first_awarded_on")
        if first_awarded_on is not None and first_awarded_on > valid_from:
            self.error(
                line,
                _(
                    "First awarded on %(first)s is after valid from %(start)s: write the start "
                    "of the chain of renewals, on or before the label's start."
                )
                % {"first": first_awarded_on.isoformat(), "start": valid_from.isoformat()},
                row.headers["first_awarded_on"],
            )
            return None
        organisation = self._organisation(line, legal_name, cluster_name, country, cells)
        if organisation is None:
            return None
        if isinstance(organisation, NewOrganisation) and region and not organisation.region:
            organisation.region = region
        return PlannedLabel(
            awarded_on=awarded_on,
            first_awarded_on=first_awarded_on,
            state=recorded["state"],
            state_reason=recorded["state_reason"],
            state_changed_on=recorded.get("state_changed_on"),
            source=recorded["source"],
            renews=renews,
            recognised_with=recognised_with,
            headers=row.headers,
            line=line,
            organisation=organisation,
            target=target,
            valid_from=valid_from,
            valid_until=valid_until,
            certificate_number=number,
            event=event,
            valid_from_given=valid_from_given,
            catalogue_version=target.scheme_version.version
            if cells.get("scheme_version", "").strip()
            else "",
        )

    # --- the cells -------------------------------------------------------------------------

    def _label(self, row: RawRow) -> SchemeLevel | None:
        cells = row.cells
        label_text = " ".join(filter(None, (cells.get("scheme"), cells.get("level"))))
        if not label_text:
            if self.default_label is None:
                self.error(row.line, _("No label given."), row.headers.get("scheme", ""))
            return self.default_label
        target, candidates = self.schemes.resolve(label_text)
        if target is None:
            column = row.headers.get("scheme") or row.headers.get("level", "")
            self.error(row.line, self._label_problem(label_text, candidates), column)
        return target

    def _version(self, row: RawRow, target: SchemeLevel | None) -> SchemeLevel | None:
        """The scheme version the row names (a registry export's ``scheme_version``), else
        the current one: a label keeps the version it was scored under."""
        text = row.cells.get("scheme_version", "").strip()
        if target is None or not text or text == target.scheme_version.version:
            return target
        versions = SchemeVersion.objects.filter(scheme_id=target.scheme_id)
        named = versions.filter(version=text).first()
        if named is None:
            self.error(
                row.line,
                _("%(scheme)s has no version “%(text)s”; loaded are: %(versions)s.")
                % {
                    "scheme": target.scheme_id,
                    "text": text,
                    "versions": ", ".join(versions.values_list("version", flat=True)),
                },
                row.headers["scheme_version"],
            )
            return None
        return SchemeLevel(named, target.level_id)

    def _place(self, row: RawRow, target: SchemeLevel | None) -> tuple[str, str]:
        """The row's country and region (ISO 3166-1 and -2 codes): as written (the region read
        in the row's country), else what the scheme admits when it admits one only."""
        cells, line = row.cells, row.line
        country = ""
        if cells.get("country"):
            country = parse_country(cells["country"]) or ""
            if not country:
                self.error(
                    line,
                    _(
                        "“%(text)s” is no country: write its ISO code (DE, DEU) or its name in "
                        "English, German, French, Spanish or its own language."
                    )
                    % {"text": cells["country"]},
                    row.headers["country"],
                )
                return "", ""
        region = ""
        if cells.get("region"):
            region = parse_subdivision(cells["region"], country or None) or ""
            if not region:
                self.error(
                    line, self._region_problem(cells["region"], country), row.headers["region"]
                )
                return country, ""
            country = country or region.split("-", 1)[0]
        if target is not None and (not country or not region):
            country, region = self._from_scheme(target, country, region, row)
        return country, region

    def _region_problem(self, text: str, country: str) -> str:
        if country:
            return _(
                "“%(text)s” is no region of %(country)s: write its ISO 3166-2 code "
                "(%(example)s) or its name."
            ) % {
                "text": text,
                "country": country_name(country),
                "example": "DE-BW" if country == "DE" else f"{country}-…",
            }
        return _(
            "“%(text)s” is no region, or one several countries have: write its ISO 3166-2 code "
            "(DE-BW) or add a country column."
        ) % {"text": text}

    def _from_scheme(
        self, target: SchemeLevel, country: str, region: str, row: RawRow
    ) -> tuple[str, str]:
        """Fill a missing country and region from a scheme that admits only one (the state
        label: DE, DE-BW), and say so once per scheme."""
        eligibility = target.scheme_version.scheme.eligibility
        countries = list(eligibility.countries or ())
        regions = list(eligibility.regions or ())
        filled: list[str] = []
        if not country and len(countries) == 1:
            country = countries[0]
            filled.append(country_name(country))
        if not region and len(regions) == 1 and regions[0].split("-", 1)[0] == (country or ""):
            region = regions[0]
            filled.append(subdivision_name(region))
        if filled and target.scheme_id not in self.inferred:
            self.inferred.add(target.scheme_id)
            self.result.notes.append(
                _(
                    "Rows of %(label)s without a country or region get %(place)s: the only one "
                    "the scheme admits."
                )
                % {"label": str(target), "place": ", ".join(filled)}
            )
        return country, region

    def _date(self, row: RawRow, column: str, month_as: MonthAs, *, required: bool) -> date | None:
        text = row.cells.get(column, "")
        if not text:
            if required:
                self.error(row.line, _("No “valid until” date."), row.headers.get(column, ""))
            return None
        try:
            return read_date(text, month_as=month_as)
        except DateError as exc:
            self.error(row.line, str(exc), row.headers[column])
            return None

    def _recorded(self, row: RawRow) -> dict[str, Any]:
        """The label's recorded state with its reason and date, its first award and source,
        as a registry export writes them: ``state`` one of ``STATES`` (empty: active), a
        suspended or revoked label needs its reason, as the services do."""
        cells, line, headers = row.cells, row.line, row.headers
        state = cells.get("state", "").strip().casefold()
        if state and state not in STATES:
            self.error(
                line,
                _("“%(text)s” is no state of a label; write one of: %(states)s.")
                % {"text": cells["state"], "states": ", ".join(STATES)},
                headers["state"],
            )
        reason = cells.get("state_reason", "").strip()
        if state in STATES_WITH_REASON and not reason:
            self.error(
                line,
                _(
                    "A %(state)s label needs its reason: write it in the column "
                    "“%(column)s” (the full export, ?full=1, carries it)."
                )
                % {"state": state, "column": headers.get("state_reason") or "state_reason"},
                headers["state"],
            )
        source = cells.get("source", "").strip().casefold()
        if source and source not in SOURCES:
            self.error(
                line,
                _("“%(text)s” is no source; write one of: %(sources)s.")
                % {"text": cells["source"], "sources": ", ".join(SOURCES)},
                headers["source"],
            )
        city = cells.get("city", "").strip()
        if len(city) > 120:
            self.error(line, _("A city has at most 120 characters."), headers["city"])
        return {
            "state": state,
            "state_reason": reason,
            "source": source,
            "state_changed_on": self._date(row, "state_changed_on", "first", required=False),
            "first_awarded_on": self._date(row, "first_awarded_on", "first", required=False),
        }

    def _event(self, row: RawRow) -> str:
        """What the row records: ``award``, ``renewal`` or ``recertification`` (empty when the
        list does not say)."""
        text = row.cells.get("event", "")
        if not text:
            return ""
        event = parse_event(text)
        if event is None:
            self.error(
                row.line,
                _("“%(text)s” is no event; write one of: %(words)s.")
                % {"text": text, "words": event_examples()},
                row.headers["event"],
            )
            return ""
        return event

    def _number(self, text: str, line: int) -> str:
        number = canonical_certificate_number(text)
        if number and (len(number) > 40 or not _NUMBER_RE.fullmatch(number)):
            self.error(
                line,
                _(
                    "Certificate number “%(text)s”: use at most 40 letters, digits, "
                    "“-”, “.” and “_”."
                )
                % {"text": text},
            )
        return number

    def _organisation(
        self, line: int, legal_name: str, cluster_name: str, country: str, cells: dict[str, str]
    ) -> Organisation | NewOrganisation | None:
        names = (legal_name, cluster_name)
        keys = {key for name in names for key in (name_key(name), variant_key(name))}
        if cells.get("organisation_id"):
            mapped = self._mapped(line, cells["organisation_id"])
            if mapped is None:
                return None
            found = [mapped]
        else:
            found = self.index.find(names, country).organisations
        if len(found) > 1:
            self.error(
                line,
                _(
                    "“%(name)s” matches several organisations: %(names)s. Put the id of the "
                    "one meant in the column “organisation id”."
                )
                % {
                    "name": cluster_name,
                    "names": "; ".join(f"#{o.pk} {o.cluster_name}" for o in found),
                },
            )
            return None
        if found:
            organisation = found[0]
            match = self.matches.setdefault(
                organisation.pk,
                OrganisationMatch(organisation.pk, organisation.cluster_name),
            )
            if cluster_name not in match.names:
                match.names.append(cluster_name)
            match.lines.append(line)
            if country and organisation.country != country:
                self.result.warnings.append(
                    RowProblem(
                        line,
                        _("Country %(file)s differs from %(name)s's %(country)s.")
                        % {
                            "file": country,
                            "name": organisation.cluster_name,
                            "country": organisation.country,
                        },
                    )
                )
            return organisation
        for key in keys:
            if key in self.new:
                self.new[key].lines.append(line)
                return self.new[key]
        return self._new_organisation(line, legal_name, cluster_name, country, cells, keys)

    def _mapped(self, line: int, text: str) -> Organisation | None:
        """The organisation the column "organisation id" names, if it exists and the
        importing person may see it."""
        digits = text.strip().lstrip("#")
        organisation = self.by_pk.get(int(digits)) if digits.isdigit() else None
        if organisation is None or (
            self.mappable is not None and organisation.pk not in self.mappable
        ):
            self.error(
                line,
                _(
                    "Column “organisation id”: there is no organisation #%(text)s that you may "
                    "see. Use the number of an existing organisation (the dry run shows it as "
                    "#12 after the names that resemble a new one), or leave the cell empty to "
                    "match by name."
                )
                % {"text": digits},
            )
            return None
        return organisation

    def suggest(self) -> None:
        """Name, for every new organisation, the existing ones its names resemble; the
        operator decides (the column "organisation id", or merging later)."""
        new = list({id(item): item for item in self.new.values()}.values())
        names = [[item.legal_name, item.cluster_name] for item in new]
        for item, found in zip(new, self.index.resembling(names), strict=True):
            item.similar = [
                SimilarOrganisation(r.owner, self.by_pk[r.owner].cluster_name, r.score)
                for r in found
            ]

    def _new_organisation(
        self,
        line: int,
        legal_name: str,
        cluster_name: str,
        country: str,
        cells: dict[str, str],
        keys: set[str],
    ) -> NewOrganisation | None:
        if not country:
            self.error(
                line,
                _("%(name)s is a new organisation: its country is needed.")
                % {"name": cluster_name},
            )
            return None
        sector = parse_sector(cells["sector"]) if cells.get("sector") else None
        if sector is None:
            sector = Sector.OTHER
            if cells.get("sector"):
                self.result.warnings.append(
                    RowProblem(
                        line,
                        _("Unknown sector “%(text)s”; the new organisation gets “other”.")
                        % {"text": cells["sector"]},
                    )
                )
        website = normalise_website(cells.get("website", ""))
        if website is None:
            self.error(line, _("“%(text)s” is not a web address.") % {"text": cells.get("website")})
            return None
        new = NewOrganisation(
            key=name_key(cluster_name),
            legal_name=legal_name[:255],
            cluster_name=cluster_name[:255],
            country=country,
            sector=str(sector),
            website=website,
            city=cells.get("city", "").strip()[:120],
            lines=[line],
        )
        try:
            # No constraint can fail on these fields; skipping them saves a query per row.
            Organisation(**organisation_fields(new)).full_clean(validate_constraints=False)
        except ValidationError as exc:
            self.error(line, "; ".join(exc.messages))
            return None
        for key in keys:
            self.new[key] = new
        return new


def organisation_fields(new: NewOrganisation) -> dict[str, str]:
    return {
        "legal_name": new.legal_name,
        "cluster_name": new.cluster_name,
        "country": new.country,
        "region": new.region,
        "sector": new.sector,
        "website": new.website,
        "city": new.city,
    }


def _existing_labels(planned: list[PlannedLabel]) -> tuple[dict, dict, dict]:
    """The labels already stored for the file's organisations or numbers: by identity, by
    certificate number, and those a new label may continue (by organisation, scheme, level and
    ``valid_until``)."""
    organisation_ids = {
        p.organisation.pk for p in planned if isinstance(p.organisation, Organisation)
    }
    numbers = {p.certificate_number for p in planned if p.certificate_number}
    found = Label.objects.filter(organisation_id__in=organisation_ids) | Label.objects.filter(
        certificate_number__in=numbers
    )
    by_identity: dict[tuple, Label] = {}
    by_number: dict[str, Label] = {}
    chainable: dict[tuple, Label] = {}
    renewed = Exists(Label.objects.filter(previous_id=OuterRef("pk")))
    for label in found.select_related("organisation").annotate(renewed=renewed):
        identity = (label.scheme_id, label.level_id, label.valid_until)
        by_identity[(("existing", label.organisation_id), *identity)] = label
        by_number[label.certificate_number.upper()] = label
        if not label.renewed and label.state != LabelState.REVOKED:
            chainable[(label.organisation_id, *identity)] = label
    return by_identity, by_number, chainable


def _near_match(
    plan: PlannedLabel, stored: list[Label], tolerance_days: int, taken: set[int]
) -> Label | None:
    """The stored label of the row's organisation, scheme and level whose end is at most
    ``tolerance_days`` off (the nearest; not revoked, not corrected by another row yet), which
    a row with a corrected date updates rather than twins. A certificate number in the row
    must be that label's."""
    number = plan.certificate_number
    candidates = [
        label
        for label in stored
        if label.pk not in taken
        and label.state != LabelState.REVOKED
        and abs((label.valid_until - plan.valid_until).days) <= tolerance_days
        and (not number or number == label.certificate_number.upper())
    ]
    return min(
        candidates, key=lambda label: abs((label.valid_until - plan.valid_until).days), default=None
    )


def sort_out(
    planned: list[PlannedLabel], result: ImportResult, *, tolerance_days: int = 0
) -> tuple[list[PlannedLabel], list[PlannedLabel], dict[tuple, Label]]:
    """Drop duplicates and labels already stored; refuse conflicting certificate numbers.
    A row that differs from a stored label of its organisation, scheme and level only by an
    end at most ``tolerance_days`` off updates that label (``plan.updates``) instead of adding
    an overlapping twin. Returns the labels to create, the rows that update a stored label and
    the stored labels new ones may continue."""
    by_identity, by_number, chainable = _existing_labels(planned)
    by_level: dict[tuple, list[Label]] = {}
    for label in by_identity.values():
        key = (("existing", label.organisation_id), label.scheme_id, label.level_id)
        by_level.setdefault(key, []).append(label)
    exact = set(by_identity) & {plan.identity for plan in planned}
    taken = {by_identity[identity].pk for identity in exact}
    to_update: list[PlannedLabel] = []
    seen: dict[tuple, PlannedLabel] = {}
    numbers_in_file: dict[str, PlannedLabel] = {}
    to_create = []
    for plan in planned:
        number = plan.certificate_number
        first = seen.get(plan.identity)
        if first is not None:
            if number and first.certificate_number and number != first.certificate_number:
                result.errors.append(
                    RowProblem(
                        plan.line,
                        _("Same label as line %(line)s but another certificate number.")
                        % {"line": first.line},
                    )
                )
            else:
                result.duplicates.append((plan.line, first.line))
                first.certificate_number = first.certificate_number or number
            continue
        seen[plan.identity] = plan
        stored = by_identity.get(plan.identity)
        if stored is None and tolerance_days > 0:
            level_key = (plan.organisation_key, plan.target.scheme_id, plan.target.level_id)
            near = _near_match(plan, by_level.get(level_key, []), tolerance_days, taken)
            if near is not None:
                taken.add(near.pk)
                plan.updates = near
                plan.certificate_number = near.certificate_number
                to_update.append(plan)
                continue
        if stored is None and number in by_number:
            result.errors.append(
                RowProblem(
                    plan.line,
                    _("Certificate number %(number)s belongs to another label (%(label)s).")
                    % {"number": number, "label": str(by_number[number])},
                )
            )
            continue
        if stored is not None:
            if number and number != stored.certificate_number.upper():
                result.errors.append(
                    RowProblem(
                        plan.line,
                        _("This label exists with the certificate number %(number)s.")
                        % {"number": stored.certificate_number},
                    )
                )
                continue
            report = plan.report()
            report.certificate_number = stored.certificate_number
            result.unchanged.append(report)
            continue
        if number and number in numbers_in_file:
            result.errors.append(
                RowProblem(
                    plan.line,
                    _("Certificate number %(number)s is also on line %(line)s.")
                    % {"number": number, "line": numbers_in_file[number].line},
                )
            )
            continue
        if number:
            numbers_in_file[number] = plan
        to_create.append(plan)
    return to_create, to_update, chainable
