"""``/api/v1/programmes/``: the programmes a token's owner follows, and one programme's members
with their labels, procedures under way and standing against the programme's rule, as the
programme page shows them (the same selector)."""

from __future__ import annotations

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from clusterlabel.accounts.api_tokens import TOKEN_THROTTLED, UNAUTHORISED, TokenAPIView
from clusterlabel.core.api_views import ProblemSerializer
from clusterlabel.domain.programmes import Alternative
from clusterlabel.organisations.models import Programme
from clusterlabel.programmes.selectors import (
    Member,
    programme_get,
    programme_members,
    programmes_visible,
)


class ProgrammeSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    owner = serializers.CharField(allow_blank=True)
    rule = serializers.DictField(
        help_text='What members must hold: {"any_of": [{"label": SCHEME}, {"procedure": SCHEME}]}.'
    )


class MemberLabelSerializer(serializers.Serializer):
    certificate_number = serializers.CharField()
    scheme = serializers.CharField()
    level = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    state = serializers.CharField(help_text="active or suspended.")


class MemberProcedureSerializer(serializers.Serializer):
    reference = serializers.CharField()
    scheme = serializers.CharField()
    level = serializers.CharField()
    state = serializers.CharField()


class MetBySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["label", "procedure"])
    scheme = serializers.CharField()
    level = serializers.CharField(allow_null=True)


class MemberSerializer(serializers.Serializer):
    organisation_id = serializers.IntegerField()
    cluster_name = serializers.CharField()
    legal_name = serializers.CharField()
    country = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    labels = MemberLabelSerializer(many=True)
    procedures_under_way = MemberProcedureSerializer(many=True)
    next_label_end = serializers.DateField(allow_null=True)
    rule_met = serializers.BooleanField(allow_null=True, help_text="null: no rule.")
    met_by = MetBySerializer(allow_null=True)


class ProgrammeMembersSerializer(serializers.Serializer):
    programme = ProgrammeSerializer()
    day = serializers.DateField(help_text="The day the standing was judged on (today).")
    members = MemberSerializer(many=True)


def programme_record(programme: Programme) -> dict[str, object]:
    return {
        "key": programme.slug,
        "name": programme.name,
        "owner": programme.owner,
        "rule": programme.rule,
    }


def _met_by(alternative: Alternative | None) -> dict[str, object] | None:
    if alternative is None:
        return None
    return {
        "kind": alternative.kind,
        "scheme": alternative.scheme_id,
        "level": alternative.level_id,
    }


def member_record(member: Member) -> dict[str, object]:
    organisation = member.organisation
    return {
        "organisation_id": organisation.pk,
        "cluster_name": organisation.cluster_name,
        "legal_name": organisation.legal_name,
        "country": organisation.country,
        "region": organisation.region,
        "labels": [
            {
                "certificate_number": ml.label.certificate_number,
                "scheme": ml.label.scheme_id,
                "level": ml.label.level_id,
                "valid_from": ml.label.valid_from,
                "valid_until": ml.label.valid_until,
                "state": ml.label.state,
            }
            for ml in member.labels
        ],
        "procedures_under_way": [
            {
                "reference": mp.procedure.reference,
                "scheme": mp.scheme_version.scheme_id,
                "level": mp.procedure.level_id,
                "state": mp.procedure.state,
            }
            for mp in member.procedures
        ],
        "next_label_end": member.next_expiry,
        "rule_met": member.standing.holds,
        "met_by": _met_by(member.standing.met_by),
    }


class ProgrammeListView(TokenAPIView):
    """The programmes the token's owner follows."""

    @extend_schema(
        operation_id="programmes_list",
        responses={200: ProgrammeSerializer(many=True), 401: UNAUTHORISED, 429: TOKEN_THROTTLED},
    )
    def get(self, request: Request) -> Response:
        return Response([programme_record(p) for p in programmes_visible(user=self.owner(request))])


class ProgrammeMembersView(TokenAPIView):
    """One programme's members today; a programme the owner does not follow is a 404."""

    @extend_schema(
        operation_id="programmes_members",
        responses={
            200: ProgrammeMembersSerializer,
            401: UNAUTHORISED,
            404: ProblemSerializer,
            429: TOKEN_THROTTLED,
        },
    )
    def get(self, request: Request, key: str) -> Response:
        try:
            programme = programme_get(slug=key, viewer=self.owner(request))
        except Http404:
            raise NotFound from None
        today = timezone.localdate()
        members = programme_members(programme=programme, day=today)
        return Response(
            {
                "programme": programme_record(programme),
                "day": today,
                "members": [member_record(m) for m in members],
            }
        )
