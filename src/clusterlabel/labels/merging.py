"""The labels' part of merging two organisations (``clusterlabel.organisations.merging``):
every label of the organisation merged away moves to the one kept, so the two histories become
one (a renewal chain keeps its ``previous`` links; certificate numbers never change). No
constraint ties labels to one organisation, so nothing clashes."""

from __future__ import annotations

from clusterlabel.labels.changes import Change, labels_changed
from clusterlabel.labels.models import Label
from clusterlabel.organisations.merging import Merge


def labels_move(merging: Merge) -> None:
    moved = Label.objects.filter(organisation=merging.merge).update(organisation=merging.keep)
    merging.moved["labels"] += moved
    labels_changed(Change.MERGED)
