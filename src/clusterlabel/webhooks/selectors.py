"""Reads of the webhook pages, narrowed by the policy (someone else's endpoint is a 404)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from clusterlabel.access.policy import Activity, can, restrict
from clusterlabel.organisations.models import Programme
from clusterlabel.schemes.models import Operator
from clusterlabel.webhooks.models import Delivery, DeliveryAttempt, DeliveryState, Endpoint

RECENT_DELIVERIES = 50


def endpoint_counts(endpoints: QuerySet[Endpoint] | None = None) -> QuerySet[Endpoint]:
    """``endpoints`` (default: all), newest first, with their owners and counts of pending
    (``pending``) and given-up (``failed``) deliveries. Query count: one."""
    endpoints = Endpoint.objects.all() if endpoints is None else endpoints
    return (
        endpoints.select_related("operator", "programme")
        .annotate(
            pending=Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING)),
            failed=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
        )
        .order_by("-created_at", "-pk")
    )


def endpoint_list(user: Any) -> QuerySet[Endpoint]:
    """The endpoints ``user`` manages (``endpoint_counts``). Query count: one."""
    return endpoint_counts(restrict(Endpoint.objects.all(), user, Activity.MANAGE_WEBHOOKS))


def endpoint_get(user: Any, pk: int) -> Endpoint:
    """One endpoint ``user`` manages, else 404."""
    endpoints = restrict(Endpoint.objects.all(), user, Activity.MANAGE_WEBHOOKS)
    return get_object_or_404(endpoints.select_related("operator", "programme"), pk=pk)


def recent_deliveries(endpoint: Endpoint, *, limit: int = RECENT_DELIVERIES) -> list[Delivery]:
    """The endpoint's latest deliveries with their events and attempts. Query count: two."""
    return list(
        Delivery.objects.filter(endpoint=endpoint)
        .select_related("event")
        .prefetch_related(
            Prefetch("attempts_made", queryset=DeliveryAttempt.objects.order_by("number"))
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def owners_managed(user: Any) -> list[Operator | Programme]:
    """The operators and programmes for which ``user`` may register endpoints."""
    operators = [
        op for op in Operator.objects.order_by("name") if can(user, Activity.MANAGE_WEBHOOKS, op)
    ]
    programmes = [
        programme
        for programme in restrict(Programme.objects.order_by("name"), user, Activity.VIEW_PROGRAMME)
        if can(user, Activity.MANAGE_WEBHOOKS, programme)
    ]
    return [*operators, *programmes]
