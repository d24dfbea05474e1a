"""A holder's public label history costs the same number of queries however many labels the
organisation held. (The registry, its export and the statistics are pinned in their own test
modules, the label management page in test_manage.py.)"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory
from tests.helpers import get_in_queries
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db


def test_the_holder_page_does_not_grow_with_the_labels(
    client, loaded_schemes, django_assert_num_queries, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # the page itself, not the page cache
    organisation = OrganisationFactory()
    url = reverse("labels:holder", args=[organisation.pk])
    for scheme_id in ("ecei-bronze", "ecei-gold"):
        make_label(scheme_id=scheme_id, organisation=organisation)
    # the data generation, the organisation, its labels
    page = get_in_queries(client, url, 3, django_assert_num_queries)
    assert len(page.context["labels"]) == 2
    for scheme_id in ("ecei-silver", "bw-cluster-excellence") * 4:
        make_label(scheme_id=scheme_id, organisation=organisation)
    page = get_in_queries(client, url, 3, django_assert_num_queries)
    assert len(page.context["labels"]) == 10
