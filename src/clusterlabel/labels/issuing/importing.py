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
  Gold) issues it as an award in clusterlabel does (dated by ``services.label_planned``, the
  rule ``services.labels_issue_recognitions`` applies), marked imported and linked by
  ``recognised_with``, unless the organisation already holds such a label overlapping it.
* Imports run one at a time: the check and the writing hold one lock (``_serialise_imports``).
* A person (the admin) imports only labels of schemes their grants cover
  (``Activity.IMPORT_LABELS``: the scheme's or its operator's secretariat, administrators);
  a row of another scheme is refused naming its line and label column. The command (``actor``
  None, the system) imports every scheme.
* Certificate numbers from the file are kept (uppercased; unique) and the number counters are
  moved past them; missing ones are generated for the year of ``valid_from``.
* One ``label.import`` audit event per label and one ``organisation.create`` per organisation
  (a recognition: ``label.issue`` or ``label.renew``; a correction: ``label.import_update``).
* 10,000 rows are checked and written in seconds: the writing (``import_write``) reads, locks
  and inserts per kind of row, not per row, and appends the audit events in one batch.

The rows are read and checked in ``import_check`` (what the import reports is in
``import_result``) and written by ``import_write``; this module runs the import.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from clusterlabel.access.policy import Activity, can
from clusterlabel.accounts.models import User
from clusterlabel.core.tabular import ImportFileError, decode
from clusterlabel.labels.issuing.import_check import (
    Checker,
    PlannedLabel,
    RawRow,
    read_rows,
    sort_out,
)
from clusterlabel.labels.issuing.import_plan import (
    plan_chains,
    plan_recognitions,
    report_overlaps,
)
from clusterlabel.labels.issuing.import_result import ImportResult, LabelUpdate, RowProblem
from clusterlabel.labels.issuing.import_write import PROGRESS_EVERY, write_plan
from clusterlabel.labels.models import NumberSequence

Progress = Callable[[str, int, int], None]
# A row whose end is this many days off a stored label's updates it (configurable per import).
DEFAULT_TOLERANCE_DAYS = 31
IMPORT_LOCK = "lock:labels-import"


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
    may_import: dict[int, bool] = {}  # per scheme version: the actor's grants cover it
    for done, row in enumerate(rows, start=1):
        plan = checker.check(row)
        if plan is not None and actor is not None and not _may_import(actor, plan, may_import):
            result.errors.append(_not_covered(plan, row))
            plan = None
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
    write_plan(
        to_create=to_create,
        to_update=to_update,
        recognitions=recognitions,
        result=result,
        actor=actor,
        progress=progress,
    )
    result.written = True


def _may_import(actor: User, plan: PlannedLabel, known: dict[int, bool]) -> bool:
    """Whether the person's grants let them import labels of the row's scheme (the
    secretariat of that scheme or its operator, administrators of the operator or the
    installation). The labels an imported award is recognised for come along, as with an award
    made in clusterlabel."""
    version = plan.target.scheme_version
    if version.pk not in known:
        known[version.pk] = can(actor, Activity.IMPORT_LABELS, version)
    return known[version.pk]


def _not_covered(plan: PlannedLabel, row: RawRow) -> RowProblem:
    return RowProblem(
        row.line,
        _(
            "%(label)s is a label of a scheme your grants do not cover: only its secretariat "
            "or an administrator of its operator may import it."
        )
        % {"label": plan.target},
        row.headers.get("scheme") or row.headers.get("level", ""),
    )


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
