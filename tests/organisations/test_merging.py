"""Merging two organisations: every related row moves onto the one kept, clashes resolved,
one audit event; refused for the same organisation twice and for people without the right."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from clusterlabel.access.models import Grant
from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.benchmarks.models import ReferenceAssessment
from clusterlabel.labels.models import Label
from clusterlabel.organisations import merging
from clusterlabel.organisations.merging import organisation_merge
from clusterlabel.organisations.models import FundingSource, Organisation, OrganisationClaim
from clusterlabel.procedures.models import Procedure
from tests.benchmarks.pool_factories import first_number_indicator, own_entry, record
from tests.factories import OrganisationFactory, ProgrammeFactory, UserFactory, grant_role
from tests.helpers import login
from tests.labels.issuing.test_reminders import make_label
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(loaded_schemes):
    """One cluster twice: ``merge`` went through a Bronze procedure (procedure, label, pool
    entry, a manager); ``keep`` came from a register with its own labels and pool entry."""
    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    procedure = builder.advance_to("awarded")
    merge = builder.organisation
    keep = OrganisationFactory(legal_name="BioCon Valley GmbH", cluster_name="BioCon Valley")
    make_label(keep, scheme_id="ecei-silver", valid_until=date(2019, 6, 30))
    indicator = first_number_indicator(procedure.scheme_version)
    record([own_entry(keep, 10, day=date(2018, 5, 1), indicator_id=indicator.id)])
    FundingSource.objects.create(organisation=keep, kind="public", share_percent=Decimal(60))
    FundingSource.objects.create(organisation=merge, kind="public", share_percent=Decimal(50))
    FundingSource.objects.create(organisation=merge, kind="membership", share_percent=Decimal(20))
    grant_role(builder.manager, Role.CLUSTER_MANAGER, organisation=keep)  # manages both
    other_manager = grant_role(UserFactory(), Role.CLUSTER_MANAGER, organisation=merge)
    programme = ProgrammeFactory()
    merge.programmes.add(programme)
    claimant = UserFactory()
    OrganisationClaim.objects.create(user=claimant, organisation=keep, scheme_id="ecei-bronze")
    OrganisationClaim.objects.create(user=claimant, organisation=merge, scheme_id="ecei-bronze")
    return {
        "keep": keep,
        "merge": merge,
        "procedure": procedure,
        "manager": builder.manager,
        "other_manager": other_manager,
        "programme": programme,
    }


def test_every_row_moves_onto_the_organisation_kept(twins):
    keep, merge = twins["keep"], twins["merge"]
    merge_id = merge.pk
    labels = set(Label.objects.filter(organisation__in=[keep, merge]).values_list("pk", flat=True))
    assessments = ReferenceAssessment.objects.filter(organisation__in=[keep, merge]).count()

    result = organisation_merge(keep=keep, merge=merge, actor=None)

    assert not Organisation.objects.filter(pk=merge_id).exists()
    assert set(keep.labels.values_list("pk", flat=True)) == labels
    assert Procedure.objects.get(pk=twins["procedure"].pk).organisation_id == keep.pk
    assert keep.reference_assessments.count() == assessments == 2
    # The later of the two latest pool entries stays the latest; the other is an earlier cycle.
    latest = keep.reference_assessments.get(is_latest=True)
    assert latest.procedure_id == twins["procedure"].pk
    # Funding: keep's share of a kind both had stays; the other kind moves.
    assert dict(keep.funding_sources.values_list("kind", "share_percent")) == {
        "public": Decimal(60),
        "membership": Decimal(20),
    }
    # Grants: the manager of both keeps one grant, the other manager moves.
    managers = sorted(Grant.objects.filter(organisation=keep).values_list("user_id", flat=True))
    assert managers == sorted([twins["manager"].pk, twins["other_manager"].pk])
    assert list(keep.programmes.all()) == [twins["programme"]]
    assert OrganisationClaim.objects.filter(organisation=keep).count() == 1
    assert result.moved["labels"] == 1 and result.moved["procedures"] == 1
    assert result.dropped == {
        "funding_sources": 1,
        "grants": 1,
        "claims": 1,
        "latest_reference_assessments": 1,
    }
    (event,) = AuditEvent.objects.filter(action="organisation.merge")
    assert event.target_id == str(keep.pk)
    assert event.after["kept"] == keep.pk and event.after["merged"] == merge_id
    assert event.after["moved"]["labels"] == 1
    assert event.after["moved"]["reference_assessments"] == 1
    assert event.before["cluster_name"] == merge.cluster_name


def test_every_app_above_organisations_contributes_its_rows():
    assert {"procedures.move", "labels.move", "benchmarks.move"} <= set(merging.movers.names())


def test_rows_no_mover_handles_refuse_the_merge(twins, monkeypatch):
    monkeypatch.setattr(merging.movers, "subscribers", {})
    with pytest.raises(RuntimeError, match=r"Label|Procedure"):
        organisation_merge(keep=twins["keep"], merge=twins["merge"], actor=None)
    assert Organisation.objects.filter(pk=twins["merge"].pk).exists()
    assert twins["merge"].funding_sources.count() == 2  # rolled back
    assert not AuditEvent.objects.filter(action="organisation.merge").exists()


def test_an_organisation_is_not_merged_into_itself(twins):
    with pytest.raises(ValidationError):
        organisation_merge(keep=twins["keep"], merge=twins["keep"], actor=None)


def test_only_the_secretariat_of_both_organisations_or_an_administrator_merges(twins):
    keep, merge = twins["keep"], twins["merge"]
    for forbidden in (
        twins["manager"],  # manages both, but managers do not merge
        grant_role(UserFactory(), Role.ASSESSOR),
        grant_role(UserFactory(), Role.AUTHORITY),
        # The BW secretariat does not reach the ECEI labels of either.
        grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="bw-cluster-excellence"),
        # ECEI Bronze's secretariat reaches merge's procedure, not keep's Silver label.
        grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="ecei-bronze"),
    ):
        with pytest.raises(PermissionDenied):
            organisation_merge(keep=keep, merge=merge, actor=forbidden)
    assert Organisation.objects.filter(pk=merge.pk).exists()
    secretariat = grant_role(UserFactory(), Role.SECRETARIAT)  # of the operators of both
    organisation_merge(keep=keep, merge=merge, actor=secretariat)
    assert AuditEvent.objects.get(action="organisation.merge").actor == secretariat


def test_the_command_shows_both_and_merges(twins):
    keep, merge = twins["keep"], twins["merge"]
    out = StringIO()
    call_command("merge_organisations", str(keep.pk), str(merge.pk), "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"keep  #{keep.pk} BioCon Valley (BioCon Valley GmbH, DE)" in text
    assert f"merge #{merge.pk} {merge.cluster_name}" in text
    assert "would move: " in text and "1 labels" in text and "1 procedures" in text
    assert "Dry run: nothing was written." in text
    assert Organisation.objects.filter(pk=merge.pk).exists()
    out = StringIO()
    call_command("merge_organisations", str(keep.pk), str(merge.pk), stdout=out)
    assert f"#{merge.pk} merged into #{keep.pk}." in out.getvalue()
    assert not Organisation.objects.filter(pk=merge.pk).exists()
    with pytest.raises(Exception, match=f"no organisation #{merge.pk}"):
        call_command("merge_organisations", str(keep.pk), str(merge.pk))


def test_the_admin_shows_both_and_merges_only_after_confirmation(client, twins):
    keep, merge = twins["keep"], twins["merge"]
    login(client, UserFactory(role=Role.ADMINISTRATOR), language="en")
    changelist = reverse("admin:organisations_organisation_changelist")
    response = client.post(
        changelist, {"action": "merge_two", "_selected_action": [keep.pk, merge.pk]}
    )
    first, second = sorted([keep.pk, merge.pk])
    url = reverse("admin:organisations_organisation_merge", args=[first, second])
    assert response.status_code == 302 and response.url == url
    html = client.get(url).content.decode()
    assert html.count('class="merge-candidate"') == 2
    assert f"#{keep.pk}</label>" in html and "BioCon Valley GmbH" in html
    assert merge.cluster_name in html
    assert Organisation.objects.filter(pk=merge.pk).exists()  # nothing merged by looking
    response = client.post(url, {"keep": keep.pk, "confirm": "Merge"})
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=merge.pk).exists()
    assert keep.labels.count() == 2


def test_the_admin_merge_page_is_refused_without_the_right(client, twins):
    keep, merge = twins["keep"], twins["merge"]
    secretariat = UserFactory(is_staff=True)
    grant_role(secretariat, Role.SECRETARIAT, scheme_id="bw-cluster-excellence")
    login(client, secretariat, language="en")
    url = reverse("admin:organisations_organisation_merge", args=[keep.pk, merge.pk])
    response = client.post(url, {"keep": keep.pk, "confirm": "Merge"})
    assert response.status_code in (403, 404)
    assert Organisation.objects.filter(pk=merge.pk).exists()
