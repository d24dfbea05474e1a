"""Certificate numbers are stored in one spelling (capitals, no surrounding spaces) and looked up
exactly in it: the verification page, badge, credential and PDF, the admin's search and the
import all find a number however it was typed, through the unique index."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.domain.labels import canonical_certificate_number
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label
from tests.factories import UserFactory
from tests.helpers import login
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db


def test_the_canonical_spelling_is_in_capitals_without_surrounding_spaces():
    assert canonical_certificate_number("  ecei-g-2024-00001\t") == "ECEI-G-2024-00001"
    assert canonical_certificate_number("BW-2015-0008") == "BW-2015-0008"


@pytest.mark.parametrize("number", ["ecei-g-2024-00001", " ECEI-G-2024-00001", "Ecei-G-2024-00001"])
def test_the_database_refuses_another_spelling(loaded_schemes, number):
    label = make_label()
    with pytest.raises(IntegrityError), transaction.atomic():
        Label.objects.filter(pk=label.pk).update(certificate_number=number)


@pytest.mark.parametrize(
    "view", ["labels:verify", "labels:badge", "labels:credential", "labels:certificate"]
)
def test_every_public_view_finds_the_number_typed_in_lower_case(client, loaded_schemes, view):
    label = make_label()
    typed = label.certificate_number.lower()
    response = client.get(reverse(view, args=[typed]))
    assert response.status_code == 200
    assert client.get(reverse(view, args=["ECEI-X-1999-99999"])).status_code == 404


def test_the_verification_page_shows_the_stored_spelling(client, loaded_schemes):
    label = make_label()
    response = client.get(reverse("labels:verify", args=[label.certificate_number.lower()]))
    assert response.context["label"].pk == label.pk
    assert label.certificate_number in response.content.decode()


def test_the_admin_finds_a_number_however_it_is_typed(client, loaded_schemes):
    label, other = make_label(), make_label()
    login(client, UserFactory(role=Role.ADMINISTRATOR), language="en")
    response = client.get(
        reverse("admin:labels_label_changelist"), {"q": f" {label.certificate_number.lower()} "}
    )
    assert [row.pk for row in response.context["cl"].result_list] == [label.pk]
    assert other.certificate_number not in response.content.decode()


def test_the_import_stores_a_number_in_its_canonical_spelling(loaded_schemes):
    text = (
        "Name;Land;Label;Gültig ab;Gültig bis;Zertifikatsnummer\n"
        "Optence e. V.;DE;ECEI Gold;01.10.2021;30.09.2023; ecei-g-2021-00777 \n"
    )
    result = labels_import(data=text.encode(), actor=None, file_name="l.csv")
    assert result.errors == [] and result.written
    assert list(Label.objects.values_list("certificate_number", flat=True)) == ["ECEI-G-2021-00777"]
