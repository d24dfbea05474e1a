"""Import existing label holders from an operator's list (CSV), atomically.

``labels_import(data=..., actor=...)`` reads the whole file, validates every row, and only then
writes, in one transaction: either every row is imported or nothing is, and every bad row is
named with its line and the reason. Used by ``clusterlabel import-labels`` and the admin.

What the list may look like (real lists are messy):

* Columns in German or English, any case and punctuation: organisation (``Organisation``,
  ``Name``, ``Träger``...) and/or cluster name (``Clustername``), ``Land``/``Country``,
  ``Branche``/``Sector``, ``Label``/``Scheme``, ``Stufe``/``Level``, ``Gültig bis``/``Valid
  until``, optionally ``Gültig ab``/``Valid from``, ``Zertifikatsnummer``/``Certificate
  number`` and ``Website``. Other columns are ignored (with a warning).
* UTF-8 (with or without BOM); otherwise Windows-1252 (Latin-1 as the last resort), or the
  ``encoding`` given. Delimiter ``;``, ``,``, tab or ``|``, guessed from the header line.
* Dates ``2019-09-30``, ``30.09.2019``, ``30/09/2019`` (day first) or a month alone
  (``09/2019``, ``09.2019``, ``2019-09``), which means the last day of that month.
* Countries as ISO codes (``DE``, ``DEU``, ``UK``/``EL`` for GB/GR) or names in German or English.
* Sectors by their name in either language or a common word (``Photonik``, ``Medizintechnik``,
  ``IKT``); an unknown sector becomes "other" with a warning.
* Scheme and level as in ``ECEI Gold``, ``Gold``, ``Silber``, ``Cluster-Exzellenz BW``, ``bw``:
  every word must belong to exactly one current scheme's names (see ``SchemeResolver``).

Decisions:

* Organisations are matched by name against the legal and the cluster name of every existing
  organisation, compared casefolded, without accents (``ü`` = ``u`` = ``ue``), with
  punctuation and spacing in legal-form suffixes ignored (``e.V.`` = ``e. V.``). Several
  matches are narrowed by the country; still several is an error. Unmatched names create an
  organisation (country required, sector "other" if none); variants of one new name in the
  file create one. Existing organisations are never changed.
* ``valid_from`` when not given: counted back from ``valid_until`` by the scheme's validity
  (``valid_until - months + 1 day``, month ends kept). ``awarded_on`` is ``valid_from``.
* A row whose organisation, scheme, level and ``valid_until`` (or certificate number) already
  exist is "unchanged" and writes nothing, so importing a file twice changes nothing. The same
  label twice in the file is imported once and reported as a duplicate.
* A label that starts the day after an earlier label of the same organisation, scheme and level
  ends continues it (``previous``, ``first_awarded_on`` of the chain; the earlier one becomes
  superseded), as a renewal issued in clusterlabel would.
* Certificate numbers from the file are kept (uppercased; unique) and the number counters are
  moved past them; missing ones are generated for the year of ``valid_from``.
* One ``label.import`` audit event per label and one ``organisation.create`` per organisation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.countries import parse_country
from clusterlabel.core.tabular import (
    EMPTY_CELLS,
    ImportFileError,
    csv_records,
    decode,
    guess_delimiter,
    parse_date,
)
from clusterlabel.core.text import header_key, name_key
from clusterlabel.labels import services
from clusterlabel.labels.issuing.import_values import COLUMNS, derive_valid_from, normalise_website
from clusterlabel.labels.models import Label, LabelSource, LabelState, NumberSequence
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.models import Organisation
from clusterlabel.organisations.sectors import parse_sector
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.resolver import SchemeLevel, SchemeResolver

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 100
RELATIONS = ["organisation", "scheme_version", "procedure", "recognised_with", "previous"]


# --- the result ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    line: int
    message: str


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


@dataclass
class OrganisationMatch:
    """Names in the file that matched an existing organisation."""

    organisation_id: int
    organisation: str
    names: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class NewOrganisation:
    """An organisation the import creates (``organisation`` is set once it is written)."""

    key: str
    legal_name: str
    cluster_name: str
    country: str
    sector: str
    website: str
    lines: list[int] = field(default_factory=list)
    organisation: Organisation | None = None


@dataclass
class ImportResult:
    """What an import found and did. Nothing was written unless ``written``."""

    file_name: str = ""
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    created: list[ImportedLabel] = field(default_factory=list)
    unchanged: list[ImportedLabel] = field(default_factory=list)
    duplicates: list[tuple[int, int]] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)
    matched: list[OrganisationMatch] = field(default_factory=list)
    new_organisations: list[NewOrganisation] = field(default_factory=list)
    written: bool = False
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


# --- reading the file ------------------------------------------------------------------------


@dataclass
class RawRow:
    line: int
    cells: dict[str, str]


def read_rows(text: str, delimiter: str, result: ImportResult) -> list[RawRow]:
    """The data rows by column name, with their first physical line; unknown columns are
    reported as warnings. Raises ``ImportFileError`` without a header or needed columns."""
    columns: dict[int, str] | None = None
    width = 0
    rows: list[RawRow] = []
    for line, cells in csv_records(text, delimiter):
        if columns is None:
            columns, width = _header(cells, line, result), len(cells)
            continue
        extra = [cell for cell in cells[width:] if cell]
        if extra:
            result.warnings.append(RowProblem(line, _("Cells right of the last column ignored.")))
        values = {
            column: ("" if cells[i].casefold() in EMPTY_CELLS else cells[i])
            for i, column in columns.items()
            if i < len(cells)
        }
        rows.append(RawRow(line, values))
    if columns is None:
        raise ImportFileError(_("The file is empty."))
    return rows


def _header(cells: list[str], line: int, result: ImportResult) -> dict[int, str]:
    columns: dict[int, str] = {}
    for index, cell in enumerate(cells):
        column = COLUMNS.get(header_key(cell))
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
    if not found & {"scheme", "level"}:
        missing.append(_("label or level"))
    if "valid_until" not in found:
        missing.append(_("valid until"))
    if missing:
        raise ImportFileError(
            _("Line %(line)s: the header has no column for %(missing)s.")
            % {"line": line, "missing": ", ".join(missing)}
        )
    return columns


# --- checking the rows -----------------------------------------------------------------------

_NUMBER_RE = re.compile(r"[A-Z0-9][A-Z0-9._-]*")
_SEQUENCE_RE = re.compile(r"(.+)-(\d{4})-(\d+)")


@dataclass
class PlannedLabel:
    line: int
    organisation: Organisation | NewOrganisation
    target: SchemeLevel
    valid_from: date
    valid_until: date
    certificate_number: str

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
        )


class _Checker:
    """Turns raw rows into planned labels, collecting every problem."""

    def __init__(self, result: ImportResult) -> None:
        self.result = result
        self.schemes = SchemeResolver(
            SchemeVersion.objects.filter(is_current=True).order_by("family", "scheme_id")
        )
        self.organisations = list(Organisation.objects.all())
        self.by_key: dict[str, set[int]] = {}
        for organisation in self.organisations:
            for name in (organisation.legal_name, organisation.cluster_name):
                self.by_key.setdefault(name_key(name), set()).add(organisation.pk)
        self.by_pk = {organisation.pk: organisation for organisation in self.organisations}
        self.new: dict[str, NewOrganisation] = {}
        self.matches: dict[int, OrganisationMatch] = {}

    def error(self, line: int, message: str) -> None:
        self.result.errors.append(RowProblem(line, message))

    def check(self, row: RawRow) -> PlannedLabel | None:
        cells, line = row.cells, row.line
        errors_before = len(self.result.errors)
        legal_name = cells.get("organisation") or cells.get("cluster_name") or ""
        cluster_name = cells.get("cluster_name") or legal_name
        if not legal_name:
            self.error(line, _("No organisation name."))
        country = ""
        if cells.get("country"):
            country = parse_country(cells["country"]) or ""
            if not country:
                self.error(line, _("Unknown country “%(text)s”.") % {"text": cells["country"]})
        label_text = " ".join(filter(None, (cells.get("scheme"), cells.get("level"))))
        target, candidates = self.schemes.resolve(label_text)
        if target is None:
            if not label_text:
                self.error(line, _("No label given."))
            elif candidates:
                self.error(
                    line,
                    _("“%(text)s” could be %(candidates)s; name the label and its level.")
                    % {"text": label_text, "candidates": ", ".join(map(str, candidates))},
                )
            else:
                self.error(line, _("Unknown label “%(text)s”.") % {"text": label_text})
        valid_until = self._date(cells, "valid_until", line, required=True)
        valid_from = self._date(cells, "valid_from", line, required=False)
        number = self._number(cells.get("certificate_number", ""), line)
        if len(self.result.errors) > errors_before or target is None or valid_until is None:
            return None
        if valid_from is None:
            valid_from = derive_valid_from(target.scheme_version, valid_until)
        if valid_from > valid_until:
            self.error(
                line,
                _("Valid from %(start)s is after valid until %(end)s.")
                % {"start": valid_from.isoformat(), "end": valid_until.isoformat()},
            )
            return None
        organisation = self._organisation(line, legal_name, cluster_name, country, cells)
        if organisation is None:
            return None
        return PlannedLabel(
            line=line,
            organisation=organisation,
            target=target,
            valid_from=valid_from,
            valid_until=valid_until,
            certificate_number=number,
        )

    def _date(
        self, cells: dict[str, str], column: str, line: int, *, required: bool
    ) -> date | None:
        text = cells.get(column, "")
        if not text:
            if required:
                self.error(line, _("No “valid until” date."))
            return None
        day = parse_date(text)
        if day is None:
            self.error(
                line,
                _("“%(text)s” is not a date (use 2019-09-30, 30.09.2019 or 09/2019).")
                % {"text": text},
            )
        return day

    def _number(self, text: str, line: int) -> str:
        number = text.strip().upper()
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
        keys = {name_key(legal_name), name_key(cluster_name)}
        found = set().union(*(self.by_key.get(key, set()) for key in keys))
        if len(found) > 1 and country:
            found = {pk for pk in found if self.by_pk[pk].country == country} or found
        if len(found) > 1:
            names = sorted(str(self.by_pk[pk]) for pk in found)
            self.error(
                line,
                _("“%(name)s” matches several organisations: %(names)s.")
                % {"name": cluster_name, "names": "; ".join(names)},
            )
            return None
        if found:
            organisation = self.by_pk[found.pop()]
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
            lines=[line],
        )
        try:
            # No constraint can fail on these fields; skipping them saves a query per row.
            Organisation(**_organisation_fields(new)).full_clean(validate_constraints=False)
        except ValidationError as exc:
            self.error(line, "; ".join(exc.messages))
            return None
        for key in keys:
            self.new[key] = new
        return new


def _organisation_fields(new: NewOrganisation) -> dict[str, str]:
    return {
        "legal_name": new.legal_name,
        "cluster_name": new.cluster_name,
        "country": new.country,
        "sector": new.sector,
        "website": new.website,
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


def _sort_out(
    planned: list[PlannedLabel], result: ImportResult
) -> tuple[list[PlannedLabel], dict[tuple, Label]]:
    """Drop duplicates and labels already stored; refuse conflicting certificate numbers.
    Returns the labels to create and the stored labels they may continue."""
    by_identity, by_number, chainable = _existing_labels(planned)
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
    return to_create, chainable


# --- writing ---------------------------------------------------------------------------------


def _bump_sequences(numbers: Iterable[str]) -> None:
    """Move the certificate counters past imported numbers, so a later award never collides."""
    highest: dict[str, int] = {}
    for number in numbers:
        match = _SEQUENCE_RE.fullmatch(number)
        if match:
            key = f"certificate:{match[1]}:{match[2]}"
            highest[key] = max(highest.get(key, 0), int(match[3]))
    for key, value in highest.items():
        sequence, _created = NumberSequence.objects.select_for_update().get_or_create(key=key)
        if sequence.last < value:
            sequence.last = value
            sequence.save(update_fields=["last"])


def _new_number(plan: PlannedLabel) -> str:
    scheme = plan.target.scheme_version
    while True:
        number = services.certificate_number(
            family=scheme.family, level_id=plan.target.level_id, year=plan.valid_from.year
        )
        if not Label.objects.filter(certificate_number__iexact=number).exists():
            return number


def _previous(
    plan: PlannedLabel, organisation: Organisation, written: dict, chainable: dict
) -> Label | None:
    """The label this one continues without a gap (one written earlier in this import, or a
    stored one that is not revoked and has no renewal yet); each is continued only once."""
    day_before = plan.valid_from - timedelta(days=1)
    key = (organisation.pk, plan.target.scheme_id, plan.target.level_id, day_before)
    if key in written:
        return written.pop(key)
    stored = chainable.pop(key, None)
    if stored is None:
        return None
    return (  # lock it and check again: an award may have renewed it meanwhile
        Label.objects.select_for_update()
        .filter(pk=stored.pk)
        .exclude(state=LabelState.REVOKED)
        .exclude(Exists(Label.objects.filter(previous_id=OuterRef("pk"))))
        .first()
    )


def _write(
    to_create: list[PlannedLabel],
    chainable: dict[tuple, Label],
    result: ImportResult,
    actor: User | None,
    progress: Progress | None,
) -> None:
    with transaction.atomic():
        for new in result.new_organisations:
            created = Organisation(**_organisation_fields(new))
            created.save()  # validated when the rows were checked
            new.organisation = created
            audit_record(
                actor=actor,
                action="organisation.create",
                target=created,
                after={**_organisation_fields(new), "source": "import", "file": result.file_name},
            )
        _bump_sequences(p.certificate_number for p in to_create if p.certificate_number)
        written: dict[tuple, Label] = {}
        reports = {report.line: report for report in result.created}
        ordered = sorted(to_create, key=lambda p: (p.valid_until, p.line))
        for done, plan in enumerate(ordered, start=1):
            organisation = (
                plan.organisation
                if isinstance(plan.organisation, Organisation)
                else plan.organisation.organisation
            )
            assert organisation is not None
            previous = _previous(plan, organisation, written, chainable)
            label = Label(
                organisation=organisation,
                scheme_version=plan.target.scheme_version,
                scheme_id=plan.target.scheme_id,
                family=plan.target.scheme_version.family,
                level_id=plan.target.level_id,
                certificate_number=plan.certificate_number or _new_number(plan),
                valid_from=plan.valid_from,
                valid_until=plan.valid_until,
                awarded_on=plan.valid_from,
                first_awarded_on=previous.first_awarded_on if previous else plan.valid_from,
                source=LabelSource.IMPORTED,
                previous=previous,
                status_list_index=services.status_list_index(),
            )
            # The relations and numbers were checked above and the database's constraints hold
            # the rest; validating them again here would cost five queries per label.
            label.clean_fields(exclude=RELATIONS)
            label.save()
            if previous is not None and previous.state == LabelState.ACTIVE:
                previous.state = LabelState.SUPERSEDED
                previous.state_changed_at = label.issued_at
                previous.state_reason = label.certificate_number
                previous.save(update_fields=["state", "state_changed_at", "state_reason"])
            written[(organisation.pk, label.scheme_id, label.level_id, label.valid_until)] = label
            plan.certificate_number = label.certificate_number
            audit_record(
                actor=actor,
                action="label.import",
                target=label,
                after={
                    "certificate_number": label.certificate_number,
                    "organisation": organisation.cluster_name,
                    "scheme": f"{label.scheme_id} {plan.target.scheme_version.version}",
                    "level": label.level_id,
                    "valid_from": label.valid_from,
                    "valid_until": label.valid_until,
                    "renews": previous.certificate_number if previous else None,
                    "file": result.file_name,
                    "line": plan.line,
                },
            )
            reports[plan.line].certificate_number = label.certificate_number
            reports[plan.line].renews = previous.certificate_number if previous else ""
            if progress and (done % PROGRESS_EVERY == 0 or done == len(ordered)):
                progress("write", done, len(ordered))


def labels_import(
    *,
    data: bytes,
    actor: User | None,
    file_name: str = "",
    encoding: str | None = None,
    delimiter: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a list of label holders: check every row, then write all or nothing.

    Returns the result whatever happens; ``result.errors`` lists each bad row by line, and
    ``result.written`` says whether anything was saved (never with errors or ``dry_run``).
    """
    result = ImportResult(file_name=file_name, dry_run=dry_run)
    try:
        text, result.encoding = decode(data, encoding)
        result.delimiter = delimiter or guess_delimiter(text)
        rows = read_rows(text, result.delimiter, result)
    except ImportFileError as exc:
        result.errors.append(RowProblem(0, str(exc)))
        return result
    result.rows = len(rows)
    checker = _Checker(result)
    planned = []
    for done, row in enumerate(rows, start=1):
        plan = checker.check(row)
        if plan is not None:
            planned.append(plan)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress("check", done, len(rows))
    to_create, chainable = _sort_out(planned, result)
    result.errors.sort(key=lambda problem: problem.line)
    result.created = [plan.report() for plan in to_create]
    result.matched = sorted(checker.matches.values(), key=lambda m: m.organisation.casefold())
    new = {id(item): item for item in checker.new.values()}
    result.new_organisations = sorted(new.values(), key=lambda item: item.lines[0])
    if result.errors or dry_run:
        return result
    _write(to_create, chainable, result, actor, progress)
    result.written = True
    return result
