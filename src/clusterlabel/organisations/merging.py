"""Merging two organisations into one: the twins that two registers (or a register and a
self-registration) made of one cluster management organisation.

``organisation_merge(keep=..., merge=..., actor=...)`` moves every row that points at ``merge``
onto ``keep``, deletes ``merge`` and records one ``organisation.merge`` audit event with both
ids, ``merge``'s profile as it was, and what moved. ``keep``'s profile stays as it is.

Organisations sit below procedures, labels and the benchmarking pool, so this module does not
import them. Those apps contribute their part here in their ``AppConfig.ready`` (the same
pattern as ``clusterlabel.procedures.decided``): each mover gets the :class:`Merge` inside the
merge's transaction and moves its rows, resolving its own unique constraints. This module
moves the rows of the apps below it (funding shares, programme memberships, claims, grants).
Before ``merge`` is deleted, every relation Django knows of is checked: a row that no mover
moved (a new app that forgot to contribute) refuses the merge instead of being deleted with it.

Unique constraints, resolved towards ``keep``:

* a funding share of a kind ``keep`` has: ``keep``'s share stays, ``merge``'s is dropped;
* a grant (``user``, ``role``) ``keep`` has too: dropped; an open claim of a person who has
  an open claim on ``keep``: dropped; programme memberships: the union;
* benchmarking: per pool the later of the two latest assessments stays the latest (the other
  becomes an earlier cycle); see ``clusterlabel.benchmarks.merging``.

Never automatic: importers only *suggest* organisations that resemble each other
(``clusterlabel.organisations.matching``); a person decides and merges.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from clusterlabel.access.models import Grant
from clusterlabel.access.policy import Activity, can
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.hooks import Hook
from clusterlabel.organisations.models import FundingSource, Organisation, OrganisationClaim

# The profile fields the audit event keeps of the organisation that disappears.
_SNAPSHOT = ("legal_name", "cluster_name", "country", "region", "city", "sector", "website")


@dataclass
class Merge:
    """One merge as the movers see it: they move ``merge``'s rows onto ``keep`` and count
    them in ``moved`` (by kind) and the duplicates they dropped or demoted in ``dropped``."""

    keep: Organisation
    merge: Organisation
    moved: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)


movers: Hook[Merge] = Hook()
"""What the apps above organisations contribute to a merge (their rows)."""


def may_merge(user: Any, keep: Organisation, merge: Organisation) -> bool:
    """Whether ``user`` may merge these two: the policy's ``merge_organisations`` on both."""
    return can(user, Activity.MERGE_ORGANISATIONS, keep) and can(
        user, Activity.MERGE_ORGANISATIONS, merge
    )


def _move_own_rows(merging: Merge) -> None:
    keep, merge = merging.keep, merging.merge
    kinds = set(keep.funding_sources.values_list("kind", flat=True))
    for share in FundingSource.objects.filter(organisation=merge):
        if share.kind in kinds:
            share.delete()
            merging.dropped["funding_sources"] += 1
        else:
            FundingSource.objects.filter(pk=share.pk).update(organisation=keep)
            merging.moved["funding_sources"] += 1
    programmes = set(merge.programmes.all()) - set(keep.programmes.all())
    keep.programmes.add(*programmes)
    merging.moved["programmes"] += len(programmes)
    merge.programmes.clear()
    open_claimants = set(
        OrganisationClaim.objects.filter(organisation=keep, decided_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    for claim in OrganisationClaim.objects.filter(organisation=merge):
        if claim.is_open and claim.user_id in open_claimants:
            claim.delete()
            merging.dropped["claims"] += 1
        else:
            OrganisationClaim.objects.filter(pk=claim.pk).update(organisation=keep)
            merging.moved["claims"] += 1
    held = set(Grant.objects.filter(organisation=keep).values_list("user_id", "role"))
    for grant in Grant.objects.filter(organisation=merge):
        if (grant.user_id, grant.role) in held:
            grant.delete()
            merging.dropped["grants"] += 1
        else:
            Grant.objects.filter(pk=grant.pk).update(organisation=keep)
            merging.moved["grants"] += 1


def _left_behind(merge: Organisation) -> list[str]:
    """The models that still have rows pointing at ``merge``."""
    left = []
    for relation in merge._meta.related_objects:
        if relation.many_to_many or not isinstance(relation.field, models.ForeignKey):
            continue
        model = relation.field.model  # the model holding the foreign key
        if model._base_manager.filter(**{relation.field.name: merge}).exists():
            left.append(model._meta.label)
    return left


def organisation_merge(*, keep: Organisation, merge: Organisation, actor: User | None) -> Merge:
    """Merge ``merge`` into ``keep`` (see the module docstring). ``actor`` ``None`` is the
    installation itself (the command line).

    Raises ``ValidationError`` for an organisation merged into itself, ``PermissionDenied``
    when ``actor`` may not merge both (nothing written), and ``RuntimeError`` when rows of a
    model no mover handles would be left behind (nothing written)."""
    if keep.pk == merge.pk:
        raise ValidationError(
            _("An organisation cannot be merged into itself (#%(id)s).") % {"id": keep.pk},
            code="same_organisation",
        )
    if actor is not None and not may_merge(actor, keep, merge):
        raise PermissionDenied(_("You may not merge these organisations."))
    with transaction.atomic():
        locked = {
            o.pk: o
            for o in Organisation.objects.select_for_update()
            .filter(pk__in=[keep.pk, merge.pk])
            .order_by("pk")
        }
        if len(locked) != 2:
            raise ValidationError(
                _("One of the organisations no longer exists."), code="organisation_missing"
            )
        merging = Merge(keep=locked[keep.pk], merge=locked[merge.pk])
        _move_own_rows(merging)
        movers.run(merging)
        left = _left_behind(merging.merge)
        if left:
            raise RuntimeError(f"no mover handles {', '.join(left)}; nothing was merged")
        merged = merging.merge
        before = {"id": merged.pk, **{name: getattr(merged, name) for name in _SNAPSHOT}}
        merged_id = merged.pk
        merged.delete()
        merged.pk = merged_id  # the caller still names it by its id
        audit_record(
            actor=actor,
            action="organisation.merge",
            target=merging.keep,
            before=before,
            after={
                "kept": merging.keep.pk,
                "merged": merged_id,
                "moved": dict(sorted(merging.moved.items())),
                "dropped": dict(sorted(merging.dropped.items())),
            },
        )
    return merging
