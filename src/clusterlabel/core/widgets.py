"""Widgets written in Python rather than through Django's widget templates. A leaf module.

Django renders a ``<select>`` through one template and, for each option, an included template
of its own; with the registry's filters (a few dozen options: countries, regions, schemes,
levels, sectors) that came to about a third of the uncached registry page's time.
:class:`QuickSelect` writes the same HTML directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.forms.renderers import BaseRenderer
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString


def _attributes(attrs: Mapping[str, Any]) -> str:
    """HTML attributes as Django's ``attrs.html`` writes them: ``True`` as a bare name,
    ``False`` left out, anything else escaped in double quotes."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {name}")
        else:
            parts.append(f' {name}="{conditional_escape(str(value))}"')
    return "".join(parts)


class QuickSelect(forms.Select):
    """A ``Select`` with the very HTML of Django's, written without a template per option."""

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: BaseRenderer | None = None,
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"']
        parts.append(_attributes(widget["attrs"]) + ">")
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{conditional_escape(str(option["value"]))}"'
                    f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}"
                    "</option>\n"  # the option template's own line end
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return SafeString("".join(parts))
