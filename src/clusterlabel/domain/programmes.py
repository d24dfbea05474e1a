"""A programme's rule for its members, and whether a member meets it today.

A national programme requires labels of its members: go-cluster's members go through the
Silver process unless they hold a valid Gold (and a valid Silver meets the rule as well);
Norway's and Denmark's programmes require Gold. The rule is data, stored with the programme:

    {"any_of": [{"label": "ecei-gold"},
                {"label": "ecei-silver"},
                {"procedure": "ecei-silver"}]}

Each alternative is met by a **label** of that scheme (optionally of one ``level``) that is
valid on the day (recorded state active, the day within its validity), or by a **procedure**
of that scheme under way (applied for and not yet decided or withdrawn). The rule holds when
one alternative is met. An empty rule (``{}``) requires nothing.

Guarantees:

* :func:`parse_rule` accepts exactly the shape above and reports **every** problem, each with
  its place (``any_of[2].label``), never only the first.
* :func:`member_standing` names the alternative that meets the rule, and otherwise what is
  missing; a label that is suspended, revoked, expired or not yet valid never meets it.
* Monotone: another valid label or another procedure under way never turns a rule that holds
  into one that fails.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from clusterlabel.domain.errors import DomainError
from clusterlabel.domain.procedure.vocabulary import State

AlternativeKind = Literal["label", "procedure"]

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_KEYS = {"label", "procedure", "level"}

# States in which a procedure is under way: applied for, not yet decided or withdrawn. A draft
# is not an application yet.
UNDER_WAY: frozenset[State] = frozenset(State) - {
    State.DRAFT,
    State.AWARDED,
    State.REFUSED,
    State.WITHDRAWN,
}


class ProgrammeRuleError(DomainError, ValueError):
    """A programme rule that cannot be read; ``problems`` lists every one as (place, message)."""

    def __init__(self, problems: Sequence[tuple[str, str]]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{place}: {message}" for place, message in self.problems))


@dataclass(frozen=True)
class Alternative:
    """One way to meet the rule: a valid label of ``scheme_id`` (of ``level_id`` when given), or
    a procedure of ``scheme_id`` under way."""

    kind: AlternativeKind
    scheme_id: str
    level_id: str | None = None


@dataclass(frozen=True)
class ProgrammeRule:
    """What a programme requires of its members: one of ``alternatives`` (none: nothing)."""

    alternatives: tuple[Alternative, ...] = ()

    @property
    def requires_anything(self) -> bool:
        return bool(self.alternatives)

    def as_data(self) -> dict[str, Any]:
        """The stored form, as :func:`parse_rule` reads it."""
        if not self.alternatives:
            return {}
        items: list[dict[str, str]] = []
        for alternative in self.alternatives:
            item: dict[str, str] = {alternative.kind: alternative.scheme_id}
            if alternative.level_id:
                item["level"] = alternative.level_id
            items.append(item)
        return {"any_of": items}


def parse_rule(data: Any) -> ProgrammeRule:
    """The rule stored as ``data`` (see the module's docstring); :class:`ProgrammeRuleError`
    names every problem."""
    if data in (None, {}):
        return ProgrammeRule()
    if not isinstance(data, Mapping):
        raise ProgrammeRuleError([("", "a rule is an object with the key any_of")])
    problems: list[tuple[str, str]] = []
    unknown = sorted(set(data) - {"any_of"})
    if unknown:
        problems.append(("", f"unknown keys: {', '.join(map(str, unknown))} (only any_of)"))
    items = data.get("any_of")
    if not isinstance(items, list) or not items:
        problems.append(("any_of", "must be a non-empty list of alternatives"))
        raise ProgrammeRuleError(problems)
    alternatives: list[Alternative] = []
    for index, item in enumerate(items):
        place = f"any_of[{index}]"
        if not isinstance(item, Mapping):
            problems.append((place, 'must be an object such as {"label": "ecei-gold"}'))
            continue
        extra = sorted(set(item) - _KEYS)
        if extra:
            problems.append((place, f"unknown keys: {', '.join(map(str, extra))}"))
        kinds = [kind for kind in ("label", "procedure") if kind in item]
        if len(kinds) != 1:
            problems.append((place, "needs exactly one of label or procedure"))
            continue
        kind: AlternativeKind = "label" if kinds[0] == "label" else "procedure"
        scheme_id = item[kind]
        if not isinstance(scheme_id, str) or not _SLUG.match(scheme_id):
            problems.append((f"{place}.{kind}", f"not a scheme id: {scheme_id!r}"))
            continue
        level_id = item.get("level")
        if level_id is not None and (not isinstance(level_id, str) or not _SLUG.match(level_id)):
            problems.append((f"{place}.level", f"not a level id: {level_id!r}"))
            continue
        alternative = Alternative(kind, scheme_id, level_id)
        if alternative in alternatives:
            problems.append((place, "the same alternative twice"))
            continue
        alternatives.append(alternative)
    if problems:
        raise ProgrammeRuleError(problems)
    return ProgrammeRule(tuple(alternatives))


@dataclass(frozen=True)
class HeldLabel:
    """A label of a member, as the rule reads it."""

    scheme_id: str
    level_id: str
    valid_from: date
    valid_until: date
    active: bool  # recorded state: not suspended, not revoked

    def valid_on(self, day: date) -> bool:
        return self.active and self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class OpenProcedure:
    """A procedure of a member, as the rule reads it."""

    scheme_id: str
    state: State


@dataclass(frozen=True)
class Standing:
    """Whether a member meets the rule on a day: ``holds`` is ``None`` when the programme
    requires nothing; ``met_by`` is the alternative that meets it."""

    holds: bool | None
    met_by: Alternative | None = None


def _meets(
    alternative: Alternative,
    labels: Sequence[HeldLabel],
    procedures: Sequence[OpenProcedure],
    day: date,
) -> bool:
    if alternative.kind == "label":
        return any(
            label.scheme_id == alternative.scheme_id
            and (alternative.level_id is None or label.level_id == alternative.level_id)
            and label.valid_on(day)
            for label in labels
        )
    return any(
        procedure.scheme_id == alternative.scheme_id and procedure.state in UNDER_WAY
        for procedure in procedures
    )


def member_standing(
    rule: ProgrammeRule,
    *,
    labels: Iterable[HeldLabel],
    procedures: Iterable[OpenProcedure],
    day: date,
) -> Standing:
    """Whether a member with these labels and procedures meets ``rule`` on ``day``; the first
    alternative (in the rule's order) that is met is named."""
    if not rule.requires_anything:
        return Standing(holds=None)
    held, open_ = list(labels), list(procedures)
    for alternative in rule.alternatives:
        if _meets(alternative, held, open_, day):
            return Standing(holds=True, met_by=alternative)
    return Standing(holds=False)


def next_expiry(labels: Iterable[HeldLabel], day: date) -> date | None:
    """The earliest end of the labels valid on ``day``, or ``None`` when none is."""
    return min((label.valid_until for label in labels if label.valid_on(day)), default=None)
