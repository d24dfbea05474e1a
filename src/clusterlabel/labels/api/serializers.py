"""What the public API answers, field by field: the serializers document the OpenAPI schema
and shape the responses from the registry's open-data records (``EXPORT_COLUMNS``), so the
API, the CSV and the JSON export describe a label with the same fields and values."""

from __future__ import annotations

from rest_framework import serializers

from clusterlabel.domain.labels import LabelStatus
from clusterlabel.organisations.choices import Sector


class LabelSerializer(serializers.Serializer):
    """One label as the registry publishes it (the open-data columns), with where to verify it
    and where its signed credential is."""

    certificate_number = serializers.CharField()
    organisation_id = serializers.IntegerField()
    organisation = serializers.CharField(help_text="The holder's legal name.")
    cluster_name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2.")
    region = serializers.CharField(allow_blank=True, help_text="ISO 3166-2, or empty.")
    city = serializers.CharField(allow_blank=True)
    sector = serializers.ChoiceField(choices=Sector.choices)
    family = serializers.CharField()
    scheme = serializers.CharField()
    scheme_version = serializers.CharField(allow_null=True)
    level = serializers.CharField()
    label_en = serializers.CharField()
    label_de = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    awarded_on = serializers.DateField()
    first_awarded_on = serializers.DateField()
    renews = serializers.CharField(
        allow_null=True, help_text="The certificate number of the label this one renewed."
    )
    # "source" is also an attribute of every DRF field; the metaclass takes declared fields
    # out of the class, so the open-data column keeps its name.
    source = serializers.CharField()  # type: ignore[assignment]
    state = serializers.CharField(help_text="The recorded state.")
    state_changed_on = serializers.DateField(allow_null=True)
    status_today = serializers.ChoiceField(choices=[status.value for status in LabelStatus])
    verify_url = serializers.URLField()
    holder_url = serializers.URLField()
    credential_url = serializers.URLField(help_text="The signed Open Badges 3.0 credential.")
    recognised_with = serializers.CharField(allow_null=True)
    website = serializers.CharField(allow_blank=True)


class LabelPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0)
    page = serializers.IntegerField(min_value=1)
    pages = serializers.IntegerField(min_value=1)
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = LabelSerializer(many=True)


class OrganisationSerializer(serializers.Serializer):
    """A holder's public profile (a confirmed organisation that holds or held a label) and
    every label it holds or held, newest first."""

    id = serializers.IntegerField()
    legal_name = serializers.CharField()
    cluster_name = serializers.CharField()
    country = serializers.CharField()
    region = serializers.CharField(allow_blank=True)
    city = serializers.CharField(allow_blank=True)
    sector = serializers.ChoiceField(choices=Sector.choices)
    website = serializers.CharField(allow_blank=True)
    holder_url = serializers.URLField()
    labels = LabelSerializer(many=True)


class CountSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    organisations = serializers.IntegerField(min_value=0)
    labels = serializers.IntegerField(min_value=0)
    by_family = serializers.DictField(child=serializers.IntegerField(min_value=0))


class TodaySerializer(serializers.Serializer):
    day = serializers.DateField()
    families = serializers.ListField(child=serializers.CharField())
    organisations = serializers.IntegerField(min_value=0)
    labels = serializers.IntegerField(min_value=0)
    by_label = CountSerializer(many=True)
    by_region = CountSerializer(many=True)
    by_sector = CountSerializer(many=True)


class OverTimeSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=["year", "quarter"])
    days = serializers.ListField(child=serializers.DateField())
    series = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField(min_value=0)),
        help_text="Label family: valid labels on each of the days.",
    )


class StatisticsSerializer(serializers.Serializer):
    """Valid labels today (by label, by region, by sector) and over time (per label family at
    the end of each year or quarter, and today)."""

    today = TodaySerializer()
    over_time = OverTimeSerializer(allow_null=True)
