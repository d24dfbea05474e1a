"""Import existing label holders from an operator's list (CSV), atomically.

``labels_import(data=..., actor=...)`` reads the whole file, validates every row, and only then
writes, in one transaction: either every row is imported or nothing is, and every bad row is
named with its line and the reason. Used by ``clusterlabel import-labels`` and the admin.

What the list may look like (real lists are messy):

* Columns in German, English, French or Spanish, any case and punctuation (the full list is
  ``import_values.COLUMN_ALIASES``): organisation (``Organisation``, ``Name``, ``Träger``,
  ``Nom``...) and/or cluster name (``Clustername``), ``Land``/``Country``/``Pays``,
  ``Bundesland``/``Region``/``State``, ``Branche``/``Sector``/``Comparative portfolio``,
  ``Label``/``Scheme``, ``Stufe``/``Level``, ``Gültig bis``/``Label gültig bis``/``Valid
  until``/``Label valid until``, optionally ``Gültig ab``/``Valid from``, ``Verliehen
  am``/``Awarded``, ``Art``/``Event``/``Type`` (award, renewal or recertification: Vergabe,
  Verlängerung, Rezertifizierung...), ``Zertifikatsnummer``/``Certificate number`` and
  ``Website``/``www``. Other columns are ignored (with a warning).
* A list without a label column (ESCA's Bronze export) names its label with ``label`` (the
  command's ``--label``, the admin form's field): every row without a label cell gets it.
* UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), otherwise Windows-1252
  (Latin-1 as the last resort), or the ``encoding`` given. Excel's ``sep=;`` first line names
  the delimiter; otherwise ``;``, ``,``, tab or ``|``, whichever finds the header. The header
  is the row among the first ten with the most known column names: title rows above it are
  skipped (and said so). A workbook (.xlsx) or PDF is refused in one line saying what to do.
* Dates in every unambiguous form (``core.tabular.read_date``): ``2019-09-30``,
  ``2019/09/30``, ``30.09.2019``, ``30/09/2019`` or ``09/30/2019`` when the day shows the
  order, month names (``30 April 2015``), a time after the day (``02.07.2017 00:00``)
  ignored. ``02/07/2017`` is refused as ambiguous. A month alone (``02.2013``, ``09/2019``,
  ``2019-09``) is the first day of that month as a start (valid from, awarded) and the last as
  an end (valid until).
* Countries as ISO codes (``DE``, ``DEU``, ``UK``/``EL`` for GB/GR) or names in English,
  German, French, Spanish or the country's own language; regions as ISO 3166-2 codes
  (``DE-BW``, ``BW`` in a row of Germany) or names (``Baden-Württemberg``, ``Bavaria``), read in
  the row's country (a region alone gives its country). A scheme that admits one country or
  region only (the state label: DE, DE-BW) fills a row without them, said once in the notes.
* Every problem of a row is reported at once, with its line, the column as the file names it
  and what would be accepted.
* Sectors by their name in either language or a common word (``Photonik``, ``Medizintechnik``,
  ``IKT``); an unknown sector becomes "other" with a warning.
* Scheme and level as in ``ECEI Gold``, ``Gold``, ``Silber``, ``Cluster-Exzellenz BW``, ``bw``,
  or one of the level's ``aliases`` in the scheme file (``CE-BW``, ``EUCLES Gold``,
  ``Silberlabel``, ``Cluster Management Excellence Label GOLD``): every word must belong to
  exactly one current label's names (see ``SchemeResolver``).

Decisions:

* Organisations are matched by name against the legal and the cluster name of every existing
  organisation, compared casefolded, without accents (``ü`` = ``u`` = ``ue``), with
  punctuation and spacing in legal-form suffixes ignored (``e.V.`` = ``e. V.``); failing
  that, as variants: without legal forms of several countries (``gGmbH``, ``A.C.``, ``asbl``,
  ``z. s.``...), ``Management GmbH``, parts in brackets and the prefixes ``Spitzencluster``,
  ``Cluster``, ``Kompetenznetz`` (``clusterlabel.organisations.matching``). Several matches
  are narrowed by the country; still several is an error naming their ids. A column
  ``Organisation ID`` maps a row to an existing organisation the importing person may see
  (an id that does not exist or is hidden is an error). Unmatched names create an
  organisation (country required, sector "other" if none); variants of one new name in the
  file create one. Existing organisations are never changed.
* For every new organisation the result names the existing organisations whose names
  resemble its own (English against the own language, misspellings; rapidfuzz over the
  variant keys, all new names against all organisations in one pass): suggestions for the
  operator, who maps the rows by id or merges later, never a match.
* ``valid_from`` when not given: the award date if the list has one, else counted back from
  ``valid_until`` by the scheme's validity (``valid_until - months + 1 day``, month ends
  kept). ``awarded_on`` is ``valid_from``.
* A row whose organisation, scheme, level and ``valid_until`` (or certificate number) already
  exist is "unchanged" and writes nothing, so importing a file twice changes nothing. The same
  label twice in the file is imported once and reported as a duplicate.
* Renewal chains (``import_plan``): a row renews the latest label of its organisation, scheme
  and level that ends before it (stored, neither revoked nor renewed, or an earlier row), unless
  its event says "award". A row without a start is dated by the scheme's renewal rule
  (``domain.validity.validity_from_end``): seamless from the day after the previous end when a
  renewal within the grace period explains its end (ESCA's Bronze: three more years), counted
  back and unlinked otherwise; a row with a start continues a label ending the day before.
  Linked as ``previous`` with the chain's ``first_awarded_on``; the earlier one is superseded.
  The dry run reports the chain.
* A row whose end is at most ``tolerance_days`` (default 31) off a stored label of the same
  organisation and level corrects that label (``label.import_update``, before and after)
  instead of adding a twin; labels that still overlap another of the same level are warned of.
* An imported award of a level that is recognised for another label (the state label -> ECEI
  Gold) issues it through ``services.labels_issue_recognitions``, as an award in clusterlabel
  does, marked imported and linked by ``recognised_with``, unless the organisation already
  holds such a label overlapping it.
* Imports run one at a time: the check and the writing hold one lock (``_serialise_imports``).
* Certificate numbers from the file are kept (uppercased; unique) and the number counters are
  moved past them; missing ones are generated for the year of ``valid_from``.
* One ``label.import`` audit event per label and one ``organisation.create`` per organisation.

The rows are read and checked in ``import_check`` (what the import reports is in
``import_result``); this module writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import Exists, F, OuterRef

from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.tabular import ImportFileError, decode
from clusterlabel.labels import services
from clusterlabel.labels.issuing.import_check import (
    Checker,
    PlannedLabel,
    RawRow,
    organisation_fields,
    read_rows,
    sort_out,
)
from clusterlabel.labels.issuing.import_plan import (
    PlannedRecognition,
    plan_chains,
    plan_recognitions,
    report_overlaps,
)
from clusterlabel.labels.issuing.import_result import ImportResult, LabelUpdate, RowProblem
from clusterlabel.labels.models import Label, LabelSource, LabelState, NumberSequence
from clusterlabel.organisations.models import Organisation

Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 100
# A row whose end is this many days off a stored label's updates it (configurable per import).
DEFAULT_TOLERANCE_DAYS = 31
IMPORT_LOCK = "lock:labels-import"
RELATIONS = ["organisation", "scheme_version", "procedure", "recognised_with", "previous"]
_SEQUENCE_RE = re.compile(r"(.+)-(\d{4})-(\d+)")


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


def _previous(plan: PlannedLabel) -> Label | None:
    """The label this one continues, as planned (``import_plan.plan_chains``): one written
    earlier in this import, or a stored one, locked and checked again (an award may have
    renewed or revoked it since the rows were checked)."""
    previous = plan.previous
    if isinstance(previous, PlannedLabel):
        return previous.label
    if previous is None:
        return None
    return (
        Label.objects.select_for_update()
        .filter(pk=previous.pk)
        .exclude(state=LabelState.REVOKED)
        .exclude(Exists(Label.objects.filter(previous_id=OuterRef("pk"))))
        .first()
    )


def _update(plan: PlannedLabel, result: ImportResult, actor: User | None) -> None:
    """Correct the dates of the stored label a row updates (an end a few days off)."""
    assert plan.updates is not None
    label = Label.objects.select_for_update().get(pk=plan.updates.pk)
    before = {"valid_from": label.valid_from, "valid_until": label.valid_until}
    label.valid_until = plan.valid_until
    if plan.valid_from_given:
        label.valid_from = plan.valid_from
    label.full_clean(exclude=RELATIONS, validate_unique=False)
    label.save(update_fields=["valid_from", "valid_until"])
    plan.label = label
    audit_record(
        actor=actor,
        action="label.import_update",
        target=label,
        before=before,
        after={
            "valid_from": label.valid_from,
            "valid_until": label.valid_until,
            "file": result.file_name,
            "line": plan.line,
        },
    )


def _write(
    to_create: list[PlannedLabel],
    to_update: list[PlannedLabel],
    recognitions: list[PlannedRecognition],
    result: ImportResult,
    actor: User | None,
    progress: Progress | None,
) -> None:
    for new in result.new_organisations:
        created = Organisation(**organisation_fields(new))
        created.save()  # validated when the rows were checked
        new.organisation = created
        audit_record(
            actor=actor,
            action="organisation.create",
            target=created,
            after={**organisation_fields(new), "source": "import", "file": result.file_name},
        )
    _bump_sequences(p.certificate_number for p in to_create if p.certificate_number)
    for plan in to_update:
        _update(plan, result, actor)
    reports = {report.line: report for report in result.created}
    recognised = {report.line: report for report in result.recognised}
    brought: dict[int, list[PlannedRecognition]] = {}
    for recognition in recognitions:
        brought.setdefault(recognition.main.line, []).append(recognition)
    ordered = sorted(to_create, key=lambda p: (p.valid_until, p.line))
    for done, plan in enumerate(ordered, start=1):
        organisation = (
            plan.organisation
            if isinstance(plan.organisation, Organisation)
            else plan.organisation.organisation
        )
        assert organisation is not None
        previous = _previous(plan)
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
        plan.label = label
        if previous is not None and previous.state == LabelState.ACTIVE:
            previous.state = LabelState.SUPERSEDED
            previous.state_changed_at = label.issued_at
            previous.state_reason = label.certificate_number
            previous.save(update_fields=["state", "state_changed_at", "state_reason"])
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
        if plan.line in brought:
            issued = services.labels_issue_recognitions(
                main=label,
                recognitions=[(r.scheme_version.scheme_id, r.level_id) for r in brought[plan.line]],
                assessment_date=label.valid_from,
                source=LabelSource.IMPORTED,
                renewal=previous is not None,
                actor=actor,
            )
            for recognised_label in issued:
                report = recognised[plan.line]
                report.certificate_number = recognised_label.certificate_number
                report.valid_from = recognised_label.valid_from
                report.valid_until = recognised_label.valid_until
                report.renews = (
                    recognised_label.previous.certificate_number
                    if recognised_label.previous
                    else ""
                )
        if progress and (done % PROGRESS_EVERY == 0 or done == len(ordered)):
            progress("write", done, len(ordered))


def _serialise_imports() -> None:
    """Make this transaction the only import until it commits or rolls back.

    Every import takes the same row of ``NumberSequence`` (``IMPORT_LOCK``, counting the
    imports) before it reads the labels it compares the file with, and keeps it until it has
    written: a second import started meanwhile (another command, a double submit in the admin)
    waits, then sees what the first wrote and finds its rows unchanged. PostgreSQL: a row lock
    (the first import ever creates the row; a second one waits on the unique key and then on
    the row). SQLite serialises writers anyway; the update takes its write lock now, before
    anything is read, so two imports never check against the same state.
    """
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(key=IMPORT_LOCK)
    NumberSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)


def labels_import(
    *,
    data: bytes,
    actor: User | None,
    file_name: str = "",
    encoding: str | None = None,
    delimiter: str | None = None,
    label: str | None = None,
    dry_run: bool = False,
    tolerance_days: int = DEFAULT_TOLERANCE_DAYS,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a list of label holders: check every row, then write all or nothing.

    Returns the result whatever happens; ``result.errors`` lists each bad row by line, and
    ``result.written`` says whether anything was saved (never with errors or ``dry_run``).
    A row whose end is at most ``tolerance_days`` off a stored label of the same organisation
    and level updates that label (0: never). Imports run one at a time (see
    ``_serialise_imports``); a dry run waits for nobody.
    """
    result = ImportResult(file_name=file_name, dry_run=dry_run)
    try:
        text, used_encoding = decode(data, encoding)
        rows = read_rows(text, delimiter, result, label_given=bool(label))
    except ImportFileError as exc:  # one line saying why; no row was read
        result.errors.append(RowProblem(0, str(exc)))
        return result
    result.encoding = used_encoding
    result.rows = len(rows)
    if dry_run:
        _check_and_write(rows, result, actor, tolerance_days, progress, label)
        return result
    with transaction.atomic():
        _serialise_imports()
        _check_and_write(rows, result, actor, tolerance_days, progress, label)
        if result.errors:
            transaction.set_rollback(True)
    return result


def _check_and_write(
    rows: list[RawRow],
    result: ImportResult,
    actor: User | None,
    tolerance_days: int,
    progress: Progress | None,
    label: str | None = None,
) -> None:
    checker = Checker(result, actor)
    if label and not checker.use_label(label):
        return
    planned = []
    for done, row in enumerate(rows, start=1):
        plan = checker.check(row)
        if plan is not None:
            planned.append(plan)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress("check", done, len(rows))
    to_create, to_update, chainable = sort_out(planned, result, tolerance_days=tolerance_days)
    result.created = [plan.report() for plan in to_create]
    plan_chains(to_create, to_update, chainable, result, tolerance_days=tolerance_days)
    result.updated = [_update_report(plan) for plan in to_update]
    report_overlaps(to_create, to_update, result)
    recognitions = plan_recognitions(to_create, result)
    result.errors.sort(key=lambda problem: problem.line)
    result.warnings.sort(key=lambda problem: problem.line)
    result.matched = sorted(checker.matches.values(), key=lambda m: m.organisation.casefold())
    new = {id(item): item for item in checker.new.values()}
    result.new_organisations = sorted(new.values(), key=lambda item: item.lines[0])
    checker.suggest()
    if result.errors or result.dry_run:
        return
    _write(to_create, to_update, recognitions, result, actor, progress)
    result.written = True


def _update_report(plan: PlannedLabel) -> LabelUpdate:
    stored = plan.updates
    assert stored is not None
    return LabelUpdate(
        line=plan.line,
        certificate_number=stored.certificate_number,
        organisation=stored.organisation.cluster_name,
        scheme_id=stored.scheme_id,
        level_id=stored.level_id,
        valid_from_before=stored.valid_from,
        valid_until_before=stored.valid_until,
        valid_from=plan.valid_from if plan.valid_from_given else stored.valid_from,
        valid_until=plan.valid_until,
    )
