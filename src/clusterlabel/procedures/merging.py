"""The procedures' part of merging two organisations (``clusterlabel.organisations.merging``):
every procedure of the organisation merged away moves to the one kept, with its whole file
(answers, scores, votes and audit trail hang on the procedure, not on the organisation). No
constraint ties procedures to one organisation, so nothing clashes."""

from __future__ import annotations

from clusterlabel.organisations.merging import Merge
from clusterlabel.procedures.models import Procedure


def procedures_move(merging: Merge) -> None:
    moved = Procedure.objects.filter(organisation=merging.merge).update(organisation=merging.keep)
    merging.moved["procedures"] += moved
