"""Writing a checked import: every label, organisation and audit event of the file in a
constant number of queries per kind of row, inside the import's transaction.

``write_plan`` writes what ``import_check`` and ``import_plan`` decided, exactly as writing the
rows one by one would (``labels_import`` documents the decisions): the same labels, numbers,
renewal links, superseded states, recognitions (dated by ``services.label_planned``, the rule
an award in clusterlabel uses) and audit events in the same order. What changes is the
mechanics, so that 10,000 rows take seconds, not minutes:

* the labels are built in memory first, in the order rows are written (by end, then line),
  each recognition right after the label that brings it; a renewal of an earlier row points
  at that row's unsaved label;
* certificate numbers and status list places are reserved per counter at once
  (``services.next_numbers``), generated numbers checked against stored ones in one query;
* the stored labels a row renews or a recognition may renew are read and locked in one query;
* organisations and labels are inserted with ``bulk_create`` (labels in waves: a label after
  the one it renews or is recognised with), superseded stored labels and corrections with
  ``bulk_update``;
* the audit events go into the chain with ``audit_record_batch``: one append lock, linked one
  after the other as ``audit_record`` would.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from clusterlabel.accounts.models import User
from clusterlabel.audit.services import PendingEvent, audit_record_batch
from clusterlabel.labels import services
from clusterlabel.labels.changes import Change, labels_changed
from clusterlabel.labels.issuing.import_check import PlannedLabel, organisation_fields
from clusterlabel.labels.issuing.import_plan import PlannedRecognition
from clusterlabel.labels.issuing.import_result import ImportResult
from clusterlabel.labels.models import Label, LabelSource, LabelState, NumberSequence
from clusterlabel.organisations.models import Organisation

Progress = Callable[[str, int, int], None]
BATCH_SIZE = 500
PROGRESS_EVERY = 100
RELATIONS = ["organisation", "scheme_version", "procedure", "recognised_with", "previous"]
_SEQUENCE_RE = re.compile(r"(.+)-(\d{4})-(\d+)")


@dataclass
class _NewLabel:
    """A label to insert and how its audit event reads."""

    label: Label
    plan: PlannedLabel
    action: str  # label.import for a row; label.issue / label.renew for a recognition


def bump_sequences(numbers: Iterable[str]) -> None:
    """Move the certificate counters past imported numbers, so a later award never collides."""
    highest: dict[str, int] = {}
    for number in numbers:
        match = _SEQUENCE_RE.fullmatch(number)
        if match:
            key = services.certificate_number_key(prefix=match[1], year=int(match[2]))
            highest[key] = max(highest.get(key, 0), int(match[3]))
    if not highest:
        return
    stored = {
        sequence.key: sequence
        for sequence in NumberSequence.objects.select_for_update().filter(key__in=highest)
    }
    NumberSequence.objects.bulk_create(
        NumberSequence(key=key, last=value) for key, value in highest.items() if key not in stored
    )
    behind = [sequence for sequence in stored.values() if sequence.last < highest[sequence.key]]
    for sequence in behind:
        sequence.last = highest[sequence.key]
    NumberSequence.objects.bulk_update(behind, ["last"], batch_size=BATCH_SIZE)


def write_plan(
    *,
    to_create: list[PlannedLabel],
    to_update: list[PlannedLabel],
    recognitions: list[PlannedRecognition],
    result: ImportResult,
    actor: User | None,
    progress: Progress | None,
) -> None:
    """Write the checked rows (call inside the import's transaction, holding its lock)."""
    events: list[PendingEvent] = []
    now = timezone.now()
    _create_organisations(result, events)
    bump_sequences(p.certificate_number for p in to_create if p.certificate_number)
    _update_labels(to_update, result, events)
    ordered = sorted(to_create, key=lambda p: (p.valid_until, p.line))
    brought: dict[int, list[PlannedRecognition]] = {}
    for recognition in recognitions:
        brought.setdefault(recognition.main.line, []).append(recognition)
    new, superseded = _build(ordered, brought, now)
    _link_recognitions(ordered)
    _assign_numbers([item.label for item in new], ordered)
    indices = iter(services.status_list_positions(len(new)))
    for item in new:
        item.label.status_list_index = next(indices)
        if item.label.previous is not None and item.label.previous.state_reason == _SUCCESSOR:
            item.label.previous.state_reason = item.label.certificate_number
    for item in new:
        # The relations and numbers were checked above and the database's constraints hold
        # the rest; validating them again here would cost five queries per label.
        item.label.clean_fields(exclude=RELATIONS)
    _insert([item.label for item in new], progress)
    Label.objects.bulk_update(
        superseded, ["state", "state_changed_at", "state_reason"], batch_size=BATCH_SIZE
    )
    _report(new, result)
    events.extend(_event(item, result) for item in new)
    audit_record_batch(actor=actor, events=events)
    labels_changed(Change.IMPORTED)


# Marks a label superseded in memory until its successor's number is known.
_SUCCESSOR = "\0successor"


def _create_organisations(result: ImportResult, events: list[PendingEvent]) -> None:
    # validated when the rows were checked
    organisations = [Organisation(**organisation_fields(new)) for new in result.new_organisations]
    for organisation in organisations:
        organisation.set_name_search_key()  # what saving through a service would do
    created = Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)
    for new, organisation in zip(result.new_organisations, created, strict=True):
        new.organisation = organisation
        events.append(
            PendingEvent(
                action="organisation.create",
                target=organisation,
                after={**organisation_fields(new), "source": "import", "file": result.file_name},
            )
        )


def _update_labels(
    to_update: list[PlannedLabel], result: ImportResult, events: list[PendingEvent]
) -> None:
    """Correct the dates of the stored labels rows update (an end a few days off)."""
    if not to_update:
        return
    stored = Label.objects.select_for_update().in_bulk(
        [plan.updates.pk for plan in to_update if plan.updates is not None]
    )
    for plan in to_update:
        assert plan.updates is not None
        label = stored[plan.updates.pk]
        before = {"valid_from": label.valid_from, "valid_until": label.valid_until}
        label.valid_until = plan.valid_until
        if plan.valid_from_given:
            label.valid_from = plan.valid_from
        label.full_clean(exclude=RELATIONS, validate_unique=False)
        plan.label = label
        events.append(
            PendingEvent(
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
        )
    Label.objects.bulk_update(
        list(stored.values()), ["valid_from", "valid_until"], batch_size=BATCH_SIZE
    )


def _stored(
    ordered: list[PlannedLabel], brought: dict[int, list[PlannedRecognition]]
) -> dict[int, Label]:
    """The stored labels this import may renew, locked, not revoked, each read once (so a
    label renewed by a row and considered by a recognition is one object): those rows renew,
    and the organisations' labels of the levels recognitions issue. ``renewed`` says whether
    another label renews it already."""
    previous_ids = {p.previous.pk for p in ordered if isinstance(p.previous, Label)}
    brings = [r for line in brought.values() for r in line]
    organisation_ids = {
        r.main.organisation.pk for r in brings if isinstance(r.main.organisation, Organisation)
    }
    if not previous_ids and not organisation_ids:
        return {}
    # A superset of the recognitions' levels (one condition, not one per row): the extra
    # labels are locked and never looked at.
    found = (
        Label.objects.select_for_update()
        .filter(
            Q(pk__in=previous_ids)
            | Q(
                organisation_id__in=organisation_ids,
                scheme_id__in={r.scheme_version.scheme_id for r in brings},
                level_id__in={r.level_id for r in brings},
            )
        )
        .exclude(state=LabelState.REVOKED)
        .annotate(renewed=Exists(Label.objects.filter(previous_id=OuterRef("pk"))))
    )
    return {label.pk: label for label in found}


def _build(
    ordered: list[PlannedLabel],
    brought: dict[int, list[PlannedRecognition]],
    now: datetime,
) -> tuple[list[_NewLabel], list[Label]]:
    """Every label to insert, unsaved, in the order rows are written, recognitions after the
    label bringing them, and the stored labels they supersede (marked in memory)."""
    stored = _stored(ordered, brought)
    renewed = {id(label) for label in stored.values() if label.renewed}  # type: ignore[attr-defined]
    # What services._previous_label would find: the organisation's labels of a level.
    held: dict[tuple[int, str, str], list[Label]] = {}
    for label in stored.values():
        held.setdefault((label.organisation_id, label.scheme_id, label.level_id), []).append(label)
    new: list[_NewLabel] = []
    superseded: list[Label] = []

    def renew(label: Label) -> None:
        previous = label.previous
        if previous is None:
            return
        renewed.add(id(previous))
        if previous.state == LabelState.ACTIVE:
            previous.state = LabelState.SUPERSEDED
            previous.state_changed_at = now
            previous.state_reason = _SUCCESSOR
            if previous.pk is not None:  # stored; a label of the file is inserted so
                superseded.append(previous)

    for plan in ordered:
        organisation = (
            plan.organisation
            if isinstance(plan.organisation, Organisation)
            else plan.organisation.organisation
        )
        assert organisation is not None
        previous: Label | None
        if isinstance(plan.previous, PlannedLabel):
            previous = plan.previous.label
        elif plan.previous is None:
            previous = None
        else:  # checked again: an award may have renewed or revoked it since the check
            previous = stored.get(plan.previous.pk)
            if previous is not None and id(previous) in renewed:
                previous = None
        label = Label(
            organisation=organisation,
            scheme_version=plan.target.scheme_version,
            scheme_id=plan.target.scheme_id,
            family=plan.target.scheme_version.family,
            level_id=plan.target.level_id,
            catalogue_version=plan.catalogue_version,
            certificate_number=plan.certificate_number,
            valid_from=plan.valid_from,
            valid_until=plan.valid_until,
            awarded_on=plan.awarded_on or plan.valid_from,
            first_awarded_on=plan.first_awarded_on
            or (previous.first_awarded_on if previous else plan.valid_from),
            source=plan.source or LabelSource.IMPORTED,
            state=plan.state or LabelState.ACTIVE,
            state_reason=plan.state_reason,
            state_changed_at=_day_start(plan.state_changed_on),
            previous=previous,
            issued_at=now,
        )
        plan.label = label
        renew(label)
        held.setdefault((organisation.pk, label.scheme_id, label.level_id), []).append(label)
        new.append(_NewLabel(label, plan, "label.import"))
        for recognition in brought.get(plan.line, []):
            key = (organisation.pk, recognition.scheme_version.scheme_id, recognition.level_id)
            candidates = [c for c in held.get(key, []) if c.state != LabelState.REVOKED]
            recognised = services.label_planned(
                organisation=organisation,
                scheme_version=recognition.scheme_version,
                level_id=recognition.level_id,
                assessment_date=label.valid_from,
                decision_date=label.awarded_on,
                source=LabelSource.IMPORTED,
                procedure=None,
                recognised_with=label,
                previous=max(candidates, key=lambda c: c.valid_until)
                if previous is not None and candidates
                else None,
            )
            recognised.issued_at = now
            renew(recognised)
            held.setdefault(key, []).append(recognised)
            action = "label.renew" if recognised.previous is not None else "label.issue"
            new.append(_NewLabel(recognised, plan, action))
    return new, superseded


def _day_start(day: date | None) -> datetime | None:
    """A state's change on ``day`` (the export gives the local day) as its first moment."""
    return timezone.make_aware(datetime.combine(day, time.min)) if day else None


def _link_recognitions(written: list[PlannedLabel]) -> None:
    """Link the labels a file says are recognised with another (``recognised_with``, checked
    by ``import_plan.plan_recognitions``): a label of the file or a stored one, read at once."""
    named = {p.recognised_with for p in written if p.recognised_with and p.label is not None}
    if not named:
        return
    by_number = {
        label.certificate_number.upper(): label
        for label in Label.objects.filter(certificate_number__in=named)
    }
    by_number.update({p.certificate_number.upper(): p.label for p in written if p.label})
    for plan in written:
        if plan.recognised_with and plan.label is not None:
            plan.label.recognised_with = by_number[plan.recognised_with]


def _assign_numbers(labels: list[Label], ordered: list[PlannedLabel]) -> None:
    """Number the labels without one from their level's counter for the year awarded, in
    order, skipping numbers a stored label or a row of the file has already."""
    waiting: dict[tuple[str, int], list[Label]] = {}
    for label in labels:
        if not label.certificate_number:
            prefix = services.certificate_prefix(family=label.family, level_id=label.level_id)
            waiting.setdefault((prefix, label.awarded_on.year), []).append(label)
    in_file = {p.certificate_number.upper() for p in ordered if p.certificate_number}
    numbers: dict[tuple[str, int], list[str]] = {key: [] for key in waiting}
    while short := {key: len(w) - len(numbers[key]) for key, w in waiting.items()}:
        short = {key: count for key, count in short.items() if count > 0}
        if not short:
            break
        candidates = {
            key: [
                f"{key[0]}-{key[1]}-{value:05d}"
                for value in services.next_numbers(
                    services.certificate_number_key(prefix=key[0], year=key[1]), count
                )
            ]
            for key, count in short.items()
        }
        # The stored numbers of these counters (stored canonical, in capitals, as the
        # counters write them): one condition per counter, not one per number.
        of_counters = Q()
        for prefix, year in candidates:
            of_counters |= Q(certificate_number__startswith=f"{prefix}-{year}-")
        taken = in_file | {
            number.upper()
            for number in Label.objects.filter(of_counters).values_list(
                "certificate_number", flat=True
            )
        }
        for key, found in candidates.items():
            numbers[key].extend(number for number in found if number not in taken)
    for key, labels_waiting in waiting.items():
        for label, number in zip(labels_waiting, numbers[key], strict=False):
            label.certificate_number = number


def _insert(labels: list[Label], progress: Progress | None) -> None:
    """Insert the labels in waves, each after the labels it points at (renews, is recognised
    with) have their ids, ``BATCH_SIZE`` at a time."""
    depth: dict[int, int] = {}
    unsaved = {id(label) for label in labels}

    def wave(label: Label) -> int:
        if id(label) not in depth:
            depth[id(label)] = 0  # a cycle cannot occur: a renewal ends after its label
            linked = [label.previous, label.recognised_with]
            depth[id(label)] = max(
                (wave(other) + 1 for other in linked if other and id(other) in unsaved),
                default=0,
            )
        return depth[id(label)]

    waves: dict[int, list[Label]] = {}
    for label in labels:
        waves.setdefault(wave(label), []).append(label)
    done = 0
    for level in sorted(waves):
        batch = waves[level]
        # Rows of PROGRESS_EVERY per INSERT: small enough for the progress bar to move.
        for start in range(0, len(batch), PROGRESS_EVERY):
            chunk = batch[start : start + PROGRESS_EVERY]
            Label.objects.bulk_create(chunk)
            before, done = done, done + len(chunk)
            if progress and (
                done // PROGRESS_EVERY > before // PROGRESS_EVERY or done == len(labels)
            ):
                progress("write", done, len(labels))


def _report(new: list[_NewLabel], result: ImportResult) -> None:
    reports = {report.line: report for report in result.created}
    recognised = {report.line: report for report in result.recognised}
    for item in new:
        label = item.label
        renews = label.previous.certificate_number if label.previous else ""
        if item.action == "label.import":
            reports[item.plan.line].certificate_number = label.certificate_number
            reports[item.plan.line].renews = renews
        else:
            report = recognised[item.plan.line]
            report.certificate_number = label.certificate_number
            report.valid_from = label.valid_from
            report.valid_until = label.valid_until
            report.renews = renews


def _event(item: _NewLabel, result: ImportResult) -> PendingEvent:
    label = item.label
    if item.action != "label.import":
        return PendingEvent(
            action=item.action, target=label, after=services.issued_audit_after(label)
        )
    return PendingEvent(
        action="label.import",
        target=label,
        after={
            "certificate_number": label.certificate_number,
            "organisation": label.organisation.cluster_name,
            "scheme": f"{label.scheme_id} {label.scheme_version.version}",
            "catalogue_version": label.catalogue_version or None,
            "level": label.level_id,
            "valid_from": label.valid_from,
            "valid_until": label.valid_until,
            "renews": label.previous.certificate_number if label.previous else None,
            "file": result.file_name,
            "line": item.plan.line,
        },
    )


__all__ = ["bump_sequences", "write_plan"]
