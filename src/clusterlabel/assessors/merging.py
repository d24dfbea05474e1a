"""The expert pool's part of merging two organisations (``clusterlabel.organisations.merging``):
conflicts declared for the organisation merged away now name the one kept, so the assessors stay
off its procedures. An assessor who declared a conflict with both keeps the one for ``keep``
(one declaration per assessor and organisation); the other is counted as dropped."""

from __future__ import annotations

from clusterlabel.assessors.models import DeclaredConflict
from clusterlabel.organisations.merging import Merge


def declared_conflicts_move(merging: Merge) -> None:
    with_keep = set(
        DeclaredConflict.objects.filter(organisation=merging.keep).values_list(
            "profile_id", flat=True
        )
    )
    moving = DeclaredConflict.objects.filter(organisation=merging.merge)
    # Counted only when there are any: the merge's audit event lists what happened.
    dropped, _per_model = moving.filter(profile_id__in=with_keep).delete()
    if dropped:
        merging.dropped["declared_conflicts"] += dropped
    moved = moving.update(organisation=merging.keep)
    if moved:
        merging.moved["declared_conflicts"] += moved
