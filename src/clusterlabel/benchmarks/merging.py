"""The benchmarking pool's part of merging two organisations
(``clusterlabel.organisations.merging``): the organisation merged away's reference assessments
move to the one kept. Per pool one assessment is the organisation's latest (a unique
constraint): where both have one, the later (by assessment date, then by when it was recorded)
stays the latest and the other becomes an earlier cycle, counted as demoted. The pools they
are in are built anew after the merge commits."""

from __future__ import annotations

from django.utils import timezone

from clusterlabel.benchmarks.models import ReferenceAssessment
from clusterlabel.benchmarks.stored_pools import pools_changed
from clusterlabel.organisations.merging import Merge


def reference_assessments_move(merging: Merge) -> None:
    latest = ReferenceAssessment.objects.filter(
        organisation__in=[merging.keep, merging.merge], is_latest=True
    ).order_by("pool_id", "-assessed_on", "-pk")
    seen: set[str] = set()
    now = timezone.now()  # update() skips auto_now: the pools' revision must move
    for assessment in latest:
        if assessment.pool_id in seen:
            ReferenceAssessment.objects.filter(pk=assessment.pk).update(
                is_latest=False, updated_at=now
            )
            merging.dropped["latest_reference_assessments"] += 1
        seen.add(assessment.pool_id)
    moving = ReferenceAssessment.objects.filter(organisation=merging.merge)
    pools = set(moving.values_list("pool_id", flat=True))
    moved = moving.update(organisation=merging.keep, updated_at=now)
    merging.moved["reference_assessments"] += moved
    pools_changed(pools)
