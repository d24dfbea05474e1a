"""The panel page's suggestion: the ranked candidates with their reasons in words, the
excluded ones with why, and the complete panel the secretariat can take over into the form
(it still decides). Built from ``procedures.panel_pool.suggest``; no query of its own."""

from __future__ import annotations

from dataclasses import dataclass

from clusterlabel.accounts.models import User
from clusterlabel.assessors.reasons import describe, describe_all
from clusterlabel.domain.panel_suggestion import Excluded, Ranked
from clusterlabel.procedures.panel_pool import PoolSuggestion


@dataclass(frozen=True)
class SuggestedRow:
    """One candidate as the page lists them: place, account, national or not, in the
    suggested panel or not, and the reasons in words."""

    place: int | None
    user: User
    national: bool
    in_panel: bool
    reasons: list[str]


@dataclass(frozen=True)
class SuggestionView:
    eligible: list[SuggestedRow]
    excluded: list[SuggestedRow]
    panel_ids: list[int]
    panel_problem: str


def _row(
    item: Ranked | Excluded, users: dict[int, User], *, place: int | None, panel: set[int]
) -> SuggestedRow:
    candidate = item.candidate
    return SuggestedRow(
        place=place,
        user=users[candidate.assessor_id],
        national=isinstance(item, Ranked) and item.national,
        in_panel=candidate.assessor_id in panel,
        reasons=describe_all(item.reasons),
    )


def suggestion_view(pool: PoolSuggestion) -> SuggestionView:
    """The suggestion in words, in the active language."""
    found = pool.suggestion
    panel = set(found.panel_ids)
    return SuggestionView(
        eligible=[
            _row(r, pool.users, place=i, panel=panel) for i, r in enumerate(found.eligible, 1)
        ],
        excluded=[_row(e, pool.users, place=None, panel=panel) for e in found.excluded],
        panel_ids=list(found.panel_ids),
        panel_problem=describe(found.panel_reason) if found.panel_reason else "",
    )
