"""Template filters for the audit trail include."""

from __future__ import annotations

from typing import Any

from django import template

from clusterlabel.audit.display import action_label, value_text

register = template.Library()


@register.filter
def audit_action_label(code: str) -> str:
    """The translated label of an action code, or the code when it has none."""
    return action_label(code)


@register.filter
def audit_value(value: Any) -> str:
    """A before/after value as short text ("—" for none)."""
    return value_text(value)
