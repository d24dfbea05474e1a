"""Reads of organisations, with the prefetches their pages need."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.accounts.models import User
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.models import FundingSource, Organisation


def organisation_list(
    *,
    user: User,
    search: str = "",
    country: str = "",
    region: str = "",
    sector: str = "",
) -> QuerySet[Organisation]:
    """The organisations ``user`` may see, by cluster name, with ``procedure_count`` annotated and
    the managers prefetched: a page of them costs the same number of queries whatever its size.

    ``search`` matches the legal or the cluster name, ignoring case; ``country``, ``region`` and
    ``sector`` are exact filters (an unknown sector filters nothing out).
    """
    queryset = Organisation.objects.annotate(
        procedure_count=Count("procedures", distinct=True)
    ).prefetch_related("managers")
    queryset = restrict(queryset, user, Activity.VIEW_ORGANISATION)
    search = search.strip()
    if search:
        queryset = queryset.filter(
            Q(legal_name__icontains=search) | Q(cluster_name__icontains=search)
        )
    if country:
        queryset = queryset.filter(country=country.strip().upper())
    if region:
        queryset = queryset.filter(region=region.strip().upper())
    if sector and sector in Sector.values:
        queryset = queryset.filter(sector=sector)
    return queryset.order_by("cluster_name", "pk")


def organisation_filter_options(*, user: User) -> dict[str, list[str]]:
    """The countries and regions that occur among the organisations ``user`` may see."""
    visible = restrict(Organisation.objects.all(), user, Activity.VIEW_ORGANISATION).order_by()
    return {
        "countries": sorted(set(visible.values_list("country", flat=True))),
        "regions": sorted(set(visible.exclude(region="").values_list("region", flat=True))),
    }


def organisation_get(*, pk: int, viewer: User) -> Organisation:
    """One organisation ``viewer`` may see, with what its profile reads: managers, programmes,
    funding sources. Raises ``Organisation.DoesNotExist`` for an organisation that does not
    exist or that ``viewer`` may not see."""
    visible = restrict(Organisation.objects.all(), viewer, Activity.VIEW_ORGANISATION)
    return visible.prefetch_related(
        "managers",
        "programmes",
        Prefetch("funding_sources", queryset=FundingSource.objects.order_by("kind")),
    ).get(pk=pk)


def organisation_ids_managed_by(*, user: User, limit: int | None = None) -> list[int]:
    """The organisations ``user`` manages, by cluster name (at most ``limit`` of them)."""
    queryset = user.managed_organisations.order_by("cluster_name", "pk").values_list(
        "pk", flat=True
    )
    return list(queryset[:limit] if limit is not None else queryset)
