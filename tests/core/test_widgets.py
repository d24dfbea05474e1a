"""QuickSelect writes the very HTML of Django's Select (which renders a template per option),
so switching a form to it changes nothing a browser, a test or a screen reader sees."""

from __future__ import annotations

import pytest
from django import forms

from clusterlabel.core.widgets import QuickSelect

CHOICES = [
    ("", "any country"),
    ("DE", "Deutschland"),
    ("X&Y", 'Tom & "Jerry" <b>'),
    ("Group <1>", [("1", "one"), ("2", "two")]),
]


@pytest.mark.parametrize("value", [None, "", "DE", "X&Y", "2", "unknown"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_country", "aria-describedby": "a b", "required": True}]
)
def test_quick_select_writes_what_djangos_select_writes(value, attrs):
    expected = forms.Select(choices=CHOICES).render("country", value, attrs=attrs)
    assert QuickSelect(choices=CHOICES).render("country", value, attrs=attrs) == expected


def test_a_field_with_a_quick_select_renders_as_with_djangos():
    class Plain(forms.Form):
        sector = forms.ChoiceField(choices=CHOICES[:3], help_text="h", required=False)

    class Quick(forms.Form):
        sector = forms.ChoiceField(
            choices=CHOICES[:3], help_text="h", required=False, widget=QuickSelect
        )

    data = {"sector": "nonsense"}  # invalid: the bound field carries its error too
    assert str(Quick(data)["sector"]) == str(Plain(data)["sector"])
    assert 'value="X&amp;Y"' in str(Quick(data)["sector"])
    assert "&lt;b&gt;" in str(Quick(data)["sector"])
