"""Reads of labels, with the joins their pages need."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from clusterlabel.labels.models import Label


def labels_with_relations() -> QuerySet[Label]:
    return Label.objects.select_related("organisation", "scheme_version", "previous")


def label_by_number(number: str) -> Label:
    """The label with this certificate number (case and surrounding spaces forgiven), or 404."""
    label = labels_with_relations().filter(certificate_number__iexact=number.strip()).first()
    if label is None:
        raise Http404
    return label


def labels_of_organisation(*, organisation_id: int) -> QuerySet[Label]:
    """The organisation's whole label history, newest first."""
    return (
        labels_with_relations()
        .filter(organisation_id=organisation_id)
        .order_by("family", "-valid_until")
    )
