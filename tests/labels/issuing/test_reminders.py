"""Expiry reminders: at the configured days before expiry and once after, each only once."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.domain.dates import add_months
from clusterlabel.labels import services
from clusterlabel.labels.issuing import reminders
from clusterlabel.labels.issuing.reminders import Outcome, due_kind, reminders_due, reminders_send
from clusterlabel.labels.models import Label, LabelReminder, LabelSource, LabelState
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.schemes.models import SchemeVersion
from tests.factories import PASSWORD, OrganisationFactory, UserFactory
from tests.procedures.builders import ProcedureBuilder

UNTIL = date(2026, 9, 30)


def make_label(
    organisation,
    *,
    scheme_id: str = "ecei-gold",
    level_id: str | None = None,
    valid_until: date = UNTIL,
    valid_from: date | None = None,
    state: str = LabelState.ACTIVE,
    previous: Label | None = None,
) -> Label:
    """A label row as an award or an import would leave it (numbers from the services)."""
    version = SchemeVersion.objects.get(scheme_id=scheme_id, is_current=True)
    level_id = level_id or version.scheme.levels[-1].id
    valid_from = valid_from or add_months(valid_until + timedelta(days=1), -24)
    with transaction.atomic():
        return Label.objects.create(
            organisation=organisation,
            scheme_version=version,
            scheme_id=scheme_id,
            family=version.family,
            level_id=level_id,
            certificate_number=services.certificate_number(
                family=version.family, level_id=level_id, year=valid_from.year
            ),
            valid_from=valid_from,
            valid_until=valid_until,
            awarded_on=valid_from,
            first_awarded_on=previous.first_awarded_on if previous else valid_from,
            state=state,
            source=LabelSource.AWARDED,
            previous=previous,
            status_list_index=services.status_list_index(),
        )


@pytest.fixture
def people(db):
    german = UserFactory(role=Role.CLUSTER_MANAGER, preferred_language="de", first_name="Greta")
    english = UserFactory(role=Role.CLUSTER_MANAGER, preferred_language="en", first_name="Emma")
    secretariat = UserFactory(role=Role.SECRETARIAT, preferred_language="en")
    UserFactory(role=Role.SECRETARIAT, is_active=False)  # left: gets nothing
    UserFactory(role=Role.ASSESSOR)  # not involved
    return {"de": german, "en": english, "secretariat": secretariat}


@pytest.fixture
def label(loaded_schemes, people):
    organisation = OrganisationFactory(
        cluster_name="Photonik Süd", managers=[people["de"], people["en"]]
    )
    return make_label(organisation)


def send(today: date, *args: str) -> str:
    out = StringIO()
    call_command("send_reminders", "--today", today.isoformat(), *args, stdout=out)
    return out.getvalue()


def recipients_of_outbox() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


# --- the rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (UNTIL - timedelta(days=181), None),
        (UNTIL - timedelta(days=180), "180"),
        (UNTIL - timedelta(days=91), "180"),
        (UNTIL - timedelta(days=90), "90"),
        (UNTIL - timedelta(days=31), "90"),
        (UNTIL - timedelta(days=30), "30"),
        (UNTIL, "30"),
        (UNTIL + timedelta(days=1), "expired"),
        (UNTIL + timedelta(days=30), "expired"),
        (UNTIL + timedelta(days=31), None),
    ],
)
def test_the_most_urgent_reached_offset_is_due(today, expected):
    assert due_kind(valid_until=UNTIL, today=today, offsets=[180, 90, 30]) == expected


@override_settings(REMINDER_DAYS_BEFORE_EXPIRY=[60, 14, 60])
def test_offsets_come_from_the_settings():
    assert reminders.reminder_offsets() == [60, 14]


# --- sending --------------------------------------------------------------------------------


def test_each_offset_sends_once_to_managers_and_secretariat(label, people):
    output = send(UNTIL - timedelta(days=180))
    expected = sorted(person.email for person in people.values())
    assert recipients_of_outbox() == expected
    reminder = LabelReminder.objects.get()
    assert (reminder.label, reminder.kind) == (label, "180")
    assert sorted(reminder.recipients) == expected
    assert f"sent: {label.certificate_number} Photonik Süd" in output
    assert "reminder 180 days" in output
    assert "1 reminders sent on 2026-04-03" in output

    # Running again the same day, or the next days, sends nothing more.
    send(UNTIL - timedelta(days=180))
    send(UNTIL - timedelta(days=179))
    assert len(mail.outbox) == 3
    assert LabelReminder.objects.count() == 1

    send(UNTIL - timedelta(days=90))
    send(UNTIL - timedelta(days=30))
    send(UNTIL + timedelta(days=1))
    assert list(LabelReminder.objects.order_by("sent_at").values_list("kind", flat=True)) == [
        "180",
        "90",
        "30",
        "expired",
    ]
    assert len(mail.outbox) == 12
    send(UNTIL + timedelta(days=2))
    assert len(mail.outbox) == 12


def test_a_missed_day_catches_up_with_only_the_most_urgent_reminder(label):
    send(UNTIL - timedelta(days=50))  # cron did not run for months: 180 and 90 are both due
    assert list(LabelReminder.objects.values_list("kind", flat=True)) == ["90"]
    assert len(mail.outbox) == 3
    send(UNTIL - timedelta(days=45))
    assert len(mail.outbox) == 3  # the skipped 180 is not sent late
    send(UNTIL - timedelta(days=10))
    assert sorted(LabelReminder.objects.values_list("kind", flat=True)) == ["30", "90"]


def test_long_expired_labels_get_no_reminder(label):
    send(UNTIL + timedelta(days=31))
    send(UNTIL + timedelta(days=400))
    assert mail.outbox == []
    assert not LabelReminder.objects.exists()


@pytest.mark.parametrize("state", [LabelState.REVOKED, LabelState.SUSPENDED, LabelState.SUPERSEDED])
def test_revoked_suspended_and_superseded_labels_are_skipped(label, state):
    Label.objects.filter(pk=label.pk).update(state=state)
    send(UNTIL - timedelta(days=30))
    send(UNTIL + timedelta(days=1))
    assert mail.outbox == []


def test_a_renewed_label_is_skipped_and_its_renewal_is_not_due_yet(label):
    make_label(
        label.organisation,
        valid_from=UNTIL + timedelta(days=1),
        valid_until=date(2029, 9, 30),
        previous=label,
    )
    send(UNTIL - timedelta(days=30))
    send(UNTIL + timedelta(days=1))
    assert mail.outbox == []


def test_a_later_label_of_the_same_scheme_counts_as_renewal(label):
    make_label(label.organisation, valid_from=date(2026, 11, 1), valid_until=date(2028, 10, 31))
    send(UNTIL - timedelta(days=30))
    assert mail.outbox == []


def test_an_application_for_the_same_scheme_stops_the_reminders(loaded_schemes, people):
    builder = ProcedureBuilder(scheme_id="ecei-gold")
    builder.advance_to(ProcedureState.APPLIED)
    make_label(builder.organisation)
    other = make_label(OrganisationFactory(managers=[people["de"]]))
    mail.outbox.clear()
    send(UNTIL - timedelta(days=30))
    assert list(LabelReminder.objects.values_list("label", flat=True)) == [other.pk]


def test_each_recipient_reads_the_reminder_in_their_language(label, people):
    send(UNTIL - timedelta(days=30))
    by_recipient = {message.to[0]: message for message in mail.outbox}
    german = by_recipient[people["de"].email]
    english = by_recipient[people["en"].email]
    assert "ECEI-Label Gold" in german.subject
    assert "30. September 2026" in german.subject
    assert "ECEI Gold Label" in english.subject
    assert "30 September 2026" in english.subject
    url = f"http://127.0.0.1:8000/organisations/{label.organisation_id}/"
    for message in (german, english):
        assert url in message.body
        assert label.certificate_number in message.body
        assert "Photonik Süd" in message.body
    # ECEI: renewable without a gap up to 12 months after expiry.
    assert "up to 12 months after expiry (by 30 September 2027)" in english.body
    assert "that is for 30 more days" in english.body


def test_the_bw_reminder_says_the_renewal_must_happen_before_expiry(loaded_schemes, people):
    organisation = OrganisationFactory(managers=[people["en"]])
    make_label(organisation, scheme_id="bw-cluster-excellence", valid_until=UNTIL)
    send(UNTIL + timedelta(days=3))
    message = next(m for m in mail.outbox if m.to == [people["en"].email])
    assert "expired on 30 September 2026" in message.subject
    assert "apply for a new assessment" in message.body
    assert "renewed without a gap" not in message.body


def test_a_dry_run_sends_and_records_nothing(label):
    output = send(UNTIL - timedelta(days=30), "--dry-run")
    assert mail.outbox == []
    assert not LabelReminder.objects.exists()
    assert f"would send: {label.certificate_number}" in output
    assert "1 reminders would be sent" in output


def test_without_anyone_to_write_to_nothing_is_recorded(loaded_schemes):
    make_label(OrganisationFactory())
    output = send(UNTIL - timedelta(days=30))
    assert "no recipients" in output
    assert not LabelReminder.objects.exists()


def test_a_failing_mail_server_is_retried_next_run(label, people, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(reminders, "send_mail", broken)
    output = send(UNTIL - timedelta(days=30))
    assert "failed:" in output
    assert "0 reminders sent" in output
    assert not LabelReminder.objects.exists()
    monkeypatch.undo()
    send(UNTIL - timedelta(days=29))
    assert len(mail.outbox) == 3


def test_a_partly_failed_reminder_is_kept_for_those_who_got_it(label, people, monkeypatch):
    real_send_mail = reminders.send_mail

    def flaky(subject, body, sender, to):
        if to == [people["en"].email]:
            raise OSError("mailbox full")
        return real_send_mail(subject, body, sender, to)

    monkeypatch.setattr(reminders, "send_mail", flaky)
    send(UNTIL - timedelta(days=30))
    reminder = LabelReminder.objects.get()
    assert sorted(reminder.recipients) == sorted([people["de"].email, people["secretariat"].email])
    send(UNTIL - timedelta(days=29))
    assert len(mail.outbox) == 2  # nobody gets it twice


def test_a_concurrent_run_that_recorded_first_wins(label):
    today = UNTIL - timedelta(days=30)
    (due,) = reminders_due(today=today)
    LabelReminder.objects.create(label=label, kind="30", recipients=["other-run@example.org"])
    result = reminders.reminder_send(due, today=today)
    assert result.outcome is Outcome.ALREADY_SENT
    assert mail.outbox == []


def test_the_due_reminders_are_read_in_a_fixed_number_of_queries(
    loaded_schemes, people, django_assert_num_queries
):
    organisation = OrganisationFactory(managers=[people["de"]])
    make_label(organisation)
    with django_assert_num_queries(4):
        assert len(reminders_due(today=UNTIL - timedelta(days=30))) == 1
    for _ in range(4):
        make_label(OrganisationFactory(managers=[people["en"]]))
    with django_assert_num_queries(4):
        assert len(reminders_due(today=UNTIL - timedelta(days=30))) == 5


def test_reminders_send_returns_what_happened(label):
    results = reminders_send(today=UNTIL - timedelta(days=30))
    assert [(r.label, r.kind, r.outcome) for r in results] == [(label, "30", Outcome.SENT)]


def test_the_admin_lists_the_reminders_sent(client, label):
    send(UNTIL - timedelta(days=30))
    admin = UserFactory(role=Role.ADMINISTRATOR)
    client.login(username=admin.username, password=PASSWORD)
    response = client.get(reverse("admin:labels_labelreminder_changelist"))
    assert response.status_code == 200
    assert label.certificate_number in response.content.decode()
    response = client.get(reverse("admin:labels_label_change", args=[label.pk]))
    assert response.status_code == 200
    assert reverse("labels:manage", args=[label.certificate_number]) in response.content.decode()
