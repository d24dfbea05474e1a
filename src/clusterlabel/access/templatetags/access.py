"""``{% can "activity" obj as name %}``: templates ask the policy, never a role."""

from __future__ import annotations

from typing import Any

from django import template

from clusterlabel.access import policy

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context: template.Context, activity: str, obj: Any = None) -> bool:
    """Whether the page's user may carry out ``activity`` on ``obj``."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    return policy.can(user, activity, obj)
