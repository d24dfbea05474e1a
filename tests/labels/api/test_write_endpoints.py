"""The API's two writes, with a personal token: importing a list of label holders (the back
office's checks and report; only a check unless told otherwise; all or nothing) and opening an
application (the application page's checks). Each tries the forbidden thing first."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from clusterlabel.accounts.api_tokens import api_token_create
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.labels.models import Label
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.models import Procedure
from tests.factories import OrganisationFactory, UserFactory, grant_role

pytestmark = pytest.mark.django_db

ECEI = """\
Name;Land;Label;Gültig ab;Gültig bis
Optence;DE;ECEI Gold;01.10.2019;30.09.2021
Optence;DE;ECEI Gold;01.10.2021;30.09.2023
Photonik Nord;DE;ECEI Gold;01.10.2022;30.09.2024
"""
BAD = """\
Name;Land;Label;Gültig bis
Optence;DE;ECEI Gold;31.02.2021
Photonik Nord;Atlantis;ECEI Gold;30.09.2024
"""


def bearer(user) -> dict[str, str]:
    key = api_token_create(user=user, name="test", lifetime_days=30).key
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def optence(loaded_schemes):
    return OrganisationFactory(
        legal_name="Optence e.V.", cluster_name="Optence", country="DE", sector="other"
    )


def upload(client: Client, headers: dict[str, str], text: str, **fields: str):
    file = SimpleUploadedFile("list.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(
        reverse("api:label_imports"),
        {"file": file, **fields},
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )


# --- label import -------------------------------------------------------------------------


def test_an_import_only_checks_unless_told_to_write(client: Client, optence) -> None:
    headers = bearer(grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="ecei-gold"))
    checked = upload(client, headers, ECEI)
    assert checked.status_code == 200
    report = checked.json()
    assert report["dry_run"] is True and report["written"] is False
    assert [row["line"] for row in report["created"]] == [2, 3, 4]
    assert report["created"][1]["renews_line"] == 2
    assert not Label.objects.exists()
    written = upload(client, headers, ECEI, dry_run="false")
    assert written.status_code == 200 and written.json()["written"] is True
    assert Label.objects.filter(organisation=optence).count() == 2
    assert Organisation.objects.filter(cluster_name="Photonik Nord").exists()
    assert AuditEvent.objects.filter(action__startswith="label").exists()


def test_a_file_with_bad_rows_names_every_one_and_writes_nothing(client: Client, optence) -> None:
    headers = bearer(grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="ecei-gold"))
    response = upload(client, headers, BAD, dry_run="false")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert sorted({error["line"] for error in errors}) == [2, 3]
    assert response.json()["written"] is False
    assert not Label.objects.exists()


def test_rows_of_a_scheme_the_grants_do_not_cover_are_refused(client: Client, optence) -> None:
    headers = bearer(grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="bw-cluster-excellence"))
    response = upload(client, headers, ECEI, dry_run="false")
    assert response.status_code == 422
    assert len(response.json()["errors"]) == 3
    assert not Label.objects.exists()


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.CLUSTER_MANAGER, Role.PROGRAMME])
def test_who_may_not_import_is_refused_before_the_file_is_read(
    client: Client, optence, role
) -> None:
    user = UserFactory()
    grant_role(user, role, organisation=optence)
    response = upload(client, bearer(user), ECEI, dry_run="false")
    assert response.status_code == 403
    assert not Label.objects.exists()


def test_without_a_token_nothing_is_imported(client: Client, optence) -> None:
    assert upload(client, {}, ECEI, dry_run="false").status_code == 401
    assert not Label.objects.exists()


def test_a_missing_or_oversized_file_is_a_400_naming_the_field(
    client: Client, optence, monkeypatch
) -> None:
    headers = bearer(grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="ecei-gold"))
    missing = client.post(reverse("api:label_imports"), {"dry_run": "true"}, **headers)
    assert missing.status_code == 400 and set(missing.json()) == {"file"}
    monkeypatch.setattr("clusterlabel.labels.forms.MAX_IMPORT_BYTES", 10)
    too_large = upload(client, headers, ECEI)
    assert too_large.status_code == 400
    assert "larger than" in too_large.json()["file"][0]


# --- applications -------------------------------------------------------------------------


def test_a_manager_opens_an_application_for_their_organisation(
    client: Client, loaded_schemes
) -> None:
    organisation = OrganisationFactory()
    manager = grant_role(UserFactory(), Role.CLUSTER_MANAGER, organisation=organisation)
    response = client.post(
        reverse("api:procedures"),
        {"organisation_id": organisation.pk, "scheme": "ecei-gold", "assessment_mode": "on_site"},
        content_type="application/json",
        **bearer(manager),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "draft" and body["scheme"] == "ecei-gold" and body["level"] == "gold"
    procedure = Procedure.objects.get(pk=body["id"])
    assert procedure.organisation == organisation and procedure.created_by == manager


def test_an_application_is_checked_like_on_the_page(client: Client, loaded_schemes) -> None:
    organisation = OrganisationFactory()
    headers = bearer(grant_role(UserFactory(), Role.CLUSTER_MANAGER, organisation=organisation))
    url = reverse("api:procedures")
    no_video = client.post(
        url,
        {"organisation_id": organisation.pk, "scheme": "ecei-gold", "assessment_mode": "video"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **headers,
    )
    assert no_video.status_code == 400 and "assessment_mode" in no_video.json()
    unknown = client.post(
        url,
        {"organisation_id": organisation.pk, "scheme": "platinum", "assessment_mode": "video"},
        content_type="application/json",
        **headers,
    )
    assert unknown.status_code == 400 and "scheme" in unknown.json()
    silver = client.post(
        url,
        {"organisation_id": organisation.pk, "scheme": "ecei-silver", "assessment_mode": "on_site"},
        content_type="application/json",
        **headers,
    )
    assert silver.status_code == 400  # no previous benchmarking, no improvement areas
    assert not Procedure.objects.exists()


def test_nobody_applies_for_an_organisation_that_is_not_theirs(
    client: Client, loaded_schemes
) -> None:
    theirs = OrganisationFactory()
    mine = OrganisationFactory()
    headers = bearer(grant_role(UserFactory(), Role.CLUSTER_MANAGER, organisation=mine))
    response = client.post(
        reverse("api:procedures"),
        {"organisation_id": theirs.pk, "scheme": "ecei-gold", "assessment_mode": "on_site"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 404  # its existence is not revealed
    programme_staff = grant_role(UserFactory(), Role.PROGRAMME)
    theirs.programmes.add(programme_staff.grants.get().programme)
    response = client.post(
        reverse("api:procedures"),
        {"organisation_id": theirs.pk, "scheme": "ecei-gold", "assessment_mode": "on_site"},
        content_type="application/json",
        **bearer(programme_staff),
    )
    assert response.status_code == 403  # the programme sees it, but does not apply for it
    assert not Procedure.objects.exists()
