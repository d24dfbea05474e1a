"""Template filters for the audit trail include."""

from __future__ import annotations

from typing import Any

from django import template

from clusterlabel.audit.display import action_label, key_label, value_label, value_text
from clusterlabel.audit.presenter import ShownEvent, present_trail

register = template.Library()


@register.simple_tag
def audit_rows(events: Any) -> list[ShownEvent]:
    """The events in words (names, dates, money, schemes), read with one query for the people
    and one for the schemes of all events together."""
    return present_trail(events or [])


@register.filter
def audit_action_label(code: str) -> str:
    """The translated label of an action code, or the code when it has none."""
    return action_label(code)


@register.filter
def audit_value(value: Any) -> str:
    """A before/after value as short text ("—" for none)."""
    return value_text(value)


@register.filter
def audit_key(key: str) -> str:
    """The translated name of a snapshot key, or the key itself."""
    return key_label(key)


@register.filter
def audit_coded_value(value: Any, key: str) -> str:
    """A before/after value, with coded values (states, modes) in words."""
    return value_label(value, key)
