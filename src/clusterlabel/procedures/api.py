"""``/api/v1/procedures/``: the procedures a token's owner may see, as the procedure list shows
them (the policy layer decides which: a cluster manager their organisation's, an assessor
those they are assigned to, a secretariat its schemes', a programme its members'), and a new
application (a draft, as the application page opens it: ``procedure_create``, with its checks;
submitting it stays a step on its page)."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from clusterlabel.accounts.api_tokens import TOKEN_THROTTLED, UNAUTHORISED, TokenAPIView
from clusterlabel.core.api_views import PROBLEMS, ProblemSerializer
from clusterlabel.domain import procedure as flow
from clusterlabel.organisations.models import Organisation
from clusterlabel.organisations.selectors import organisation_get
from clusterlabel.procedures.choices import AssessmentMode, ProcedureState, Process
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.selectors import procedure_deadline, procedure_list
from clusterlabel.procedures.services import procedure_create
from clusterlabel.procedures.services.improvement import ImprovementAreaInput
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.selectors import scheme_versions_by_pk

PAGE_SIZE = 100


class ProcedureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(help_text="P-<year>-<number>, as in letters and e-mails.")
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField(help_text="The cluster's name.")
    scheme = serializers.CharField()
    scheme_version = serializers.CharField()
    level = serializers.CharField()
    process = serializers.CharField(help_text="new or renewal.")
    state = serializers.ChoiceField(choices=ProcedureState.values)
    in_state_since = serializers.DateTimeField()
    applied_at = serializers.DateTimeField(allow_null=True)
    waiting_for = serializers.CharField(allow_null=True, help_text="The role that acts next.")
    due = serializers.DateField(allow_null=True, help_text="When the current step is due.")
    overdue = serializers.BooleanField()
    url = serializers.CharField(help_text="The procedure's page.")


class ProcedurePageSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    page = serializers.IntegerField(min_value=1)
    pages = serializers.IntegerField(min_value=1)
    results = ProcedureSerializer(many=True)


class ImprovementAreaSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="A category id of the scheme's catalogue.")
    description = serializers.CharField(max_length=4000, help_text="What was improved.")
    evidence_reference = serializers.CharField(
        max_length=500, help_text="Where the evidence is (a file is uploaded on the page)."
    )


class ApplicationSerializer(serializers.Serializer):
    """A new application: for which organisation, scheme, level, process and mode."""

    organisation_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    scheme = serializers.SlugField(max_length=64, help_text="A scheme id, e.g. ecei-gold.")
    level = serializers.SlugField(max_length=32, required=False)
    process = serializers.ChoiceField(choices=Process.values, default="new")
    assessment_mode = serializers.ChoiceField(choices=AssessmentMode.values)
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    improvement_areas = ImprovementAreaSerializer(
        many=True, required=False, help_text="ECEI Silver: the three improvement areas."
    )


def _with_versions(procedures: list[Procedure]) -> list[Procedure]:
    """The rows with their scheme versions read once each (the list defers the scheme files,
    which one version's many procedures would otherwise each carry)."""
    versions = scheme_versions_by_pk(p.scheme_version_id for p in procedures)
    for procedure in procedures:
        procedure.scheme_version = versions[procedure.scheme_version_id]
    return procedures


def procedure_record(procedure: Procedure, *, today: date) -> dict[str, object]:
    deadline = procedure_deadline(procedure, today=today)
    owner = flow.owner_of(procedure.state)
    return {
        "id": procedure.pk,
        "reference": procedure.reference,
        "organisation_id": procedure.organisation_id,
        "organisation": procedure.organisation.cluster_name,
        "scheme": procedure.scheme_version.scheme_id,
        "scheme_version": procedure.scheme_version.version,
        "level": procedure.level_id,
        "process": procedure.process,
        "state": procedure.state,
        "in_state_since": procedure.state_entered_at,
        "applied_at": procedure.applied_at,
        "waiting_for": owner.value if owner else None,
        "due": deadline.due if deadline else None,
        "overdue": bool(deadline and deadline.overdue),
        "url": reverse("procedures:detail", args=[procedure.pk]),
    }


class ProcedureListView(TokenAPIView):
    """The procedures the token's owner may see, newest step first, ``PAGE_SIZE`` a page; a
    POST opens an application."""

    # GET reads through the policy; POST asks it in ``procedure_create``.
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="procedures_list",
        parameters=[
            OpenApiParameter(
                "state", str, enum=ProcedureState.values, description="Only this state."
            ),
            OpenApiParameter("page", int, description="The page, from 1."),
        ],
        responses={
            200: ProcedurePageSerializer,
            400: PROBLEMS,
            401: UNAUTHORISED,
            429: TOKEN_THROTTLED,
        },
    )
    def get(self, request: Request) -> Response:
        state = request.query_params.get("state") or None
        if state is not None and state not in ProcedureState.values:
            raise ValidationError(
                {"state": [_("Not a procedure state: %(state)s") % {"state": state}]}
            )
        page_text = request.query_params.get("page", "1")
        if not page_text.isdigit() or not 1 <= int(page_text) <= 10**9:
            raise ValidationError({"page": [_("Enter a whole number from 1.")]})
        queryset = procedure_list(user=self.owner(request), state=state).defer(
            "scheme_version__content"
        )
        paginator = Paginator(queryset, PAGE_SIZE)
        number = min(int(page_text), paginator.num_pages)
        rows = _with_versions(list(paginator.page(number).object_list))
        today = timezone.localdate()
        return Response(
            {
                "count": paginator.count,
                "page": number,
                "pages": paginator.num_pages,
                "results": [procedure_record(p, today=today) for p in rows],
            }
        )

    @extend_schema(
        operation_id="procedures_create",
        request=ApplicationSerializer,
        responses={
            201: ProcedureSerializer,
            400: PROBLEMS,
            401: UNAUTHORISED,
            403: ProblemSerializer,
            404: ProblemSerializer,
            429: TOKEN_THROTTLED,
        },
    )
    def post(self, request: Request) -> Response:
        incoming = ApplicationSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            organisation = organisation_get(pk=data["organisation_id"], viewer=self.owner(request))
        except Organisation.DoesNotExist:
            raise NotFound(_("No organisation you may see has this id.")) from None
        version = SchemeVersion.objects.filter(scheme_id=data["scheme"], is_current=True).first()
        if version is None:
            raise ValidationError({"scheme": [_("There is no such scheme.")]})
        try:
            procedure = procedure_create(
                organisation=organisation,
                scheme_version=version,
                level_id=data.get("level") or version.scheme.levels[-1].id,
                process=data["process"],
                assessment_mode=data["assessment_mode"],
                actor=self.owner(request),
                note=data["note"],
                improvement_areas=[
                    ImprovementAreaInput(
                        category_id=area["category"],
                        description=area["description"],
                        evidence_reference=area["evidence_reference"],
                    )
                    for area in data.get("improvement_areas", [])
                ],
            )
        except DjangoPermissionDenied:
            raise PermissionDenied(
                _("You may not apply for this organisation in this scheme.")
            ) from None
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
            ) from None
        procedure = _with_versions([procedure_list(user=self.owner(request)).get(pk=procedure.pk)])[
            0
        ]
        return Response(procedure_record(procedure, today=timezone.localdate()), status=201)
