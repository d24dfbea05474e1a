"""The advisory board's recommendation, counted from the votes of the current round."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from clusterlabel.domain.procedure.facts import BoardVote, ProcedureRules


@dataclass(frozen=True)
class Recommendation:
    """The advisory board's recommendation from the votes of the current round.

    ``recommended`` is ``None`` until the quorum is reached.
    """

    quorum_reached: bool
    recommended: bool | None
    yes: int
    no: int


def board_recommendation(votes: Iterable[BoardVote], rules: ProcedureRules) -> Recommendation:
    """Count the votes: quorum when at least ``board_quorum`` votes are cast; the board
    recommends the award when the yes votes are MORE than ``board_majority_percent`` % of all
    votes (exact arithmetic: 1 of 2 with 50 % is not a recommendation, 2 of 3 is)."""
    votes = tuple(votes)
    yes = sum(1 for vote in votes if vote.yes)
    no = len(votes) - yes
    if len(votes) < rules.board_quorum:
        return Recommendation(quorum_reached=False, recommended=None, yes=yes, no=no)
    recommended = yes * 100 > rules.board_majority_percent * len(votes)
    return Recommendation(quorum_reached=True, recommended=recommended, yes=yes, no=no)
