"""One error summary for every form (templates/includes/error_summary.html): at the top,
focusable and focused by our own script, a line per problem linking to the field's id, the
form's own errors without a link; each field points at its error (aria-describedby)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import UserFactory
from tests.helpers import attribute, element, elements, hrefs, parsed, text

SOURCE = Path(__file__).resolve().parents[2] / "src" / "clusterlabel"


class Profile(forms.Form):
    name = forms.CharField(label="Name", help_text="As in the register.")
    city = forms.CharField(label="City", required=False)
    programmes = forms.MultipleChoiceField(
        label="Programmes", choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple
    )
    revision = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        raise forms.ValidationError("Somebody else saved the profile in the meantime.")


def rendered(form: forms.Form, **context) -> str:
    return render_to_string("includes/error_summary.html", {"form": form, **context}) + "".join(
        render_to_string("includes/field.html", {"field": form[name]}) for name in ("name", "city")
    )


def test_the_summary_lists_the_forms_errors_first_then_each_field_linked_to_its_id(english):
    form = Profile({"city": "Kiel"})
    page = parsed(rendered(form))

    box = element(page, data_error_summary=True)
    assert attribute(box, "role") == "alert"
    assert attribute(box, "tabindex") == "-1"
    assert attribute(box, "id") == "error-summary"
    items = [text(item) for item in elements(box, "li")]
    assert items[0] == "Somebody else saved the profile in the meantime."
    assert items[1:] == [
        "Name: This field is required.",
        "Programmes: This field is required.",
        "This field is required.",  # the hidden field has no field to go to
    ]
    assert hrefs(box) == ["#id_name", "#id_programmes_0"]
    # the links lead somewhere: the field exists with that id
    assert element(page, "input", id="id_name")


def test_a_field_with_an_error_is_described_by_its_help_and_its_error(english):
    page = parsed(rendered(Profile({"city": "Kiel"})))

    name = element(page, "input", name="name")
    assert attribute(name, "aria-invalid") == "true"
    assert attribute(name, "aria-describedby") == "id_name_helptext id_name_error"
    assert text(element(page, id="id_name_error")) == "This field is required."
    city = element(page, "input", name="city")
    assert attribute(city, "aria-describedby") is None


def test_a_valid_form_shows_no_summary():
    form = Profile()
    assert not elements(parsed(rendered(form)), data_error_summary=True)


def test_title_intro_note_and_id_can_be_given():
    page = parsed(
        rendered(
            Profile({}),
            title="Nothing was saved.",
            intro="Please correct:",
            note="Your file was kept.",
            summary_id="sa-errors",
        )
    )
    box = element(page, id="sa-errors")
    assert text(element(box, "h2")) == "Nothing was saved."
    assert attribute(box, "aria-labelledby") == "sa-errors-title"
    assert "Please correct:" in text(box) and "Your file was kept." in text(box)


def test_the_focusing_script_is_a_static_file_of_ours():
    script = finders.find("clusterlabel/error-summary.js")
    assert script is not None
    source = Path(script).read_text()
    assert "[data-error-summary]" in source and ".focus(" in source


def _templates() -> list[Path]:
    return [
        path
        for path in SOURCE.rglob("*.html")
        if "/admin/" not in str(path) and path.name != "error_summary.html"
    ]


def test_no_template_lists_a_forms_errors_on_its_own():
    """The form's own errors (non_field_errors) and a summary of field errors are the
    include's; a template that listed them itself would bring back the invisible errors."""
    own = [
        str(path.relative_to(SOURCE))
        for path in _templates()
        if "non_field_errors" in path.read_text()
        or re.search(r"{% if \w+\.errors %}\s*<div", path.read_text())
    ]
    assert own == []


def test_every_template_with_a_django_form_shows_the_summary():
    missing = []
    for path in _templates():
        source = path.read_text()
        renders_form = "includes/field.html" in source or re.search(r"{{ form\.\w+", source)
        shows_summary = "error_summary.html" in source or "sa_errors.html" in source
        if "<form" in source and renders_form and not shows_summary:
            missing.append(str(path.relative_to(SOURCE)))
    assert missing == []


@pytest.mark.django_db
def test_a_failed_login_shows_the_summary_in_the_users_language(client):
    UserFactory(username="anna", password="richtig-lang-genug-1")

    english = client.post(
        reverse("login"), {"username": "anna", "password": "falsch"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    client.cookies.clear()
    german = client.post(
        reverse("login"), {"username": "anna", "password": "falsch"}, HTTP_ACCEPT_LANGUAGE="de"
    )

    assert text(element(parsed(english), data_error_summary=True)).startswith("There is a problem")
    assert element(parsed(german), data_error_summary=True)
