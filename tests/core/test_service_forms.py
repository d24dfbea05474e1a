"""run_for_form / run_service: the service's result, or each refusal where the user reads it."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse

from clusterlabel.core.service_forms import Outcome, run_for_form, run_service
from clusterlabel.domain.errors import FeeNotDefined, InvalidIndicatorValues, ValueProblem


class NoteForm(forms.Form):
    title = forms.CharField(required=False)
    note = forms.CharField(required=False)


class ValueForm(NoteForm):
    def add_value_problems(self, problems: list[ValueProblem]) -> None:
        for problem in problems:
            self.add_error("title", f"{problem.indicator_id}: {problem.code}")


def bound(form_class: type[NoteForm] = NoteForm) -> NoteForm:
    form = form_class({"title": "x", "note": "y"})
    assert form.is_valid()
    return form


def fails(exc: BaseException):
    def call():
        raise exc

    return call


class Refused(Exception):
    pass


class RefusedHarder(Refused):
    pass


def test_the_services_result_comes_back():
    outcome = run_for_form(bound(), lambda: 42)
    assert outcome == Outcome(ok=True, value=42)


def test_a_validation_error_lands_at_its_field_or_above_the_form():
    form = bound()
    outcome = run_for_form(
        form, fails(ValidationError({"note": "Zu kurz.", "level_id": "Unbekannt."}))
    )
    assert outcome == Outcome(ok=False)
    assert form.errors["note"] == ["Zu kurz."]
    assert form.non_field_errors() == ["Unbekannt."]


def test_a_services_field_can_be_renamed_to_the_forms():
    form = bound()
    run_for_form(
        form, fails(ValidationError({"level_id": "Unbekannt."})), fields={"level_id": "title"}
    )
    assert form.errors["title"] == ["Unbekannt."]
    assert form.non_field_errors() == []


def test_a_validation_error_without_fields_goes_above_the_form():
    form = bound()
    run_for_form(form, fails(ValidationError(["Leer.", "Zu groß."])))
    assert form.non_field_errors() == ["Leer.", "Zu groß."]


def test_indicator_values_go_through_the_forms_own_placement():
    problem = ValueProblem("STR-01", "out_of_range", "too high")
    form = bound(ValueForm)
    run_for_form(form, fails(InvalidIndicatorValues([problem])))
    assert form.errors["title"] == ["STR-01: out_of_range"]
    plain = bound()
    run_for_form(plain, fails(InvalidIndicatorValues([problem])))
    assert plain.non_field_errors() == ["too high"]


def test_another_domain_error_is_shown_with_its_message():
    form = bound()
    run_for_form(form, fails(FeeNotDefined("no fee for renewal")))
    assert form.non_field_errors() == ["no fee for renewal"]


def test_a_handler_answers_for_its_class_and_its_subclasses():
    answer = HttpResponse("back")
    form = bound()
    outcome = run_for_form(form, fails(RefusedHarder()), on={Refused: lambda exc: answer})
    assert outcome == Outcome(ok=False, response=answer)
    assert form.errors == {}


def test_a_callers_handler_comes_before_the_default():
    seen = []
    form = bound()
    run_for_form(
        form, fails(ValidationError("Nein.")), on={ValidationError: lambda exc: seen.append(exc)}
    )
    assert len(seen) == 1
    assert form.errors == {}


def test_permission_denied_and_unknown_errors_reach_django():
    with pytest.raises(PermissionDenied):
        run_for_form(bound(), fails(PermissionDenied()))
    with pytest.raises(KeyError):
        run_service(fails(KeyError("x")), on={Refused: lambda exc: None})
