"""Labels are issued when the authority awards, with validity from the scheme's rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain.dates import add_months, add_months_keeping_month_end
from clusterlabel.labels import services
from clusterlabel.labels.models import Label
from clusterlabel.procedures.choices import ProcedureState
from tests.factories import UserFactory
from tests.procedures.builders import ProcedureBuilder
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


def test_a_bw_award_issues_the_state_label_and_the_recognised_ecei_gold():
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.AWARDED)
    today = timezone.localdate()
    bw, gold = Label.objects.filter(procedure=procedure).order_by("pk")
    assert (bw.scheme_id, bw.level_id, bw.source) == ("bw-cluster-excellence", "label", "awarded")
    assert (gold.scheme_id, gold.level_id, gold.source) == ("ecei-gold", "gold", "recognised")
    assert gold.recognised_with == bw
    # BW: two years from the decision; ECEI Gold: two years from the day of the assessment.
    assert (bw.valid_from, bw.valid_until) == (today, add_months(today - timedelta(days=1), 24))
    assessment = procedure.assessment_date
    assert gold.valid_from == assessment
    assert gold.valid_until == add_months_keeping_month_end(assessment - timedelta(days=1), 24)
    assert bw.certificate_number == f"BW-{today.year}-00001"
    assert gold.certificate_number == f"ECEI-G-{today.year}-00001"
    assert bw.status_list_index != gold.status_list_index
    assert bw.status == "valid"
    issued = AuditEvent.objects.filter(action="label.issue", procedure_id=procedure.pk)
    assert issued.count() == 2


def test_a_refusal_issues_nothing():
    builder = ProcedureBuilder(scheme_id="ecei-gold", award=False)
    builder.advance_to(ProcedureState.REFUSED)
    assert not Label.objects.exists()


def test_revoking_needs_a_reason_the_right_role_and_is_final():
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWARDED)
    label = Label.objects.get()
    with pytest.raises(ValidationError):
        services.label_change_state(
            label=label, actor=builder.authority, new_state="revoked", reason=" "
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.label_change_state(
            label=label, actor=builder.manager, new_state="revoked", reason="x"
        )
    services.label_change_state(
        label=label, actor=builder.authority, new_state="revoked", reason="Falsche Angaben"
    )
    label.refresh_from_db()
    assert label.status == "revoked"
    with pytest.raises(ValidationError):
        services.label_change_state(
            label=label, actor=builder.authority, new_state="active", reason="Irrtum"
        )
    event = AuditEvent.objects.get(action="label.revoke")
    assert event.reason == "Falsche Angaben"
    assert (event.before, event.after) == ({"state": "active"}, {"state": "revoked"})


def test_the_verification_page_shows_the_status_prominently(client):
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWARDED)
    label = Label.objects.get()
    url = reverse("labels:verify", args=[label.certificate_number.lower()])
    html = client.get(url).content.decode()
    assert 'class="verdict verdict-valid"' in html
    assert "Gültig" in html
    assert label.organisation.legal_name in html
    assert builder.manager.email not in html  # no personal data
    services.label_change_state(
        label=label, actor=builder.authority, new_state="suspended", reason="Prüfung"
    )
    html = client.get(url).content.decode()
    assert 'class="verdict verdict-suspended"' in html
    assert "Ausgesetzt" in html


def test_jwks_publishes_only_public_key_members(client):
    keys = client.get(reverse("labels:jwks")).json()["keys"]
    assert keys
    for key in keys:
        assert set(key) == {"kty", "n", "e", "kid", "alg", "use"}


def test_a_label_credential_verifies_and_a_revocation_shows_in_the_status_list(client):
    from clusterlabel.labels.certificates.credentials import signed_label_credential, verify_token

    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWARDED)
    label = Label.objects.get()
    token = client.get(reverse("labels:credential", args=[label.certificate_number])).content
    assert token.decode().count(".") == 2
    report = verify_token(token.decode())
    assert report.is_valid, report
    services.label_change_state(
        label=label, actor=builder.authority, new_state="revoked", reason="Widerruf"
    )
    report = verify_token(signed_label_credential(label))
    assert not report.is_valid
    assert report.status == "revoked"


def test_an_unknown_certificate_number_is_404(client):
    assert client.get(reverse("labels:verify", args=["BW-1999-00001"])).status_code == 404


def test_only_authority_and_secretariat_change_states():
    StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWARDED)
    label = Label.objects.get()
    for role in (Role.ASSESSOR, Role.BOARD_MEMBER, Role.ADMINISTRATOR, Role.CLUSTER_MANAGER):
        from django.core.exceptions import PermissionDenied

        with pytest.raises(PermissionDenied):
            services.label_change_state(
                label=label, actor=UserFactory(role=role), new_state="suspended", reason="x"
            )
    label.refresh_from_db()
    assert label.state == "active"
