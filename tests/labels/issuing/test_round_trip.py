"""A register moves to an empty installation with nothing lost: the registry's full export
(CSV and JSON, ``?full=1``) imported with ``import-labels`` gives back every exported field of
every label and organisation; inconsistent rows are refused with line, column and what would
be accepted."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.labels.issuing.importing import labels_import
from clusterlabel.labels.models import Label, LabelSource, LabelState
from clusterlabel.labels.registry.queries import EXPORT_COLUMNS, FULL_EXPORT_COLUMNS
from clusterlabel.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import login
from tests.labels.issuing.test_reminders import make_label

# The exporting installation's numbering: the organisations are new rows after the move.
SOURCE_IDS = ("organisation_id", "holder_url")


def _changed(label: Label, state: str, reason: str, day: date) -> None:
    label.state = state
    label.state_reason = reason
    label.state_changed_at = timezone.make_aware(datetime.combine(day, time(11, 30)))
    label.save(update_fields=["state", "state_reason", "state_changed_at"])


def _renew(previous: Label, valid_until: date) -> Label:
    label = make_label(
        previous.organisation,
        scheme_id=previous.scheme_id,
        level_id=previous.level_id,
        valid_from=previous.valid_until + timedelta(days=1),
        valid_until=valid_until,
        previous=previous,
    )
    _changed(previous, LabelState.SUPERSEDED, label.certificate_number, label.valid_from)
    return label


@pytest.fixture
def register(loaded_schemes):
    """A register as an operator holds it: several countries and regions, valid, expired,
    revoked with its reason, suspended, a renewal chain, a state label with its ECEI Gold."""
    mannheim = OrganisationFactory(
        legal_name="MTC Mannheim e. V.",
        cluster_name="Medizintechnologie-Cluster Mannheim",
        region="DE-BW",
        city="Mannheim",
        sector="health_medical",
        website="https://www.mtc.example.org",
    )
    biocon = OrganisationFactory(
        legal_name="BioCon Valley GmbH",
        cluster_name="BioCon Valley",
        region="DE-MV",
        city="Greifswald",
        sector="biotechnology",
        website="https://www.bioconvalley.example.org",
    )
    optence = OrganisationFactory(
        legal_name="Optence e.V.", cluster_name="Optence", region="DE-HE", city="Wetzlar"
    )
    toulouse = OrganisationFactory(
        legal_name="Aerospace Valley",
        cluster_name="Pôle Aerospace Valley",
        country="FR",
        region="FR-OCC",
        city="Toulouse",
        sector="aerospace",
    )
    barcelona = OrganisationFactory(
        legal_name="Clúster de la Indústria d'Automoció de Catalunya",
        cluster_name="CIAC",
        country="ES",
        region="ES-CT",
        city="Barcelona",
        sector="automotive_mobility",
        website="",
    )
    state_label = make_label(
        mannheim, scheme_id="bw-cluster-excellence", valid_from=date(2025, 3, 1),
        valid_until=date(2027, 2, 28),
    )  # fmt: skip
    gold = make_label(
        mannheim, scheme_id="ecei-gold", valid_from=date(2025, 3, 1),
        valid_until=date(2027, 2, 28),
    )  # fmt: skip
    gold.recognised_with = state_label
    gold.source = LabelSource.RECOGNISED
    gold.awarded_on = date(2025, 3, 14)
    gold.save(update_fields=["recognised_with", "source", "awarded_on"])
    silver = make_label(
        biocon, scheme_id="ecei-silver", valid_from=date(2017, 6, 1), valid_until=date(2019, 5, 31)
    )
    silver = _renew(silver, date(2022, 5, 31))
    _renew(silver, date(2026, 5, 31))
    make_label(
        optence, scheme_id="ecei-bronze", valid_from=date(2018, 10, 1),
        valid_until=date(2020, 9, 30),
    )  # fmt: skip
    revoked = make_label(
        toulouse, scheme_id="ecei-gold", valid_from=date(2024, 1, 15),
        valid_until=date(2026, 1, 14),
    )  # fmt: skip
    _changed(
        revoked, LabelState.REVOKED, "Eligibility lost: fewer than 15 members.", date(2024, 11, 5)
    )
    suspended = make_label(
        barcelona, scheme_id="ecei-bronze", valid_from=date(2024, 6, 1),
        valid_until=date(2026, 5, 31),
    )  # fmt: skip
    _changed(
        suspended, LabelState.SUSPENDED, "Fee not paid; says the secretariat.", date(2025, 2, 1)
    )
    imported = make_label(
        optence, scheme_id="ecei-gold", valid_from=date(2023, 2, 1), valid_until=date(2025, 1, 31)
    )
    imported.source = LabelSource.IMPORTED
    imported.first_awarded_on = date(2019, 2, 1)
    imported.save(update_fields=["source", "first_awarded_on"])
    return Label.objects.count()


@pytest.fixture
def operator(client, db):
    return login(client, UserFactory(role=Role.SECRETARIAT), language="en")


def _export(client, fmt: str) -> tuple[bytes, dict[str, dict[str, str]]]:
    """The full export as bytes and as a dict of exported fields per certificate number (the
    exporting installation's ids replaced by the certificate numbers of the organisation's
    labels, so two installations compare)."""
    response = client.get(reverse("labels:registry_export", args=[fmt]), {"full": "1"})
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
        assert list(rows[0]) == list(FULL_EXPORT_COLUMNS)
    else:
        rows = [
            {k: "" if v is None else str(v) for k, v in row.items()}
            for row in json.loads(data)["labels"]
        ]
    holders: dict[str, list[str]] = {}
    for row in rows:
        holders.setdefault(row["organisation_id"], []).append(row["certificate_number"])
    snapshot = {}
    for row in rows:
        fields = {k: v for k, v in row.items() if k not in SOURCE_IDS}
        fields["holder"] = ",".join(sorted(holders[row["organisation_id"]]))
        snapshot[row["certificate_number"]] = fields
    return data, snapshot


def _wipe() -> None:
    Label.objects.update(previous=None, recognised_with=None)
    Label.objects.all().delete()
    Organisation.objects.all().delete()


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_full_export_imports_back_into_an_empty_installation_with_nothing_lost(
    operator, register, fmt
):
    data, before = _export(operator, fmt)
    assert len(before) == register
    _wipe()
    result = labels_import(data=data, actor=None, file_name=f"export.{fmt}")
    assert (result.errors, result.written) == ([], True)
    assert result.recognised == []  # the file says which label is recognised with which
    assert not [w for w in result.warnings if "ignored" in w.message]
    _data, after = _export(operator, fmt)
    assert after == before
    # What the dict compares, spelled out for the cases the register exists for.
    revoked = next(row for row in after.values() if row["state"] == LabelState.REVOKED)
    assert revoked["state_reason"] == "Eligibility lost: fewer than 15 members."
    assert revoked["state_changed_on"] == "2024-11-05"
    gold = next(row for row in after.values() if row["recognised_with"])
    assert after[gold["recognised_with"]]["scheme"] == "bw-cluster-excellence"
    chain = [row for row in after.values() if row["scheme"] == "ecei-silver"]
    assert sorted(bool(row["renews"]) for row in chain) == [False, True, True]
    assert {row["first_awarded_on"] for row in chain} == {"2017-06-01"}
    mannheim = Organisation.objects.get(cluster_name="Medizintechnologie-Cluster Mannheim")
    assert (mannheim.region, mannheim.city, mannheim.website) == (
        "DE-BW",
        "Mannheim",
        "https://www.mtc.example.org",
    )


def test_importing_the_export_again_changes_nothing(operator, register):
    data, before = _export(operator, "csv")
    result = labels_import(data=data, actor=None, file_name="export.csv")
    assert result.errors == []
    assert (len(result.created), len(result.unchanged)) == (0, register)
    assert _export(operator, "csv")[1] == before


def test_the_open_data_export_keeps_the_reasons_private(client, register):
    response = client.get(reverse("labels:registry_export", args=["csv"]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert "state_reason" not in rows[0]
    assert not any("Eligibility lost" in value for row in rows for value in row.values())
    assert {row["state"] for row in rows} >= {"revoked", "suspended", "superseded"}
    full = client.get(reverse("labels:registry_export", args=["json"]), {"full": "1"})
    assert full.status_code == 403


def test_the_full_export_holds_only_the_labels_the_person_manages(client, register):
    manager = UserFactory(role=Role.CLUSTER_MANAGER)
    login(client, manager)
    response = client.get(reverse("labels:registry_export", args=["json"]), {"full": "1"})
    assert json.loads(b"".join(response.streaming_content))["labels"] == []


HEADER = (
    "certificate_number,organisation,country,region,scheme,level,valid_from,valid_until,"
    "state,state_reason,renews\n"
)


def _run(rows: str):
    return labels_import(data=(HEADER + rows).encode(), actor=None, file_name="l.csv")


def test_a_revoked_label_without_its_reason_is_refused(loaded_schemes, english):
    result = _run(
        "ECEI-GOLD-2024-0001,Optence,DE,DE-HE,ecei-gold,gold,2024-01-01,2025-12-31,revoked,,\n"
    )
    [problem] = result.errors
    assert (problem.line, problem.column) == (2, "state")
    assert "needs its reason" in problem.message and "state_reason" in problem.message
    assert not result.written


def test_an_unknown_state_names_the_accepted_ones(loaded_schemes, english):
    result = _run("X-1,Optence,DE,DE-HE,ecei-gold,gold,2024-01-01,2025-12-31,withdrawn,why,\n")
    [problem] = result.errors
    assert problem.column == "state"
    assert "active, suspended, revoked, superseded" in problem.message


def test_a_renewal_of_a_number_neither_stored_nor_in_the_file_is_refused(loaded_schemes, english):
    result = _run(
        "X-1,Optence,DE,DE-HE,ecei-gold,gold,2024-01-01,2025-12-31,active,,ECEI-GOLD-2019-0042\n"
    )
    [problem] = result.errors
    assert (problem.line, problem.column) == (2, "renews")
    assert "ECEI-GOLD-2019-0042 is no certificate number stored or in the file" in problem.message


def test_a_renewal_of_a_later_label_is_refused(loaded_schemes, english):
    result = _run(
        "X-1,Optence,DE,DE-HE,ecei-gold,gold,2024-01-01,2025-12-31,active,,X-2\n"
        "X-2,Optence,DE,DE-HE,ecei-gold,gold,2026-01-01,2027-12-31,active,,\n"
    )
    [problem] = result.errors
    assert (problem.line, problem.column) == (2, "renews")
    assert "does not end before this label" in problem.message


def test_an_explicit_renewal_links_rows_in_any_order(loaded_schemes):
    result = _run(
        "X-2,Optence,DE,DE-HE,ecei-gold,gold,2026-01-01,2027-12-31,active,,X-1\n"
        "X-1,Optence,DE,DE-HE,ecei-gold,gold,2024-01-01,2025-12-31,superseded,X-2,\n"
    )
    assert result.errors == []
    renewal = Label.objects.get(certificate_number="X-2")
    assert renewal.previous.certificate_number == "X-1"
    assert renewal.first_awarded_on == date(2024, 1, 1)
