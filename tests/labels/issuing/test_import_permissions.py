"""Who may import label holders through the admin: the secretariat of a scheme and
administrators, each only labels of the schemes their grants cover."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.access.services import user_flags_sync
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.labels.models import Label
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.models import Operator
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.helpers import login

URL = "admin:labels_label_import"
# Line 2 and 3: a chain (the second renews the first); line 4: a new organisation; the
# column "Bemerkung" is unknown (a warning).
ECEI = """\
Name;Land;Label;Gültig ab;Gültig bis;Bemerkung
Optence;DE;ECEI Gold;01.10.2019;30.09.2021;erste Runde
Optence;DE;ECEI Gold;01.10.2021;30.09.2023;
Photonik Nord;DE;ECEI Gold;01.10.2022;30.09.2024;
"""
STATE_LABEL = "Name;Land;Label;Gültig bis\nOptence;DE;Cluster-Exzellenz BW;30.09.2026\n"


@pytest.fixture
def optence(loaded_schemes):
    return OrganisationFactory(
        legal_name="Optence e.V.", cluster_name="Optence", country="DE", sector="other"
    )


def post(client, user: User, text: str, **fields: str):
    login(client, user, language="en")
    upload = SimpleUploadedFile("list.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(reverse(URL), {"file": upload, **fields})


def secretariat_of(scheme_id: str) -> User:
    return grant_role(UserFactory(), Role.SECRETARIAT, scheme_id=scheme_id)


def operator_administrator(name_starts: str) -> User:
    user = UserFactory()
    operator = Operator.objects.get(name__startswith=name_starts)
    Grant.objects.create(user=user, role=Role.ADMINISTRATOR, operator=operator)
    return user_flags_sync(user)


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.CLUSTER_MANAGER])
def test_assessors_and_cluster_managers_may_not_import(client, optence, role):
    user = UserFactory(role=role, role__organisation=optence)
    response = post(client, user, ECEI)
    assert response.status_code == 302  # not back-office staff: the admin's login
    assert response["Location"].startswith(reverse("admin:login"))
    User.objects.filter(pk=user.pk).update(is_staff=True)  # even as staff: no grant to import
    assert post(client, user, ECEI).status_code == 403
    assert not Label.objects.exists()
    assert Organisation.objects.count() == 1


def test_another_schemes_secretariat_has_every_row_of_that_scheme_refused(client, optence):
    html = post(client, secretariat_of("bw-cluster-excellence"), ECEI).content.decode()
    assert "Nothing was imported" in html
    assert html.count('class="import-error"') == 3
    assert '<tr class="import-error"><td>2</td><td class="import-column">Label</td>' in html
    assert "is a label of a scheme your grants do not cover" in html
    assert not Label.objects.exists()
    assert Organisation.objects.count() == 1


def test_the_change_list_offers_the_import_to_the_secretariat_only(client, optence):
    url = reverse(URL)
    login(client, secretariat_of("ecei-gold"))
    assert url in client.get(reverse("admin:labels_label_changelist")).content.decode()
    operator_admin = operator_administrator("European Secretariat")
    login(client, operator_admin)
    assert url in client.get(reverse("admin:labels_label_changelist")).content.decode()


@pytest.mark.parametrize(
    "make",
    [lambda: secretariat_of("ecei-gold"), lambda: operator_administrator("European Secretariat")],
    ids=["scheme secretariat", "operator administrator"],
)
def test_the_schemes_secretariat_imports_and_sees_the_commands_report(client, optence, make):
    user = make()
    html = post(client, user, ECEI, dry_run="on").content.decode()
    assert "Check passed: nothing written yet" in html
    assert "3 rows read from list.csv" in html
    assert '<td id="count-created">3</td>' in html
    assert '<td id="count-renewals">1</td>' in html
    assert '<td id="count-matched">1</td>' in html
    assert '<td id="count-new">1</td>' in html
    assert '<td class="import-renews">line 2</td>' in html
    assert 'class="import-warning">Line 1: Column “Bemerkung” ignored.' in html
    assert not Label.objects.exists()

    html = post(client, user, ECEI).content.decode()
    assert '<h2 id="import-result">Imported</h2>' in html
    assert '<td id="count-created">3</td>' in html
    assert Label.objects.count() == 3
    assert AuditEvent.objects.filter(action="label.import", actor=user).count() == 3
    # Their grants do not reach the state label's scheme: refused naming line and column.
    html = post(client, user, STATE_LABEL).content.decode()
    assert '<tr class="import-error"><td>2</td><td class="import-column">Label</td>' in html
    assert Label.objects.count() == 3
