"""Typed access to a form's fields whose choices or queryset a form fills in at runtime.

``Form.fields`` is typed as ``dict[str, Field]``, so setting ``choices`` or ``queryset`` on one of
them does not type-check, although the field declared under that name has them. These helpers
narrow once, and say plainly which field is not what the form expects. A leaf module.
"""

from __future__ import annotations

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The field ``name`` of ``form``, which the form declares as a ``ChoiceField``."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(
            f"{type(form).__name__}.{name} is a {type(field).__name__}, not a ChoiceField"
        )
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The field ``name`` of ``form``, which the form declares as a ``ModelChoiceField`` (or a
    ``ModelMultipleChoiceField``)."""
    field = form.fields[name]
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(
            f"{type(form).__name__}.{name} is a {type(field).__name__}, not a ModelChoiceField"
        )
    return field
