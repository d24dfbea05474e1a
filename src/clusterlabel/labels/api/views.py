"""The public, read-only API of the registry (``/api/v1/``). No login, no personal data.

Every endpoint reads through the public pages' own selectors, which decide what is public:
``registry_labels`` (only labels of organisations the secretariat has confirmed; suspended and
revoked labels are listed with that status, as on the registry page), the holder page's rule
(a confirmed organisation that holds or held a label) and ``statistics_for``. The filters are
the registry page's form (``RegistryFilterForm``): a value that is not valid is a 400 naming the
field, not a silently wider list.

Anonymous GETs are cached like the public pages (``labels.public_cache.public_page``): keyed by
the data generation that every label write bumps in its transaction, so a revoked label is never
answered as valid from the cache; the key's hash is the ``ETag``. The cache is consulted after
DRF's throttle and permission checks, so a cached answer still counts against the address's
rate.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage
from django.http import Http404, HttpResponseBase
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from clusterlabel.core.api_views import PROBLEMS, ProblemSerializer
from clusterlabel.domain.labels import LabelStatus, canonical_certificate_number
from clusterlabel.labels.api.serializers import (
    LabelPageSerializer,
    LabelSerializer,
    OrganisationSerializer,
    StatisticsSerializer,
)
from clusterlabel.labels.generation import data_generation
from clusterlabel.labels.models import Label
from clusterlabel.labels.public_cache import public_page
from clusterlabel.labels.registry.filters import SORT_CHOICES, RegistryFilters, SchemeCatalogue
from clusterlabel.labels.registry.forms import RegistryFilterForm
from clusterlabel.labels.registry.queries import (
    EXPORT_COLUMNS,
    PAGE_SIZE,
    CountedPaginator,
    page_labels,
    registry_count,
    registry_export_records,
    registry_labels,
)
from clusterlabel.labels.registry.statistics import statistics_for
from clusterlabel.organisations.choices import Sector
from clusterlabel.organisations.models import Organisation

# The largest id a database integer column holds: a larger one in the path names nothing.
LARGEST_ID = 2**63 - 1

Handler = Callable[..., HttpResponseBase]


def public_cached(handler: Handler) -> Handler:
    """``public_page()`` around a DRF handler method: renders the response so that the cache
    stores its bytes (DRF renders only after the handler returns)."""

    @public_page(shared=True)
    def rendered(request: Request, *args: Any, view: APIView, **kwargs: Any) -> HttpResponseBase:
        response = handler(view, request, *args, **kwargs)
        # DRF's stubs say Response; any HttpResponseBase passes through unchanged.
        response = view.finalize_response(request, cast(Response, response), *args, **kwargs)
        if isinstance(response, Response):
            response.render()
        return response

    def method(view: APIView, request: Request, *args: Any, **kwargs: Any) -> HttpResponseBase:
        return rendered(request, *args, view=view, **kwargs)

    method.__name__ = handler.__name__
    method.__doc__ = handler.__doc__
    return method


def _urls() -> tuple[str, str]:
    """The URL patterns of a label's verification and holder pages, as
    ``registry_export_records`` takes them."""
    site = settings.SITE_URL
    return (
        site + reverse("labels:verify", args=["NUMBER"]).replace("NUMBER", "{number}"),
        site + reverse("labels:holder", args=[0]).replace("/0/", "/{pk}/"),
    )


def label_records(labels: Any, *, catalogue: SchemeCatalogue, today: Any) -> list[dict[str, Any]]:
    """The labels as the API's dicts: the open-data record and the credential's URL."""
    credential = settings.SITE_URL + reverse("labels:credential", args=["NUMBER"])
    verify_url, holder_url = _urls()
    return [
        {
            **dict(zip(EXPORT_COLUMNS, record, strict=True)),
            "credential_url": credential.replace("NUMBER", record[0]),
        }
        for record in registry_export_records(
            labels, catalogue=catalogue, today=today, verify_url=verify_url, holder_url=holder_url
        )
    ]


def _page_number(text: str) -> int:
    """The page asked for, or a 400 naming the field."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise ValidationError({"page": [_("Enter a whole number from 1.")]})
    return number


NOT_FOUND = OpenApiResponse(ProblemSerializer, description="No such public record.")
THROTTLED = OpenApiResponse(ProblemSerializer, description="Too many requests from the address.")

FILTERS = [
    OpenApiParameter("q", str, description="Part of the organisation's or cluster's name."),
    OpenApiParameter("family", str, description="A label family, e.g. ecei or bw."),
    OpenApiParameter("scheme", str, description="A scheme id, e.g. ecei-gold."),
    OpenApiParameter("level", str, description="A level id of a scheme."),
    OpenApiParameter("country", str, description="ISO 3166-1 alpha-2, e.g. DE."),
    OpenApiParameter("region", str, description="ISO 3166-2, e.g. DE-BW."),
    OpenApiParameter("sector", str, enum=list(Sector.values)),
    OpenApiParameter(
        "status",
        str,
        enum=["any", *(status.value for status in LabelStatus)],
        description=("The status today."),
    ),
    OpenApiParameter(
        "valid_on", OpenApiTypes.DATE, description="Labels valid on this day (YYYY-MM-DD)."
    ),
    OpenApiParameter("sort", str, enum=[value for value, _name in SORT_CHOICES]),
    OpenApiParameter("page", int, description="From 1; 50 labels a page."),
]


class LabelListView(APIView):
    """The registry: every current and past label, filtered like the registry page."""

    @extend_schema(
        operation_id="labels_list",
        parameters=FILTERS,
        responses={200: LabelPageSerializer, 400: PROBLEMS, 404: NOT_FOUND, 429: THROTTLED},
    )
    @public_cached
    def get(self, request: Request) -> Response:
        generation = data_generation()  # before the data (see labels.changes)
        catalogue = SchemeCatalogue.load()
        form = RegistryFilterForm(request.query_params, catalogue=catalogue, places=())
        filters = form.filters()
        if form.errors:
            raise ValidationError(
                {name: [str(e) for e in errors] for name, errors in form.errors.items()}
            )
        number = _page_number(request.query_params.get("page", "1"))
        today = timezone.localdate()
        labels = registry_labels(filters, today=today, level_ranks=catalogue.level_ranks())
        count = registry_count(labels, generation=generation)
        paginator = CountedPaginator(labels.values("pk"), PAGE_SIZE, count=count)
        try:
            page = paginator.page(number)
        except EmptyPage:
            raise NotFound(_("There is no such page.")) from None
        rows = (
            Label.objects.filter(pk__in=page_labels(labels, page, generation=generation)).order_by(
                *labels.query.order_by
            )
            if count
            else Label.objects.none()
        )
        query = filters.as_query()

        def link(to: int) -> str:
            return (
                settings.SITE_URL + reverse("api:labels") + "?" + urlencode({**query, "page": to})
            )

        body = {
            "count": count,
            "page": page.number,
            "pages": paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": label_records(rows, catalogue=catalogue, today=today),
        }
        return Response(LabelPageSerializer(body).data)


class LabelDetailView(APIView):
    """One label of the registry by its certificate number (case and spaces forgiven)."""

    @extend_schema(
        operation_id="labels_retrieve",
        responses={200: LabelSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    @public_cached
    def get(self, request: Request, number: str) -> Response:
        if "\x00" in number:  # no stored number holds one, and PostgreSQL refuses it
            raise Http404
        catalogue = SchemeCatalogue.load()
        today = timezone.localdate()
        labels = registry_labels(RegistryFilters(), today=today).filter(
            certificate_number=canonical_certificate_number(number)
        )
        records = label_records(labels, catalogue=catalogue, today=today)
        if not records:
            raise Http404
        return Response(LabelSerializer(records[0]).data)


class OrganisationDetailView(APIView):
    """A holder's public profile and label history, as the holder page shows it: only a
    confirmed organisation that holds or held a label."""

    @extend_schema(
        operation_id="organisations_retrieve",
        parameters=[
            OpenApiParameter(
                "id",
                {"type": "integer", "format": "int64", "minimum": 1, "maximum": LARGEST_ID},
                OpenApiParameter.PATH,
            )
        ],
        responses={200: OrganisationSerializer, 404: NOT_FOUND, 429: THROTTLED},
    )
    @public_cached
    def get(self, request: Request, pk: int) -> Response:
        if pk > LARGEST_ID:
            raise Http404
        organisation = Organisation.objects.filter(pk=pk, confirmed_at__isnull=False).first()
        if organisation is None:
            raise Http404
        catalogue = SchemeCatalogue.load()
        today = timezone.localdate()
        labels = registry_labels(RegistryFilters(), today=today).filter(organisation_id=pk)
        records = label_records(labels, catalogue=catalogue, today=today)
        if not records:
            raise Http404
        body = {
            "id": organisation.pk,
            "legal_name": organisation.legal_name,
            "cluster_name": organisation.cluster_name,
            "country": organisation.country,
            "region": organisation.region,
            "city": organisation.city,
            "sector": organisation.sector,
            "website": organisation.website,
            "holder_url": settings.SITE_URL + reverse("labels:holder", args=[pk]),
            "labels": records,
        }
        return Response(OrganisationSerializer(body).data)


class StatisticsView(APIView):
    """How many organisations hold which valid label today, by label, region and sector, and
    the valid labels per family over time: the statistics page's numbers."""

    @extend_schema(
        operation_id="statistics_retrieve",
        responses={200: StatisticsSerializer, 429: THROTTLED},
    )
    @public_cached
    def get(self, request: Request) -> Response:
        catalogue = SchemeCatalogue.load()
        today, over_time = statistics_for(catalogue=catalogue, today=timezone.localdate())
        body = {
            "today": asdict(today),
            "over_time": asdict(over_time) if over_time is not None else None,
        }
        return Response(StatisticsSerializer(body).data)
