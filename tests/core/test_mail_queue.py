"""E-mails go through the task queue: queued by the e-mail backend, sent by the task through
the delivery backend, tried again later when the mail server fails, and never lost silently."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.test import override_settings
from django.utils import timezone
from django_tasks import default_task_backend

from clusterlabel.core import mail as queued
from clusterlabel.core.mail import RETRY_MINUTES, message_data, message_from_data, send_email_task

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


class FailingBackend:
    """A delivery backend whose mail server is down."""

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def queued_settings(tasks=DUMMY_TASKS, delivery=LOCMEM):
    return override_settings(
        EMAIL_BACKEND="clusterlabel.core.mail.QueuedEmailBackend",
        EMAIL_DELIVERY_BACKEND=delivery,
        TASKS=tasks,
    )


def test_a_message_survives_the_queue_with_its_html_and_attachment() -> None:
    message = EmailMultiAlternatives(
        "Entscheidung über Ihr Verfahren P-2026-0042",
        "Sehr geehrte Damen und Herren, …",
        "clusterlabel <noreply@example.org>",
        ["manager@example.org"],
        cc=["secretariat@example.org"],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative("<p>Sehr geehrte …</p>", "text/html")
    message.attach("bescheid.pdf", b"%PDF-1.4 \x00\xff", "application/pdf")
    restored = message_from_data(message_data(message))
    assert restored.subject == message.subject and restored.body == message.body
    assert restored.to == ["manager@example.org"] and restored.cc == ["secretariat@example.org"]
    assert restored.extra_headers == {"Auto-Submitted": "auto-generated"}
    assert restored.alternatives[0][0] == "<p>Sehr geehrte …</p>"
    assert restored.attachments[0][:2] == ("bescheid.pdf", b"%PDF-1.4 \x00\xff")


def test_sending_queues_a_task_and_sends_nothing_yet() -> None:
    with queued_settings():
        assert send_mail("Betreff", "Text", None, ["a@example.org"]) == 1
        results = default_task_backend.results  # the dummy backend keeps what was queued
        assert len(results) == 1
        assert results[0].task.func is send_email_task.func
        assert results[0].args[0]["to"] == ["a@example.org"]
    assert mail.outbox == []


def test_the_task_sends_through_the_delivery_backend() -> None:
    with queued_settings(tasks=IMMEDIATE_TASKS):
        send_mail("Betreff", "Text", None, ["a@example.org"])
    assert [m.subject for m in mail.outbox] == ["Betreff"]
    assert mail.outbox[0].to == ["a@example.org"]


def test_a_failed_delivery_is_queued_again_later_and_logged(caplog) -> None:
    data = message_data(EmailMultiAlternatives("Erinnerung", "Text", None, ["a@example.org"]))
    with queued_settings(delivery=f"{__name__}.FailingBackend"), caplog.at_level(logging.WARNING):
        before = timezone.now()
        with pytest.raises(ConnectionRefusedError):
            send_email_task.call(data, 1)
        [retry] = default_task_backend.results
        assert retry.args == [data, 2]
        assert retry.task.run_after - before >= timedelta(minutes=RETRY_MINUTES[0])
        assert retry.task.run_after - before < timedelta(minutes=RETRY_MINUTES[0] + 1)
    assert "a@example.org" in caplog.text and "mail server down" in caplog.text
    assert "next attempt in 1 min" in caplog.text


def test_after_the_last_attempt_it_is_given_up_and_the_task_fails(caplog) -> None:
    data = message_data(EmailMultiAlternatives("Erinnerung", "Text", None, ["a@example.org"]))
    with queued_settings(delivery=f"{__name__}.FailingBackend"), caplog.at_level(logging.WARNING):
        with pytest.raises(ConnectionRefusedError):
            send_email_task.call(data, len(RETRY_MINUTES) + 1)
        assert default_task_backend.results == []
    assert "given up" in caplog.text


def test_without_deferred_tasks_a_failure_is_given_up_at_once(caplog) -> None:
    failing = queued_settings(tasks=IMMEDIATE_TASKS, delivery=f"{__name__}.FailingBackend")
    with failing, caplog.at_level(logging.WARNING):
        send_mail("Betreff", "Text", None, ["a@example.org"])  # the request is not broken
    assert "given up" in caplog.text


def test_a_message_without_recipients_is_not_queued() -> None:
    with queued_settings():
        assert queued.QueuedEmailBackend().send_messages([EmailMultiAlternatives("x", "y")]) == 0
        assert default_task_backend.results == []


def test_the_settings_use_the_queue_and_a_timeout() -> None:
    from clusterlabel import settings

    assert settings.EMAIL_BACKEND == "clusterlabel.core.mail.QueuedEmailBackend"
    assert settings.EMAIL_TIMEOUT == 10
    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
