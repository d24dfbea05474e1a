"""Label and procedure events write deliveries for the right endpoints only, in the write's
transaction; the daily run reports each expiry once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from clusterlabel.labels import services as label_services
from clusterlabel.labels.models import Label
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.webhooks.models import Delivery, EventChoice
from clusterlabel.webhooks.outbox import label_expiries_record
from clusterlabel.webhooks.services import endpoint_create
from tests.factories import OrganisationFactory, UserFactory
from tests.labels.label_factories import make_label
from tests.procedures.builders import ProcedureBuilder

pytestmark = pytest.mark.django_db
ALL = EventChoice.values


def endpoint(owner, url="https://receiver.example.org/hook", events=ALL):
    return endpoint_create(owner=owner, url=url, events=events, actor=None).endpoint


def deliveries(ep):
    return list(
        Delivery.objects.filter(endpoint=ep)
        .select_related("event")
        .order_by("created_at")
        .values_list("event__kind", "event__subject")
    )


def test_a_state_change_reaches_the_operator_and_the_programme_of_the_member_only(
    esca, vdivde, member, go_cluster, other_programme
):
    label = make_label(scheme_id="ecei-gold", organisation=member)
    mine = endpoint(esca)
    theirs = endpoint(vdivde)
    programme = endpoint(go_cluster)
    unconcerned = endpoint(other_programme)
    unwanted = endpoint(esca, events=["label.revoked"])
    authority = UserFactory(role="authority")

    label_services.label_change_state(
        label=label, actor=authority, new_state="suspended", reason="Unterlagen fehlen"
    )

    expected = [("label.suspended", label.certificate_number)]
    assert deliveries(mine) == expected
    assert deliveries(programme) == expected
    assert deliveries(theirs) == []
    assert deliveries(unconcerned) == []
    assert deliveries(unwanted) == []
    delivery = Delivery.objects.get(endpoint=mine)
    assert delivery.state == "pending" and delivery.attempts == 0
    data = delivery.event.data
    assert data["certificate_number"] == label.certificate_number
    assert data["state"] == "suspended"
    assert data["status_today"] == "suspended"
    assert data["organisation_id"] == member.pk
    assert data["organisation"] == member.legal_name
    assert data["scheme"] == "ecei-gold" and data["level"] == "gold"
    assert data["valid_until"] == label.valid_until.isoformat()
    assert data["verify_url"].endswith(f"/{label.certificate_number}/")
    assert "state_reason" not in data  # free text that may name people: not sent


def test_reinstating_and_revoking_are_events_too(esca):
    label = make_label(scheme_id="ecei-bronze")
    mine = endpoint(esca)
    authority = UserFactory(role="authority")
    for state in ("suspended", "active", "revoked"):
        label_services.label_change_state(label=label, actor=authority, new_state=state, reason="x")
    assert [kind for kind, _ in deliveries(mine)] == [
        "label.suspended",
        "label.reinstated",
        "label.revoked",
    ]


def test_the_cascade_reports_the_recognised_label_as_well(esca, vdivde):
    organisation = OrganisationFactory()
    bw = make_label(scheme_id="bw-cluster-excellence", organisation=organisation)
    gold = make_label(scheme_id="ecei-gold", organisation=organisation, recognised_with=bw)
    bw_endpoint, ecei_endpoint = endpoint(vdivde), endpoint(esca)
    label_services.label_change_state(
        label=bw, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    assert deliveries(bw_endpoint) == [("label.revoked", bw.certificate_number)]
    assert deliveries(ecei_endpoint) == [("label.revoked", gold.certificate_number)]


def test_a_rolled_back_write_leaves_no_event_and_no_delivery(esca):
    label = make_label(scheme_id="ecei-gold")
    mine = endpoint(esca)
    with pytest.raises(RuntimeError), transaction.atomic():
        label_services.label_change_state(
            label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
        )
        assert deliveries(mine) == [("label.revoked", label.certificate_number)]
        raise RuntimeError("the rest of the write failed")
    assert deliveries(mine) == []
    assert Label.objects.get(pk=label.pk).state == "active"


def test_an_inactive_endpoint_gets_nothing(esca):
    from clusterlabel.webhooks.services import endpoint_deactivate

    label = make_label(scheme_id="ecei-gold")
    mine = endpoint(esca)
    endpoint_deactivate(endpoint=mine, actor=None)
    label_services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="revoked", reason="x"
    )
    assert deliveries(mine) == []


def test_an_award_reports_the_labels_issued_and_the_decision(loaded_schemes):
    from clusterlabel.schemes.models import SchemeVersion

    bw_operator = SchemeVersion.objects.get(scheme_id="bw-cluster-excellence", is_current=True)
    ecei_operator = SchemeVersion.objects.get(scheme_id="ecei-gold", is_current=True)
    bw_endpoint = endpoint(bw_operator.operator)
    ecei_endpoint = endpoint(ecei_operator.operator)
    procedure = ProcedureBuilder(scheme_id="bw-cluster-excellence").advance_to(
        ProcedureState.AWARDED
    )
    bw, gold = Label.objects.filter(procedure=procedure).order_by("pk")
    assert deliveries(bw_endpoint) == [
        ("label.issued", bw.certificate_number),
        ("procedure.decided", procedure.reference),
    ]
    # The recognised Gold belongs to ESCA's scheme; the decision to the BW procedure's operator.
    assert deliveries(ecei_endpoint) == [("label.issued", gold.certificate_number)]
    decided = Delivery.objects.get(endpoint=bw_endpoint, event__kind="procedure.decided")
    data = decided.event.data
    assert (data["decision"], data["state"], data["reference"]) == (
        "award",
        "awarded",
        procedure.reference,
    )
    assert [label["certificate_number"] for label in data["labels"]] == [
        bw.certificate_number,
        gold.certificate_number,
    ]


def test_a_refusal_is_reported_without_labels(esca):
    mine = endpoint(esca)
    procedure = ProcedureBuilder(scheme_id="ecei-gold", award=False).advance_to(
        ProcedureState.REFUSED
    )
    assert deliveries(mine) == [("procedure.decided", procedure.reference)]
    data = Delivery.objects.get(endpoint=mine).event.data
    assert (data["decision"], data["state"], data["labels"]) == ("refuse", "refused", [])


def test_a_decision_reaches_the_programmes_of_the_organisation_only(
    go_cluster, other_programme, loaded_schemes
):
    builder = ProcedureBuilder(scheme_id="ecei-bronze", award=False)
    builder.organisation.programmes.add(go_cluster)
    programme, unconcerned = endpoint(go_cluster), endpoint(other_programme)
    procedure = builder.advance_to(ProcedureState.REFUSED)
    assert deliveries(programme) == [("procedure.decided", procedure.reference)]
    assert deliveries(unconcerned) == []
    data = Delivery.objects.get(endpoint=programme).event.data
    assert (data["organisation_id"], data["scheme"]) == (builder.organisation.pk, "ecei-bronze")


def test_a_renewal_is_reported_as_renewed(esca):
    from clusterlabel.procedures.models import Procedure

    mine = endpoint(esca)
    organisation = OrganisationFactory()
    today = timezone.localdate()
    earlier = make_label(
        scheme_id="ecei-bronze",
        organisation=organisation,
        valid_from=today - timedelta(days=700),
        valid_until=today + timedelta(days=30),
    )
    procedure = Procedure(
        organisation=organisation,
        scheme_version=earlier.scheme_version,
        level_id="bronze",
        process="renewal",
        assessment_date=today,
    )
    with transaction.atomic():
        renewed = label_services._issue(
            organisation=organisation,
            scheme_version=earlier.scheme_version,
            level_id="bronze",
            assessment_date=today,
            decision_date=today,
            source="awarded",
            procedure=None,
            recognised_with=None,
            renewal=procedure.process == "renewal",
            actor=None,
        )
    assert renewed.previous_id == earlier.pk
    assert deliveries(mine) == [("label.renewed", renewed.certificate_number)]
    data = Delivery.objects.get(endpoint=mine).event.data
    assert data["renews"] == earlier.certificate_number


def test_the_daily_run_reports_an_expiry_once(esca, vdivde):
    today = timezone.localdate()
    expired = make_label(
        scheme_id="ecei-gold",
        valid_from=today - timedelta(days=731),
        valid_until=today - timedelta(days=1),
    )
    last_day_today = make_label(scheme_id="ecei-gold", valid_until=today)
    make_label(  # renewed: superseded, not expired
        scheme_id="ecei-gold",
        valid_from=today - timedelta(days=731),
        valid_until=today - timedelta(days=1),
        state="superseded",
    )
    mine, theirs = endpoint(esca), endpoint(vdivde)
    assert [label.pk for label in label_expiries_record(today=today, dry_run=True)] == [expired.pk]
    assert deliveries(mine) == []
    assert [label.pk for label in label_expiries_record(today=today)] == [expired.pk]
    assert label_expiries_record(today=today) == []
    assert deliveries(mine) == [("label.expired", expired.certificate_number)]
    # Tomorrow the label valid until today has expired, and only it is new.
    tomorrow = label_expiries_record(today=today + timedelta(days=1))
    assert [label.pk for label in tomorrow] == [last_day_today.pk]
    assert deliveries(theirs) == []
    first = Delivery.objects.get(endpoint=mine, event__subject=expired.certificate_number)
    assert first.event.data["status_today"] == "expired"


def test_send_reminders_runs_the_expiry_check(esca):
    from io import StringIO

    from django.core.management import call_command

    today = timezone.localdate()
    expired = make_label(
        scheme_id="ecei-gold",
        valid_from=today - timedelta(days=731),
        valid_until=today - timedelta(days=1),
    )
    mine = endpoint(esca)
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert f"[webhooks] reported {expired.certificate_number}" in out.getvalue()
    assert deliveries(mine) == [("label.expired", expired.certificate_number)]


def test_without_an_endpoint_nothing_is_written_but_an_expiry_is_marked(esca):
    from clusterlabel.webhooks.models import Event

    label = make_label(scheme_id="ecei-gold")
    label_services.label_change_state(
        label=label, actor=UserFactory(role="authority"), new_state="suspended", reason="x"
    )
    assert not Event.objects.exists()
    today = timezone.localdate()
    expired = make_label(
        scheme_id="ecei-gold",
        valid_from=today - timedelta(days=731),
        valid_until=today - timedelta(days=1),
    )
    label_expiries_record(today=today)
    (mark,) = Event.objects.all()
    assert (mark.kind, mark.subject) == ("label.expired", expired.certificate_number)
    # An endpoint registered afterwards is not told of an expiry reported before it existed.
    mine = endpoint(esca)
    assert label_expiries_record(today=today) == []
    assert deliveries(mine) == []
