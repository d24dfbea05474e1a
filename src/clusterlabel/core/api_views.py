"""What the API's endpoints share besides access (``core.api``, which DRF's settings name and
must load without importing DRF's views): the error body, the 400 answer's document and the
JSON 404 for unknown paths."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class ProblemSerializer(serializers.Serializer):
    """What every error answer of the API holds: a sentence saying what is wrong."""

    detail = serializers.CharField()


#: A 400 answer: each field named with what is wrong ({"page": ["Enter a whole number ..."]}).
PROBLEMS = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A filter value is not valid: each field named with what is wrong.",
)


class NotFoundView(APIView):
    """Any other path under ``/api/v1/``: a JSON 404, as a client of the API expects, not the
    site's HTML page."""

    schema = None  # not an endpoint of the document

    def get(self, request: Request, rest: str = "") -> Response:
        raise NotFound
