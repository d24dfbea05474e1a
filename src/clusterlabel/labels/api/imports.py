"""``POST /api/v1/label-imports/``: a list of label holders imported through the API with a
token, with the back office's checks and report (``labels_import``, ``LabelImportForm``).

The person must be allowed to import at all (``IMPORT_LABELS``: a scheme's or an operator's
secretariat, administrators), and every row must be of a scheme their grants cover (checked per
row by ``labels_import``). Unlike the back-office form, the API only checks unless it is told
``dry_run=false``: a program that forgets the flag writes nothing. All or nothing, as always: a
file with a bad row is answered 422 with every bad row named, and nothing is written.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clusterlabel.access.policy import Activity, can
from clusterlabel.accounts.api_tokens import TOKEN_THROTTLED, UNAUTHORISED, TokenAPIView
from clusterlabel.core.api_views import PROBLEMS, ProblemSerializer
from clusterlabel.labels.forms import LabelImportForm
from clusterlabel.labels.issuing.import_result import ImportResult
from clusterlabel.labels.issuing.importing import labels_import

NO = frozenset({"false", "0", "no", "off"})


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The list (CSV, as the back office's import).")
    dry_run = serializers.BooleanField(
        required=False, default=True, help_text="Only check (the default); false writes."
    )
    label = serializers.CharField(  # type: ignore[assignment]  # the import's field, not DRF's
        required=False, help_text="The label of every row without one, e.g. ECEI Bronze."
    )
    encoding = serializers.ChoiceField(
        required=False, choices=["utf-8", "utf-16", "cp1252", "latin-1"]
    )
    delimiter = serializers.ChoiceField(required=False, choices=[";", ",", "\t", "|"])
    tolerance_days = serializers.IntegerField(required=False, min_value=0, max_value=366)


class RowProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The file's line; 0 for the whole file.")
    message = serializers.CharField()
    column = serializers.CharField(allow_blank=True)


class ImportedLabelSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    organisation = serializers.CharField()
    scheme_id = serializers.CharField()
    level_id = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    certificate_number = serializers.CharField(allow_blank=True)
    renews = serializers.CharField(allow_blank=True)
    renews_line = serializers.IntegerField()
    recognised_with_line = serializers.IntegerField()
    label_name = serializers.CharField(allow_blank=True)


class ImportReportSerializer(serializers.Serializer):
    file_name = serializers.CharField(allow_blank=True)
    encoding = serializers.CharField(allow_blank=True)
    delimiter = serializers.CharField(allow_blank=True)
    rows = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    written = serializers.BooleanField(help_text="Whether anything was saved.")
    created = ImportedLabelSerializer(many=True)
    unchanged = ImportedLabelSerializer(many=True)
    recognised = ImportedLabelSerializer(many=True)
    updated = serializers.ListField(child=serializers.DictField())
    duplicates = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField())
    )
    errors = RowProblemSerializer(many=True)  # type: ignore[assignment]  # the report's field
    warnings = RowProblemSerializer(many=True)
    notes = serializers.ListField(child=serializers.CharField())
    matched = serializers.ListField(child=serializers.DictField())
    new_organisations = serializers.ListField(child=serializers.DictField())


def import_report(result: ImportResult) -> dict[str, Any]:
    """The import's result as the API answers it: every field of ``ImportResult``; a new
    organisation by the id it was written with (``organisation_id``, null in a check)."""
    report = asdict(
        result,
        dict_factory=lambda pairs: {
            key: (value.pk if key == "organisation" and hasattr(value, "pk") else value)
            for key, value in pairs
        },
    )
    for new in report["new_organisations"]:
        new["organisation_id"] = new.pop("organisation")
    return report


class LabelImportView(TokenAPIView):
    """Check (and with ``dry_run=false`` import) a list of label holders."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="label_imports_create",
        request={"multipart/form-data": ImportRequestSerializer},
        responses={
            200: ImportReportSerializer,
            400: PROBLEMS,
            401: UNAUTHORISED,
            403: ProblemSerializer,
            422: OpenApiResponse(
                ImportReportSerializer, description="Bad rows: each named; nothing written."
            ),
            429: TOKEN_THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        if not can(request.user, Activity.IMPORT_LABELS):
            raise PermissionDenied
        form = LabelImportForm(request.data, request.FILES)
        if not form.is_valid():
            errors = {
                field: [error["message"] for error in field_errors]
                for field, field_errors in form.errors.get_json_data().items()
                if field != "dry_run"
            }
            if errors:
                raise ValidationError(errors)
        upload = form.cleaned_data["file"]
        dry_run = str(request.data.get("dry_run", "true")).strip().lower() not in NO
        result = labels_import(
            data=upload.read(),
            actor=self.owner(request),
            file_name=upload.name,
            encoding=form.cleaned_data.get("encoding") or None,
            delimiter=form.cleaned_data.get("delimiter") or None,
            label=(form.cleaned_data.get("label") or "").strip() or None,
            dry_run=dry_run,
            tolerance_days=form.tolerance(),
        )
        return Response(import_report(result), status=200 if result.ok else 422)
