"""The verification page reads its label, the label's renewal, the label it was recognised with
and the labels recognised with it in one query (it had one each)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.urls import reverse

from clusterlabel.labels.selectors import label_for_verification
from tests.factories import OrganisationFactory
from tests.helpers import hrefs

from .label_factories import make_label


@pytest.fixture
def family(loaded_schemes):
    """A Gold label recognised with a state label, renewed by a later Gold; a Silver recognised
    with the later Gold; an unrelated label of another organisation."""
    organisation = OrganisationFactory()
    state = make_label(scheme_id="bw-cluster-excellence", organisation=organisation)
    gold = make_label(organisation=organisation, recognised_with=state)
    renewal = make_label(
        organisation=organisation,
        previous=gold,
        valid_from=gold.valid_until + timedelta(days=1),
    )
    recognised = make_label(
        scheme_id="ecei-bronze", organisation=organisation, recognised_with=gold
    )
    other = make_label(scheme_id="ecei-bronze", recognised_with=make_label())
    return {
        "state": state,
        "gold": gold,
        "renewal": renewal,
        "recognised": recognised,
        "other": other,
    }


def test_one_query_reads_the_label_its_renewal_and_recognitions(family, django_assert_num_queries):
    gold = family["gold"]
    with django_assert_num_queries(1):
        label, recognitions = label_for_verification(gold.certificate_number.lower() + " ")
        assert label == gold
        assert label.renewal == family["renewal"]
        assert label.recognised_with.certificate_number == family["state"].certificate_number
        assert recognitions == [family["recognised"]]
        assert label.organisation.legal_name and recognitions[0].scheme_version.scheme_id


def test_a_label_without_renewal_or_recognitions_has_none(family, django_assert_num_queries):
    with django_assert_num_queries(1):
        label, recognitions = label_for_verification(family["renewal"].certificate_number)
        assert getattr(label, "renewal", None) is None
        assert recognitions == []


def test_an_unknown_number_is_not_found(family):
    with pytest.raises(Http404):
        label_for_verification("NO-SUCH-NUMBER")


def test_the_page_links_the_renewal_and_the_recognitions(client, family):
    page = client.get(reverse("labels:verify", args=[family["gold"].certificate_number]))
    links = hrefs(page)
    for name in ("renewal", "recognised", "state"):
        assert reverse("labels:verify", args=[family[name].certificate_number]) in links
    assert reverse("labels:verify", args=[family["other"].certificate_number]) not in links


def test_the_recognitions_come_in_the_labels_order_latest_end_first(
    loaded_schemes, django_assert_num_queries
):
    """The query is unordered (its compilation cost as much as its run); the recognitions are
    put in the labels' order: the latest end first, then by number."""
    state = make_label(scheme_id="bw-cluster-excellence")
    first = make_label(scheme_id="ecei-bronze", recognised_with=state)
    second = make_label(
        scheme_id="ecei-gold",
        organisation=state.organisation,
        recognised_with=state,
        valid_until=first.valid_until + timedelta(days=30),
    )
    third = make_label(
        scheme_id="ecei-silver",
        organisation=state.organisation,
        recognised_with=state,
        valid_until=first.valid_until,
    )
    # the latest end first; the two ending on the same day by number
    expected = [second, *sorted([first, third], key=lambda label: label.certificate_number)]
    with django_assert_num_queries(1):
        _label, recognitions = label_for_verification(state.certificate_number)
    assert recognitions == expected
