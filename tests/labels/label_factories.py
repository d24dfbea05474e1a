"""Labels made directly in the database (much faster than walking a procedure to an award).

Numbers and status-list positions come from the real counters, as ``labels.services`` takes
them. Use with the ``loaded_schemes`` fixture, which loads the shipped schemes.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from clusterlabel.labels.models import Label, LabelSource
from clusterlabel.labels.services import certificate_number, status_list_index
from clusterlabel.schemes.models import SchemeVersion
from tests.factories import OrganisationFactory


def make_label(
    *,
    scheme_id: str = "ecei-gold",
    organisation=None,
    valid_from: date | None = None,
    valid_until: date | None = None,
    state: str = "active",
    **fields,
) -> Label:
    """An issued label of ``scheme_id``'s only level, valid for two years from a year ago
    unless the dates are given."""
    version = SchemeVersion.objects.get(scheme_id=scheme_id, is_current=True)
    scheme = version.scheme
    level_id = scheme.levels[0].id
    today = timezone.localdate()
    valid_from = valid_from or today - timedelta(days=365)
    valid_until = valid_until or valid_from + timedelta(days=2 * 365)
    organisation = organisation or OrganisationFactory()
    source = fields.pop("source", LabelSource.AWARDED)
    # As ``labels.services`` records it: an award's catalogue is its version's, an imported
    # label's is unknown unless given.
    fields.setdefault(
        "catalogue_version", "" if source == LabelSource.IMPORTED else version.version
    )
    with transaction.atomic():
        return Label.objects.create(
            organisation=organisation,
            scheme_version=version,
            scheme_id=scheme.id,
            family=scheme.family,
            level_id=level_id,
            certificate_number=certificate_number(
                family=scheme.family, level_id=level_id, year=valid_from.year
            ),
            valid_from=valid_from,
            valid_until=valid_until,
            awarded_on=fields.pop("awarded_on", valid_from),
            first_awarded_on=fields.pop("first_awarded_on", valid_from),
            state=state,
            source=source,
            status_list_index=status_list_index(),
            **fields,
        )
