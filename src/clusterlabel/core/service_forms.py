"""Running a service for a form: the result, or every refusal shown where the user reads it.

A view that writes through a service wrote the same ``try``/``except`` around it each time and
mapped a ``ValidationError`` onto its form each time in its own way. ``run_for_form`` does both:

    outcome = run_for_form(form, lambda: services.report_agree(...), on=refusals)
    if outcome.ok: ...                  # the service's result is ``outcome.value``
    if outcome.response: return outcome.response   # a caller's handler answered (a redirect)
    # otherwise the form carries the errors; show it again

What it maps by itself, by base class:

* Django's ``ValidationError``: a message at its field where the form has one (``fields`` may
  rename a service's field to the form's), otherwise above the form;
* the domain's ``InvalidIndicatorValues``: at the indicators' fields through the form's
  ``add_value_problems`` when it has one, otherwise its messages above the form;
* any other ``DomainError``: its message above the form.

Everything else an app raises (a refused step, a conflicting edit) goes to the handlers in
``on``, keyed by exception class and looked up along the raised exception's MRO, so a handler
for a base class catches its subclasses. ``PermissionDenied`` is not a form's business: unless
a caller hands it to a handler it reaches Django, which answers 403.

A leaf module: it imports Django and the domain, never an app.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from clusterlabel.domain.errors import DomainError, InvalidIndicatorValues, ValueProblem

T = TypeVar("T")

Handler = Callable[[Any], HttpResponse | None]
"""Called with the exception; returns the response to answer with, or ``None`` to let the view
show the form (or page) again."""

Handlers = Mapping[type[BaseException], Handler]


@runtime_checkable
class ShowsValueProblems(Protocol):
    def add_value_problems(self, problems: list[ValueProblem]) -> None: ...


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What running a service came to: ``ok`` with the service's ``value``; or not ok, with the
    ``response`` a handler answered with, or ``None`` when the errors are on the form."""

    ok: bool
    value: T | None = None
    response: HttpResponse | None = None


def _handler(exc: BaseException, on: Handlers) -> Handler | None:
    for cls in type(exc).__mro__:
        if cls in on:
            return on[cls]
    return None


def run_service(call: Callable[[], T], *, on: Handlers) -> Outcome[T]:
    """Run ``call``; an exception with a handler in ``on`` becomes a failed ``Outcome`` with the
    handler's response, any other propagates."""
    try:
        value = call()
    except Exception as exc:
        handler = _handler(exc, on)
        if handler is None:
            raise
        return Outcome(ok=False, response=handler(exc))
    return Outcome(ok=True, value=value)


def run_for_form(
    form: forms.BaseForm,
    call: Callable[[], T],
    *,
    on: Handlers | None = None,
    fields: Mapping[str, str] | None = None,
) -> Outcome[T]:
    """Run ``call`` for ``form``: ``ValidationError`` and domain errors onto the form (see the
    module's docstring), other exceptions to the handlers in ``on`` (which come first)."""
    renamed = fields or {}

    def on_validation_error(exc: ValidationError) -> None:
        add_validation_error(form, exc, fields=renamed)

    def on_invalid_values(exc: InvalidIndicatorValues) -> None:
        add_value_problems(form, exc.problems)

    def on_domain_error(exc: DomainError) -> None:
        form.add_error(None, str(exc))

    handlers: dict[type[BaseException], Handler] = {
        ValidationError: on_validation_error,
        InvalidIndicatorValues: on_invalid_values,
        DomainError: on_domain_error,
    }
    handlers.update(on or {})
    return run_service(call, on=handlers)


def add_validation_error(
    form: forms.BaseForm, exc: ValidationError, *, fields: Mapping[str, str] | None = None
) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message at its field (renamed
    through ``fields``) where the form has that field, otherwise above the form."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    renamed = fields or {}
    for field, messages in exc.message_dict.items():
        target = renamed.get(field, field)
        for message in messages:
            form.add_error(target if target in form.fields else None, message)


def add_value_problems(form: forms.BaseForm, problems: list[ValueProblem]) -> None:
    """The indicator values the domain could not score, at their fields when the form knows how
    to place them (``add_value_problems``), otherwise above it."""
    if isinstance(form, ShowsValueProblems):
        form.add_value_problems(problems)
        return
    for problem in problems:
        form.add_error(None, problem.message)
