"""How a form field says it is wrong: its widget described by its help text and its error
(``aria-describedby``), for ``includes/field.html`` and the templates that lay out a field
themselves. The error summary at the top of a form is ``includes/error_summary.html``."""

from __future__ import annotations

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


def described_by(field: forms.BoundField) -> str:
    """The ids that describe ``field``: its help text and its errors, as the templates name
    them (``<id>_helptext``, ``<id>_error``); empty when it has neither or no id."""
    if not field.auto_id:
        return ""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.filter
def field_anchor(field: forms.BoundField) -> str:
    """The id a link to ``field`` goes to: its input's, or for a group of radios or
    checkboxes (whose label names no single input) the first one's."""
    if field.id_for_label:
        return str(field.id_for_label)
    first = next(iter(field.subwidgets), None)
    return str(first.id_for_label) if first is not None and first.id_for_label else field.auto_id


@register.filter
def describe_errors(field: forms.BoundField) -> SafeString:
    """The field's widget (with the hidden initial value where the field keeps one), pointing
    at its help text and its error with ``aria-describedby``."""
    ids = described_by(field)
    widget = field.as_widget(attrs={"aria-describedby": ids} if ids else None)
    if field.field.show_hidden_initial:
        return format_html("{}{}", widget, field.as_hidden(only_initial=True))
    return SafeString(widget)


@register.simple_tag
def field_errors(field: forms.BoundField) -> SafeString:
    """The field's errors under the id its widget points at (``<id>_error``)."""
    if not field.errors:
        return SafeString("")
    return format_html(
        '<div class="field-errors" id="{}_error">{}</div>',
        field.auto_id,
        format_html_join("", '<p class="field-error">{}</p>', ((e,) for e in field.errors)),
    )
