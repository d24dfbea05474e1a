"""Errors the domain core raises, and the problem records it reports.

Every error here derives from :class:`DomainError`, so a caller can catch the whole family.
Problems are reported as data (``SchemeProblem``, ``ValueProblem``) so a user interface can
show each one next to the thing it concerns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any


class DomainError(Exception):
    """Base class of every error raised by :mod:`clusterlabel.domain`."""


@dataclass(frozen=True)
class SchemeProblem:
    """One thing wrong with a scheme file.

    ``source`` is the file name, ``location`` a readable path inside the file
    (``indicators[3] (STR-04).threshold``, ``line 7, column 3`` for syntax errors, empty for the
    whole file) and ``message`` says in plain English what is wrong.
    """

    source: str
    location: str
    message: str

    def __str__(self) -> str:
        if self.location:
            return f"{self.source}: {self.location}: {self.message}"
        return f"{self.source}: {self.message}"


class SchemeFileError(DomainError):
    """A scheme file (or a directory of them) was refused.

    ``errors`` lists **every** problem found, not only the first; ``str()`` prints one line per
    problem as ``file: location: message``.
    """

    def __init__(self, errors: Iterable[SchemeProblem]) -> None:
        self.errors: list[SchemeProblem] = list(errors)
        if not self.errors:
            raise ValueError("SchemeFileError needs at least one problem")
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(problem) for problem in self.errors)


@dataclass(frozen=True)
class ValueProblem:
    """One input value for an indicator that cannot be scored.

    ``code`` is machine-readable (``unknown_indicator``, ``wrong_type``, ``out_of_range``,
    ``unknown_choice``); ``params`` carries the facts a translated message needs.
    """

    indicator_id: str
    code: str
    message: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))


class InvalidIndicatorValues(DomainError, ValueError):
    """Indicator values were given that cannot be scored; ``problems`` lists every one."""

    def __init__(self, problems: Iterable[ValueProblem]) -> None:
        self.problems: list[ValueProblem] = list(problems)
        super().__init__(
            "; ".join(f"{problem.indicator_id}: {problem.message}" for problem in self.problems)
        )


class UnknownId(DomainError, KeyError):
    """A scheme was asked for a level, category, indicator or choice it does not define."""

    def __init__(self, kind: str, identifier: str, scheme: str) -> None:
        self.kind = kind
        self.identifier = identifier
        self.scheme = scheme
        super().__init__(f"scheme {scheme} has no {kind} {identifier!r}")

    def __str__(self) -> str:
        return str(self.args[0])


class SchemeMismatch(DomainError, ValueError):
    """A score computed under one scheme version was used with another."""


class FeeNotDefined(DomainError):
    """The scheme defines no fee for the requested process and assessment mode."""


@dataclass(frozen=True)
class Reason:
    """Why a rule failed, machine-readable: ``code`` names the rule, ``params`` the facts.

    ``Reason("score_below_minimum", {"percent": Decimal("79.99"), "required": Decimal("80")})``.
    A user interface translates ``code`` and fills the placeholders from ``params``.
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))
