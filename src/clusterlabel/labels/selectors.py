"""Reads of labels, with the joins their pages need."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Subquery
from django.http import Http404

from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain.labels import canonical_certificate_number
from clusterlabel.labels.models import Label


def labels_with_relations() -> QuerySet[Label]:
    return Label.objects.select_related("organisation", "scheme_version", "previous")


def label_recognitions(label: Label) -> list[Label]:
    """The labels recognised with ``label`` (a BW award's ECEI Gold), with their scheme
    version, in certificate-number order: one query."""
    return list(label.recognitions.select_related("scheme_version").order_by("certificate_number"))


def label_by_number(number: str) -> Label:
    """The label with this certificate number (case and surrounding spaces forgiven), or 404.
    Numbers are stored canonical, so this is an exact match on the unique index."""
    canonical = canonical_certificate_number(number)
    try:
        # ``get`` leaves out the labels' default order, which a unique match does not need and
        # which cost as much to compile as the query takes to run.
        return labels_with_relations().get(certificate_number=canonical)
    except Label.DoesNotExist:
        raise Http404 from None


def label_for_verification(number: str) -> tuple[Label, list[Label]]:
    """The label with this certificate number (as ``label_by_number``) with its renewal and the
    label it was recognised with joined, and the labels recognised with it, or 404: one query
    (the number's unique index or the recognitions' foreign-key index), where the verification
    page had one each for the label, its renewal and its recognitions."""
    canonical = canonical_certificate_number(number)
    # A scalar subquery, run once before the scan (IN would make it a join that PostgreSQL
    # answers by reading every label): two index reads, OR-ed.
    numbered = Subquery(Label.objects.filter(certificate_number=canonical).values("pk")[:1])
    # Unordered (at most a handful of rows): the labels' default order made compiling the
    # query about as costly as running it; the recognitions are put in that order here.
    rows = list(
        labels_with_relations()
        .select_related("renewal", "recognised_with")
        .filter(Q(certificate_number=canonical) | Q(recognised_with_id=numbered))
        .order_by()
    )
    label = next((row for row in rows if row.certificate_number == canonical), None)
    if label is None:
        raise Http404
    # ``Label.Meta.ordering``: the latest end first, then by number.
    recognitions = sorted(
        (row for row in rows if row is not label),
        key=lambda row: (-row.valid_until.toordinal(), row.certificate_number),
    )
    return label, recognitions


def label_number_exists(number: str) -> bool:
    """Whether a label has this certificate number (case and surrounding spaces forgiven); one
    exact match on the unique index."""
    return Label.objects.filter(certificate_number=canonical_certificate_number(number)).exists()


def labels_of_organisation(*, organisation_id: int) -> QuerySet[Label]:
    """The organisation's whole label history, newest first."""
    return (
        labels_with_relations()
        .filter(organisation_id=organisation_id)
        .order_by("family", "-valid_until")
    )


def label_history(label: Label) -> QuerySet[AuditEvent]:
    """The audit events recorded for ``label``, oldest first, with their actors (one query; the
    page names each actor by their full name)."""
    return (
        AuditEvent.objects.filter(target_type="labels.label", target_id=str(label.pk))
        .select_related("actor")
        .order_by("sequence")
    )
