"""Issuing labels and changing their state. Every write goes through here."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access.policy import Activity, can
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.domain.labels import RecordedState, may_change
from clusterlabel.domain.validity import first_award_validity, renew
from clusterlabel.labels.changes import Change, labels_changed
from clusterlabel.labels.events import LabelEvent, LabelEventKind, label_events
from clusterlabel.labels.models import (
    STATUS_LIST_SIZE,
    Label,
    LabelSource,
    LabelState,
    NumberSequence,
)
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.decided import Decided
from clusterlabel.procedures.models import Procedure
from clusterlabel.schemes.models import SchemeVersion

# Certificate number prefixes per scheme family and level.
PREFIXES = {
    ("bw", None): "BW",
    ("ecei", "bronze"): "ECEI-B",
    ("ecei", "silver"): "ECEI-S",
    ("ecei", "gold"): "ECEI-G",
}


def next_number(key: str) -> int:
    """The next value of a counter, under a row lock (call inside a transaction)."""
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(key=key)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return sequence.last


def next_numbers(key: str, count: int) -> range:
    """The next ``count`` values of a counter at once, under one row lock (call inside a
    transaction): what ``count`` calls of ``next_number`` would return."""
    sequence, _created = NumberSequence.objects.select_for_update().get_or_create(key=key)
    first = sequence.last + 1
    sequence.last += count
    sequence.save(update_fields=["last"])
    return range(first, sequence.last + 1)


def certificate_prefix(*, family: str, level_id: str) -> str:
    """The start of a level's certificate numbers (``ECEI-G``), before the year and counter."""
    prefix = PREFIXES.get((family, level_id)) or PREFIXES.get((family, None))
    return prefix or f"{family.upper()}-{level_id.upper()}"


def certificate_number_key(*, prefix: str, year: int) -> str:
    """The counter (``NumberSequence.key``) of a prefix's certificate numbers in a year."""
    return f"certificate:{prefix}:{year}"


def certificate_number(*, family: str, level_id: str, year: int) -> str:
    prefix = certificate_prefix(family=family, level_id=level_id)
    number = next_number(certificate_number_key(prefix=prefix, year=year))
    return f"{prefix}-{year}-{number:05d}"


def status_list_positions(count: int) -> list[int]:
    """``count`` positions in the status lists that no label holds, drawn at random (call inside
    a transaction). The W3C Bitstring Status List asks for random positions: in issue order, a
    list's set bits would tell when the suspended labels were issued. Guarantees: distinct, never
    held by another label (labels are never deleted, and the unique ``status_list_index`` backs
    it), inside the list's 131,072 entries (a check constraint). The counter row's lock makes
    concurrent issues draw one after the other, so two cannot draw the same free position."""
    next_numbers("status-list", count)  # the lock; the counter counts the positions handed out
    taken = set(Label.objects.values_list("status_list_index", flat=True))
    if len(taken) + count > STATUS_LIST_SIZE:
        raise ValidationError(_("The status lists are full."))
    draw = secrets.SystemRandom()
    positions: list[int] = []
    while len(positions) < count:
        position = draw.randrange(STATUS_LIST_SIZE)
        if position not in taken:
            taken.add(position)
            positions.append(position)
    return positions


def status_list_index() -> int:
    return status_list_positions(1)[0]


def _previous_label(organisation: Organisation, scheme_id: str, level_id: str) -> Label | None:
    """The organisation's latest label of this scheme and level that a renewal continues."""
    return (
        Label.objects.select_for_update()
        .filter(organisation=organisation, scheme_id=scheme_id, level_id=level_id)
        .exclude(state=LabelState.REVOKED)
        .order_by("-valid_until")
        .first()
    )


def label_planned(
    *,
    organisation: Organisation,
    scheme_version: SchemeVersion,
    level_id: str,
    assessment_date: date,
    decision_date: date,
    source: str,
    procedure: Procedure | None,
    recognised_with: Label | None,
    previous: Label | None,
) -> Label:
    """The label ``_issue`` writes, unsaved and without its numbers: dated by the scheme's
    rules, a seamless renewal of ``previous`` (the organisation's latest label of the level,
    when the award is a renewal) linked as ``label.previous``, otherwise a first award. Shared
    with the import, which writes many at once. The catalogue version is the scheme
    version's for an award, unknown (empty) for an imported label: the version current at the
    import is not the one it was assessed under."""
    scheme = scheme_version.scheme
    seamless = False
    if previous is not None and previous.state != LabelState.SUPERSEDED:
        result = renew(
            scheme,
            previous=previous.validity,
            assessment_date=assessment_date,
            decision_date=decision_date,
        )
        validity, seamless = result.validity, result.seamless
    else:
        validity = first_award_validity(
            scheme, assessment_date=assessment_date, decision_date=decision_date
        )
    return Label(
        organisation=organisation,
        scheme_version=scheme_version,
        scheme_id=scheme.id,
        family=scheme.family,
        level_id=level_id,
        catalogue_version="" if source == LabelSource.IMPORTED else scheme_version.version,
        valid_from=validity.valid_from,
        valid_until=validity.valid_until,
        awarded_on=decision_date,
        first_awarded_on=previous.first_awarded_on if seamless and previous else decision_date,
        source=source,
        procedure=procedure,
        recognised_with=recognised_with,
        previous=previous if seamless else None,
    )


def issued_audit_after(label: Label) -> dict[str, object]:
    """What the ``label.issue`` / ``label.renew`` audit event records of a label."""
    scheme = label.scheme_version.scheme
    return {
        "certificate_number": label.certificate_number,
        "organisation": label.organisation.cluster_name,
        "scheme": f"{scheme.id} {scheme.version}",
        "level": label.level_id,
        "valid_from": label.valid_from,
        "valid_until": label.valid_until,
        "renews": label.previous.certificate_number if label.previous else None,
    }


def _issue(
    *,
    organisation: Organisation,
    scheme_version: SchemeVersion,
    level_id: str,
    assessment_date: date,
    decision_date: date,
    source: str,
    procedure: Procedure | None,
    recognised_with: Label | None,
    renewal: bool,
    actor: User | None,
) -> Label:
    label = label_planned(
        organisation=organisation,
        scheme_version=scheme_version,
        level_id=level_id,
        assessment_date=assessment_date,
        decision_date=decision_date,
        source=source,
        procedure=procedure,
        recognised_with=recognised_with,
        previous=_previous_label(organisation, scheme_version.scheme_id, level_id)
        if renewal
        else None,
    )
    label.certificate_number = certificate_number(
        family=label.family, level_id=level_id, year=decision_date.year
    )
    label.status_list_index = status_list_index()
    label.full_clean()
    label.save()
    previous = label.previous
    if previous is not None and previous.state == LabelState.ACTIVE:
        previous.state = LabelState.SUPERSEDED
        previous.state_changed_at = timezone.now()
        previous.state_reason = label.certificate_number
        previous.save(update_fields=["state", "state_changed_at", "state_reason"])
    audit_record(
        actor=actor,
        action="label.renew" if previous is not None else "label.issue",
        target=label,
        procedure_id=procedure.pk if procedure else None,
        after=issued_audit_after(label),
    )
    label_events.run(
        LabelEvent(LabelEventKind.RENEWED if previous is not None else LabelEventKind.ISSUED, label)
    )
    labels_changed(Change.ISSUED)
    return label


def labels_issue_for_decision(event: Decided) -> list[Label]:
    """The labels subscriber of the decided step (``procedures.decided``): an award issues its
    labels; a refusal issues none."""
    if not event.award:
        return []
    return labels_issue_for_award(
        procedure=event.procedure, actor=event.actor, decided_on=event.decided_on
    )


def labels_issue_for_award(*, procedure: Procedure, actor: User, decided_on: date) -> list[Label]:
    """Issue the label a procedure was awarded, and every label it is recognised for (a BW
    award also yields ECEI Gold). Call inside the award's transaction."""
    assessment_date = procedure.assessment_date or decided_on
    renewal = procedure.process == "renewal"
    main = _issue(
        organisation=procedure.organisation,
        scheme_version=procedure.scheme_version,
        level_id=procedure.level_id,
        assessment_date=assessment_date,
        decision_date=decided_on,
        source=LabelSource.AWARDED,
        procedure=procedure,
        recognised_with=None,
        renewal=renewal,
        actor=actor,
    )
    recognitions = [
        (recognition["scheme"], recognition["level"])
        for recognition in (procedure.result or {}).get("recognitions", [])
    ]
    return [
        main,
        *labels_issue_recognitions(
            main=main,
            recognitions=recognitions,
            assessment_date=assessment_date,
            source=LabelSource.RECOGNISED,
            renewal=renewal,
            actor=actor,
        ),
    ]


def labels_issue_recognitions(
    *,
    main: Label,
    recognitions: Iterable[tuple[str, str]],
    assessment_date: date,
    source: str,
    renewal: bool,
    actor: User | None,
) -> list[Label]:
    """Issue the labels ``main`` is recognised for, given as (scheme id, level id): each from
    its scheme's current version, dated by that scheme's rules from the same assessment and
    decision (``main.awarded_on``), a renewal of the organisation's earlier label of that level
    when ``renewal``, linked to ``main`` (``recognised_with``) and to its procedure. An award
    made in clusterlabel and an imported award (``source`` imported) both issue them here.
    Call inside the award's or the import's transaction."""
    issued = []
    for scheme_id, level_id in recognitions:
        version = SchemeVersion.objects.filter(scheme_id=scheme_id, is_current=True).first()
        if version is None:
            continue
        issued.append(
            _issue(
                organisation=main.organisation,
                scheme_version=version,
                level_id=level_id,
                assessment_date=assessment_date,
                decision_date=main.awarded_on,
                source=source,
                procedure=main.procedure,
                recognised_with=main,
                renewal=renewal,
                actor=actor,
            )
        )
    return issued


def labels_changing_with(label: Label, new_state: str) -> list[Label]:
    """The labels recognised with ``label`` (its ``recognitions``) that a change of ``label`` to
    ``new_state`` changes too: those whose recorded state allows that change (a revoked Gold is
    left alone when its state label is reinstated). In certificate-number order."""
    return [
        recognised
        for recognised in label.recognitions.order_by("certificate_number")
        if may_change(recognised.state, new_state)
    ]


_STATE_EVENTS = {
    RecordedState.SUSPENDED: LabelEventKind.SUSPENDED,
    RecordedState.REVOKED: LabelEventKind.REVOKED,
    RecordedState.ACTIVE: LabelEventKind.REINSTATED,
}

_STATE_ACTIONS = {
    RecordedState.SUSPENDED: "label.suspend",
    RecordedState.REVOKED: "label.revoke",
    RecordedState.ACTIVE: "label.reinstate",
}


def _set_state(*, label: Label, actor: User, new_state: str, reason: str) -> None:
    """Change one locked label's recorded state and write its audit event."""
    before = {"state": label.state}
    label.state = new_state
    label.state_reason = reason
    label.state_changed_at = timezone.now()
    label.save(update_fields=["state", "state_reason", "state_changed_at"])
    audit_record(
        actor=actor,
        action=_STATE_ACTIONS[RecordedState(new_state)],
        target=label,
        procedure_id=label.procedure_id,
        before=before,
        after={"state": label.state},
        reason=reason,
    )
    label_events.run(LabelEvent(_STATE_EVENTS[RecordedState(new_state)], label))


def label_change_state(*, label: Label, actor: User, new_state: str, reason: str) -> Label:
    """Suspend, reinstate or revoke a label, with a reason; only the awarding authority and the
    secretariat of its scheme may. A revocation is final.

    The labels recognised with it (the ECEI Gold of a BW award) change with it, in the same
    transaction: each one whose state allows the change (:func:`labels_changing_with`), with
    its own audit event whose reason names the label it changed with ("together with
    BW-2026-00001: ..."). All or nothing: if ``actor`` may not manage one of them, nothing
    changes and a ``ValidationError`` names it (the cascade is refused, not done in part, and
    not done behind the back of that label's scheme). The other direction is not cascaded:
    revoking the Gold alone leaves the state label as it is.
    """
    if not can(actor, Activity.MANAGE_LABEL, label):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Please give a reason.")})
    with transaction.atomic():
        locked = Label.objects.select_for_update().get(pk=label.pk)
        if not may_change(locked.state, new_state):
            raise ValidationError(
                _("A label that is %(current)s cannot become %(new)s.")
                % {
                    "current": LabelState(locked.state).label,
                    "new": LabelState(new_state).label,
                }
            )
        along = list(
            Label.objects.select_for_update()
            .filter(pk__in=[r.pk for r in labels_changing_with(locked, new_state)])
            .select_related("scheme_version", "organisation")
            .order_by("certificate_number")
        )
        refused = [r for r in along if not can(actor, Activity.MANAGE_LABEL, r)]
        if refused:
            raise ValidationError(
                _(
                    "The label %(recognised)s was recognised with this label and would change "
                    "with it, but you may not change it. Nothing was changed; please ask its "
                    "awarding authority or secretariat."
                )
                % {"recognised": ", ".join(r.certificate_number for r in refused)}
            )
        _set_state(label=locked, actor=actor, new_state=new_state, reason=reason.strip())
        for recognised in along:
            _set_state(
                label=recognised,
                actor=actor,
                new_state=new_state,
                reason=_("together with %(number)s: %(reason)s")
                % {"number": locked.certificate_number, "reason": reason.strip()},
            )
        labels_changed(Change.STATE)
    return locked
