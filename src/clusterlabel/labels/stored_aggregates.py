"""Reading and writing ``StoredAggregate`` rows: small aggregates of the public label data
(a day's statistics, the holders' places) counted when labels change rather than on the request
that needs them. What is counted, and when, is ``labels.registry.aggregates``'s business; this
module only keeps the rows' promise: a row is read only for the generation it was counted at,
never replaced by one counted at an older generation, and its format is checked on reading, so
a row written by an older release is counted again rather than misread."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from clusterlabel.labels.models import StoredAggregate

#: The JSON layout of ``data``; a release that changes what it holds raises it.
FORMAT = 1


def stored_aggregate(key: str, *, generation: int) -> Any | None:
    """The value stored under ``key`` if it was counted at ``generation`` (one indexed row
    read), else None."""
    data = (
        StoredAggregate.objects.filter(key=key, generation=generation)
        .values_list("data", flat=True)
        .first()
    )
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return data["value"]


def aggregate_store(key: str, *, generation: int, value: Any) -> bool:
    """Store ``value``, counted from data at least as new as ``generation``, under ``key``,
    unless a row counted at a newer generation is there already. Whether it was stored."""
    data = {"format": FORMAT, "value": value}
    if StoredAggregate.objects.filter(key=key, generation__lte=generation).update(
        generation=generation, data=data, built_at=timezone.now()
    ):
        return True
    try:
        with transaction.atomic():
            _row, created = StoredAggregate.objects.get_or_create(
                key=key, defaults={"generation": generation, "data": data}
            )
    except IntegrityError:  # another build created it in between: it is at least as new
        return False
    return created


def aggregate_is_current(key: str, *, generation: int) -> bool:
    """Whether ``key`` is stored for ``generation`` or a newer one."""
    return StoredAggregate.objects.filter(key=key, generation__gte=generation).exists()
