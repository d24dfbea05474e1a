"""Import historical assessments (an operator's list of earlier benchmarkings) into the pool.

``assessments_import(data=..., actor=...)`` reads the whole file, checks every row, and only
then records the assessments with one call of ``reference_assessments_record``: either every
row is recorded or nothing is, and every bad row is named with its line, column and reason.
The format for operators (columns, values, an example) is ``docs/assessment-import.md``.

Decisions:

* File reading is shared with the label importer (``clusterlabel.core.tabular``), but a
  column with a header that is neither a field nor an indicator id is an error, so a mistyped
  indicator id never drops a column, and a row wider than the header is an error (an unquoted
  delimiter would shift values into the wrong indicators).
* ``1.200`` / ``1,200`` (one mark, three digits after it) is read with the file's decimal
  mark: the one its unambiguous numbers show, else ``.`` in comma-separated files and ``,``
  otherwise; a file showing both marks must write such numbers without grouping.
* A name matches an existing organisation as in the label importer, through the same
  ``clusterlabel.organisations.matching.OrganisationIndex`` (legal or cluster name, folded,
  ``e.V.`` = ``e. V.``), failing that as a variant (legal forms of several countries,
  ``Management GmbH``, brackets, generic prefixes); a variant match is a warning. Several
  matches are narrowed by the country; still several is an error.
  Unmatched names are outside organisations keyed ``import:<ID>``, else
  ``import:<country>:<name without legal form>`` (then the country is needed); the prefix
  keeps them apart from the synthetic pool's keys.
* Sector, country, founding year and members come from the file; for a matched organisation
  an empty cell takes its profile's value. An unknown sector is an error.
* The same organisation, pool and date twice: same values -> collapsed with a warning,
  other values -> an error naming both lines.

The file's columns and rows are read in ``import_file`` (with what the import plans and
reports), numbers in ``import_numbers``; this module checks the rows and records them.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.accounts.models import User
from clusterlabel.benchmarks.import_file import (
    AssessmentImportResult,
    ImportProblem,
    PlannedAssessment,
    RawRow,
    is_missing,
    read_rows,
)
from clusterlabel.benchmarks.import_numbers import (
    AmbiguousNumber,
    file_decimal_mark,
    number_text,
    parse_number,
)
from clusterlabel.benchmarks.services import AssessmentEntry, reference_assessments_record
from clusterlabel.core.countries import parse_country
from clusterlabel.core.tabular import ImportFileError, decode, guess_delimiter, parse_date
from clusterlabel.core.text import header_key, name_key
from clusterlabel.domain.errors import ValueProblem
from clusterlabel.domain.schemes import Indicator
from clusterlabel.domain.scoring import IndicatorValue, validate_values
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.matching import OrganisationIndex
from clusterlabel.organisations.models import Organisation
from clusterlabel.organisations.sectors import parse_sector
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.resolver import SchemeResolver

TRUE_WORDS = {"ja", "j", "yes", "y", "true", "wahr", "1", "x"}
FALSE_WORDS = {"nein", "n", "no", "false", "falsch", "0"}
# Legal forms a list may add or leave out; only trailing ones are dropped (``AG Photonik``).
# Only for the keys of outside organisations, which are stored: kept as they were so that a
# list imported again finds its rows (matching our organisations uses ``OrganisationIndex``).
LEGAL_FORMS = {
    "ev", "gmbh", "ggmbh", "mbh", "ag", "kg", "co", "ug", "gbr", "eg", "se", "ltd", "limited",
    "inc", "sa", "sarl", "srl", "bv", "nv", "asbl", "vzw", "aisbl", "oy", "ab", "aps", "spa",
    "sl", "sro", "spzoo", "zs", "haftungsbeschrankt",
}  # fmt: skip
_MONTH_ONLY = re.compile(r"\d{1,2}\s*[/.]\s*\d{4}|\d{4}-\d{1,2}")


# --- checking the rows -----------------------------------------------------------------------


def _legal_form_stripped(key: str) -> str:
    words = key.split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def _external_key(text: str) -> str:
    key = f"import:{text}"
    if len(key) <= 200:
        return key
    return key[:180] + ":" + hashlib.sha256(key.encode()).hexdigest()[:16]


class _Checker:
    """Turns raw rows into planned entries, collecting every problem in ``result``."""

    def __init__(
        self, result: AssessmentImportResult, versions: Sequence[SchemeVersion], forced: str
    ) -> None:
        self.result = result
        self.versions = {version.scheme_id: version for version in versions}
        self.forced = self.versions.get(forced) if forced else None
        self.resolver = SchemeResolver(versions)
        self.today = timezone.localdate()
        self.decimal_mark: str | None = ","
        # The same matching as the label importer's (exact names, then variants).
        self.index = OrganisationIndex(Organisation.objects.all())
        self.organisations = self.index.by_pk
        self.reported_matches: set[tuple[str, int]] = set()

    def error(self, line: int, column: str, message: str, **params: object) -> None:
        self.result.errors.append(
            ImportProblem(line, message % params if params else message, column)
        )

    def warn(self, line: int, message: str, **params: object) -> None:
        self.result.warnings.append(ImportProblem(line, message % params))

    def check(self, row: RawRow) -> PlannedAssessment | None:
        line = row.line
        fields = {c.kind: (c, "" if is_missing(t) else t) for c, t in row.cells.items()}
        errors_before = len(self.result.errors)

        def text(kind: str) -> str:
            return fields[kind][1] if kind in fields else ""

        def header(kind: str) -> str:
            return fields[kind][0].header if kind in fields else ""

        version = self._scheme(line, text("scheme"), header("scheme"))
        assessed_on = self._date(line, text("assessed_on"), header("assessed_on"))
        legal_name = text("organisation") or text("cluster_name")
        name = text("cluster_name") or legal_name
        if not name:
            self.error(line, "", _("No organisation name."))
        country = ""
        if text("country"):
            country = parse_country(text("country")) or ""
            if not country:
                self.error(
                    line, header("country"), _("Unknown country “%(text)s”."), text=text("country")
                )
        sector = self._sector(line, text("sector"), header("sector"))
        founding_year = self._integer(line, text("founding_year"), header("founding_year"))
        members = self._integer(line, text("members"), header("members"))
        latest = (assessed_on or self.today).year  # founded before it was assessed
        if founding_year is not None and not 1900 <= founding_year <= latest:
            column = header("founding_year")
            self.error(line, column, _("%(year)s is not a founding year."), year=founding_year)
        values = self._values(line, row, version) if version is not None else None
        matching_errors = len(self.result.errors)
        organisation = self._organisation(line, legal_name, name, country) if name else None
        unmatched = name and len(self.result.errors) == matching_errors and organisation is None
        if unmatched and not text("country") and not text("external_id"):
            message = _("“%(name)s” is not a known organisation: give its country or an ID.")
            self.error(line, "", message, name=name)
        if len(self.result.errors) > errors_before or None in (version, assessed_on, values):
            return None
        assert version is not None and assessed_on is not None and values is not None
        if organisation is not None and country and country != organisation.country:
            message = _("Country %(file)s differs from %(name)s's %(country)s.")
            self.warn(line, message, file=country, name=name, country=organisation.country)
        if organisation is None:
            key = text("external_id") or f"{country}:{_legal_form_stripped(name_key(name))}"
            entry = AssessmentEntry(
                scheme_version=version,
                assessed_on=assessed_on,
                values=values,
                name=name[:255],
                external_key=_external_key(key),
                sector=sector or "",
                country=country,
                founding_year=founding_year,
                committed_members=members,
            )
        else:  # the file's facts of that day, else the profile's
            entry = AssessmentEntry(
                scheme_version=version,
                assessed_on=assessed_on,
                values=values,
                name=organisation.cluster_name,
                organisation=organisation,
                sector=sector or organisation.sector,
                country=country or organisation.country,
                founding_year=founding_year or organisation.founding_year,
                committed_members=organisation.committed_members if members is None else members,
            )
        columns = {c.indicator_id: c.header for c in row.cells if c.kind == "indicator"}
        return PlannedAssessment(line, entry, columns)

    def _scheme(self, line: int, text: str, column: str) -> SchemeVersion | None:
        if not text:
            if self.forced is None:
                self.error(line, "", _("No scheme given."))
            return self.forced
        version = self.versions.get(text.strip().casefold())
        candidates: list[str] = []
        if version is None:
            target, found = self.resolver.resolve(text)
            versions = {level.scheme_version.scheme_id: level.scheme_version for level in found}
            if target is not None or len(versions) == 1:
                version = next(iter(versions.values()))
            candidates = sorted(versions)
        if version is None:
            message = _("Unknown scheme “%(text)s”; loaded are %(schemes)s.")
            if candidates:
                message = _("“%(text)s” could be %(schemes)s; name one scheme.")
            schemes = ", ".join(candidates or sorted(self.versions))
            self.error(line, column, message, text=text, schemes=schemes)
        elif self.forced is not None and version != self.forced:
            message = _("“%(text)s” is not the scheme %(scheme)s chosen for this import.")
            self.error(line, column, message, text=text, scheme=self.forced.scheme_id)
            return None
        return version

    def _date(self, line: int, text: str, column: str) -> date | None:
        if not text:
            self.error(line, column, _("No assessment date."))
            return None
        day = parse_date(text)
        if day is None:
            message = _("“%(text)s” is not a date (use 2019-09-30, 30.09.2019 or 09/2019).")
            self.error(line, column, message, text=text)
            return None
        if _MONTH_ONLY.fullmatch(text.strip()):
            day = day.replace(day=1)  # parse_date gives a month's last day; an interview began
        if day > self.today:
            self.error(line, column, _("%(date)s is in the future."), date=day.isoformat())
            return None
        return day

    def _sector(self, line: int, text: str, column: str) -> str | None:
        if not text:
            return None
        sector = parse_sector(text)
        if sector is None:
            sectors = ", ".join(str(label) for label in Sector.labels)
            message = _("Unknown sector “%(text)s”; use one of: %(sectors)s.")
            self.error(line, column, message, text=text, sectors=sectors)
        return sector

    def _integer(self, line: int, text: str, column: str) -> int | None:
        if not text:
            return None
        try:
            number = parse_number(text, self.decimal_mark)
        except ValueError:
            number = None
        if number is None or number != number.to_integral_value() or number < 0:
            self.error(line, column, _("“%(text)s” is not a whole number."), text=text)
            return None
        return int(number)

    def _values(
        self, line: int, row: RawRow, version: SchemeVersion
    ) -> dict[str, IndicatorValue] | None:
        scheme = version.scheme
        own = {indicator.id for indicator in scheme.indicators}
        values: dict[str, IndicatorValue] = {}
        columns: dict[str, str] = {}
        empty: list[str] = []
        bad = False
        for column, text in row.cells.items():
            if column.kind != "indicator":
                continue
            if is_missing(text):
                if column.indicator_id in own:
                    empty.append(column.indicator_id)
                continue
            if column.indicator_id not in own:
                bad = True
                message = _("%(scheme)s has no indicator %(indicator)s; leave the cell empty.")
                self.error(
                    line,
                    column.header,
                    message,
                    scheme=version.scheme_id,
                    indicator=column.indicator_id,
                )
                continue
            indicator = scheme.indicator(column.indicator_id)
            message, value = self._value(indicator, text)
            if message:
                bad = True
                self.error(line, column.header, message)
                continue
            values[indicator.id] = value
            columns[indicator.id] = column.header
        problems = validate_values(scheme, values)
        for problem in problems:
            text = next(t for c, t in row.cells.items() if c.indicator_id == problem.indicator_id)
            self.error(line, columns[problem.indicator_id], _problem_message(problem, text))
        if bad or problems:
            return None
        if not values:
            self.error(line, "", _("No indicator values."))
            return None
        if empty:
            message = _("Empty, kept as missing (no points): %(indicators)s.")
            self.warn(line, message, indicators=", ".join(empty))
        return values

    def _value(self, indicator: Indicator, text: str) -> tuple[str, IndicatorValue]:
        """(an error message or "", the value)."""
        if indicator.type in ("number", "percent"):
            if indicator.type == "number" and text.strip().endswith("%"):
                return _("“%(text)s” is not a number.") % {"text": text}, None
            try:
                return "", parse_number(text, self.decimal_mark)
            except AmbiguousNumber:
                return (
                    _(
                        "“%(text)s” is unclear: the file uses both decimal marks; write the "
                        "number without a thousands separator."
                    )
                    % {"text": text},
                    None,
                )
            except ValueError:
                return _("“%(text)s” is not a number.") % {"text": text}, None
        key = header_key(text)
        if indicator.type == "boolean":
            if key in TRUE_WORDS or key in FALSE_WORDS:
                return "", key in TRUE_WORDS
            return _("“%(text)s” is not yes or no.") % {"text": text}, None
        for choice in indicator.choices:
            if key in {header_key(name) for name in (choice.id, choice.name.de, choice.name.en)}:
                return "", choice.id
        return (
            _("“%(text)s” is not an answer of %(indicator)s (%(choices)s).")
            % {"text": text, "indicator": indicator.id, "choices": ", ".join(indicator.choice_ids)},
            None,
        )

    def _organisation(
        self, line: int, legal_name: str, name: str, country: str
    ) -> Organisation | None:
        found = self.index.find((legal_name, name), country).organisations
        if len(found) > 1:
            names = [f"#{o.pk} {o.cluster_name}" for o in found]
            message = _("“%(name)s” matches several organisations: %(names)s.")
            self.error(line, "", message, name=name, names="; ".join(names))
            return None
        if not found:
            return None
        organisation = found[0]
        own = {organisation.legal_name, organisation.cluster_name}
        for text in sorted({legal_name, name} - own):
            if (text, organisation.pk) not in self.reported_matches:
                self.reported_matches.add((text, organisation.pk))
                message = _("“%(name)s” taken as the organisation “%(organisation)s” (#%(id)s).")
                self.warn(line, message, name=text, organisation=organisation, id=organisation.pk)
        return organisation


def _problem_message(problem: ValueProblem, text: str) -> str:
    """A sentence for a value the domain refused, naming the value as written."""
    params = problem.params
    if problem.code == "out_of_range":
        low, high = params.get("min"), params.get("max")
        if low is not None and params["value"] < low:
            return _("“%(text)s” is below the minimum %(min)s.") % {
                "text": text,
                "min": number_text(low),
            }
        return _("“%(text)s” is above the maximum %(max)s.") % {
            "text": text,
            "max": number_text(high),
        }
    return _("“%(text)s” cannot be scored (%(reason)s).") % {"text": text, "reason": problem.code}


def _collapse(
    planned: list[PlannedAssessment], result: AssessmentImportResult
) -> list[PlannedAssessment]:
    """One entry per organisation, pool and date: repeats with the same values are dropped
    (a warning), repeats with other values are errors naming both lines."""
    first: dict[tuple[str, str, date], PlannedAssessment] = {}
    kept = []
    for plan in planned:
        earlier = first.get(plan.identity)
        if earlier is None:
            first[plan.identity] = plan
            kept.append(plan)
            continue
        ours, theirs = plan.facts(), earlier.facts()
        differ = [name for name in ours | theirs if ours.get(name) != theirs.get(name)]
        if differ:
            result.errors.append(
                ImportProblem(
                    plan.line,
                    _(
                        "Lines %(first)s and %(line)s are the same assessment (organisation, "
                        "pool and date) with other values: %(fields)s."
                    )
                    % {"first": earlier.line, "line": plan.line, "fields": ", ".join(differ)},
                )
            )
        else:
            result.warnings.append(
                ImportProblem(
                    plan.line,
                    _("Same assessment as line %(line)s; imported once.") % {"line": earlier.line},
                )
            )
    return kept


def _missing_columns(planned: list[PlannedAssessment], result: AssessmentImportResult) -> None:
    """Warn once per scheme about indicators the file has no column for."""
    seen: set[str] = set()
    for plan in planned:
        version = plan.entry.scheme_version
        if version.scheme_id in seen:
            continue
        seen.add(version.scheme_id)
        absent = [i.id for i in version.scheme.indicators if i.id not in plan.columns]
        if absent:
            result.warnings.append(
                ImportProblem(
                    0,
                    _("No column for %(indicators)s of %(scheme)s: missing in every row.")
                    % {"indicators": ", ".join(absent), "scheme": version.scheme_id},
                )
            )


# --- the import ------------------------------------------------------------------------------


def assessments_import(
    *,
    data: bytes,
    actor: User | None,
    source_name: str = "",
    encoding: str | None = None,
    scheme_id: str | None = None,
    dry_run: bool = False,
) -> AssessmentImportResult:
    """Import a list of historical assessments: check every row, then record all or nothing.

    Returns the result whatever happens: ``errors`` names every bad row (line, column, reason)
    and then nothing was written; ``warnings`` what was read in a way worth checking;
    ``outcome`` what the pool service did (on a dry run: would do, rolled back). ``scheme_id``
    is the scheme of rows without a scheme column (and then the only scheme allowed).
    """
    result = AssessmentImportResult(source_name=source_name, dry_run=dry_run)
    versions = list(SchemeVersion.objects.filter(is_current=True).order_by("scheme_id"))
    if scheme_id and scheme_id not in {v.scheme_id for v in versions}:
        result.errors.append(
            ImportProblem(
                0,
                _("The scheme %(scheme)s is not loaded; loaded are %(schemes)s.")
                % {"scheme": scheme_id, "schemes": ", ".join(v.scheme_id for v in versions)},
            )
        )
        return result
    usable = [v for v in versions if v.scheme_id == scheme_id] if scheme_id else versions
    try:
        text, result.encoding = decode(data, encoding)
        result.delimiter = guess_delimiter(text)
        indicator_ids = {i.id for v in usable for i in v.scheme.indicators}
        rows = read_rows(text, result.delimiter, indicator_ids, result)
    except ImportFileError as exc:
        result.errors.append(ImportProblem(0, str(exc)))
        return result
    if not result.rows:
        result.errors.append(ImportProblem(0, _("The file has no assessments.")))
    checker = _Checker(result, versions, scheme_id or "")
    numbers = (
        t
        for row in rows
        for c, t in row.cells.items()
        if c.kind in ("indicator", "members") and not is_missing(t)
    )
    checker.decimal_mark = file_decimal_mark(numbers, result.delimiter)
    planned = [plan for row in rows if (plan := checker.check(row)) is not None]
    planned = _collapse(planned, result)
    _missing_columns(planned, result)
    result.errors.sort(key=lambda problem: problem.line)
    result.warnings.sort(key=lambda problem: problem.line)
    result.assessments = planned
    if result.errors:
        return result
    entries = [plan.entry for plan in planned]
    try:
        with transaction.atomic():
            result.outcome = reference_assessments_record(
                entries=entries, actor=actor, source_name=source_name
            )
            if dry_run:  # the service's own answer, without keeping it
                transaction.set_rollback(True)
    except ValueError as exc:  # pragma: no cover - every value was checked above
        result.outcome = None
        result.errors.append(ImportProblem(0, str(exc)))
    return result
