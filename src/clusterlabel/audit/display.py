"""How audit events read on a page: action labels and the before → after of changed values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Action codes are "<area>.<verb>". The procedure's codes are "procedure." plus the values of
# ``clusterlabel.domain.procedure.Action``.
ACTION_LABELS: dict[str, Promise] = {
    "procedure.create": _("Procedure opened"),
    "procedure.evidence_retention": _("Evidence deleted under the retention rule"),
    "privacy.erasure_request": _("Erasure requested"),
    "account.erase": _("Person erased"),
    "procedure.submit_application": _("Application submitted"),
    "procedure.request_changes": _("Changes to the application requested"),
    "procedure.resubmit_application": _("Application resubmitted"),
    "procedure.accept_application": _("Application accepted"),
    "procedure.submit_self_assessment": _("Self-assessment submitted"),
    "procedure.reopen_self_assessment": _("Self-assessment reopened"),
    "procedure.assign_assessors": _("Assessors assigned"),
    "procedure.reassign_assessors": _("Assessors reassigned"),
    "procedure.start_assessment": _("Assessment started"),
    "procedure.submit_report": _("Assessment report submitted"),
    "procedure.return_report": _("Assessment report returned"),
    "procedure.send_to_board": _("Sent to the advisory board"),
    "procedure.record_board_vote": _("Board vote recorded"),
    "procedure.close_board_review": _("Board review closed"),
    "procedure.return_to_board": _("Returned to the advisory board"),
    "procedure.award": _("Label awarded"),
    "procedure.refuse": _("Label refused"),
    "procedure.withdraw": _("Application withdrawn"),
    "score.change": _("Score changed"),
    "score.confirm": _("Score confirmed"),
    "self_assessment.save": _("Self-assessment saved"),
    "panel.propose": _("Assessor panel proposed"),
    "demo.calendar": _("Demo: calendar moved to the assessment date"),
    "panel.declare_conflict": _("Conflict-of-interest declaration"),
    "report.agree": _("Assessment report agreed"),
    "organisation.create": _("Organisation created"),
    "organisation.update": _("Organisation profile changed"),
    "evidence.upload": _("Evidence uploaded"),
    "evidence.remove": _("Evidence removed"),
    "board.vote": _("Board vote cast"),
    "label.issue": _("Label issued"),
    "label.renew": _("Label renewed"),
    "label.import_update": _("Label dates corrected by an import"),
    "label.suspend": _("Label suspended"),
    "label.reinstate": _("Label reinstated"),
    "label.revoke": _("Label revoked"),
    "organisation.register": _("Organisation registered"),
    "organisation.confirm": _("Organisation confirmed"),
    "organisation.reject": _("Organisation registration rejected"),
    "organisation.claim": _("Organisation claimed"),
    "organisation.claim_accept": _("Claim accepted"),
    "organisation.claim_reject": _("Claim rejected"),
    "access.grant": _("Role granted"),
    "access.revoke": _("Role revoked"),
    "account.create": _("Account created"),
    "account.signup": _("Signed up"),
    "account.signup_repeated": _("Sign-up with a known address"),
    "account.confirm": _("E-mail address confirmed"),
    "account.invitation_accept": _("Invitation accepted"),
    "account.deactivate": _("Account deactivated"),
    "account.password_reset": _("Password set by an administrator"),
    "account.second_factor_enrol": _("Second factor set up"),
    "account.recovery_codes_regenerate": _("New recovery codes"),
    "account.recovery_code_use": _("Recovery code used"),
    "board.conflict_declare": _("Board conflict-of-interest declaration"),
}


def register_action_labels(labels: Mapping[str, Promise]) -> None:
    """Let another app name its own action codes (call it from its ``AppConfig.ready``)."""
    ACTION_LABELS.update(labels)


def action_label(code: str) -> str:
    """The translated label of an action code; the code itself when it has no label."""
    label = ACTION_LABELS.get(code)
    return str(label) if label is not None else code


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class ValueChange:
    """One key whose value differs; ``before`` or ``after`` is ``MISSING`` when the key was
    added or removed."""

    key: str
    before: Any
    after: Any

    @property
    def added(self) -> bool:
        return self.before is MISSING

    @property
    def removed(self) -> bool:
        return self.after is MISSING


def changed_values(before: Any, after: Any) -> list[ValueChange]:
    """The keys whose values differ between two snapshots, in the snapshots' own key order.

    ``None`` counts as a snapshot without keys. A bare value (not a mapping; ``audit_record``
    never stores one) shows as a single change under the key ``""``.
    """
    if not isinstance(before, Mapping | None) or not isinstance(after, Mapping | None):
        if before == after:
            return []
        return [ValueChange(key="", before=_bare(before), after=_bare(after))]
    old: Mapping[str, Any] = before or {}
    new: Mapping[str, Any] = after or {}
    keys = list(old) + [key for key in new if key not in old]
    changes = []
    for key in keys:
        old_value = old.get(key, MISSING)
        new_value = new.get(key, MISSING)
        if old_value != new_value:
            changes.append(ValueChange(key=str(key), before=old_value, after=new_value))
    return changes


def _bare(value: Any) -> Any:
    return MISSING if value is None else value


def value_text(value: Any) -> str:
    """A stored value as short text: lists joined by commas, objects as compact JSON."""
    if value is MISSING or value is None:
        return "—"
    if value is True:
        return str(_("yes"))
    if value is False:
        return str(_("no"))
    if isinstance(value, list):
        return ", ".join(value_text(item) for item in value) or "—"
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return str(value)


# How the keys of before/after snapshots read, and how coded values of a key read, on a page.
# Apps register their own (``register_value_labels`` in ``AppConfig.ready``); unknown keys and
# values show as stored.
KEY_LABELS: dict[str, Promise] = {}
VALUE_LABELS: dict[str, Mapping[str, Promise]] = {}


def register_value_labels(
    *,
    keys: Mapping[str, Promise] | None = None,
    values: Mapping[str, Mapping[str, Promise]] | None = None,
) -> None:
    KEY_LABELS.update(keys or {})
    for key, labels in (values or {}).items():
        VALUE_LABELS[key] = {**VALUE_LABELS.get(key, {}), **labels}


def key_label(key: str) -> str:
    label = KEY_LABELS.get(key)
    return str(label) if label is not None else key


def value_label(value: Any, key: str) -> str:
    labels = VALUE_LABELS.get(key)
    if labels is not None and isinstance(value, str) and value in labels:
        return str(labels[value])
    return value_text(value)
