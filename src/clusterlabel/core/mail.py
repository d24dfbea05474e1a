"""E-mail through the task queue: the web request never waits for the mail server.

``QueuedEmailBackend`` is the ``EMAIL_BACKEND``: every message any code sends (``send_mail``,
``EmailMessage.send``) becomes a task, ``send_email_task``, which hands it to the real backend
(``EMAIL_DELIVERY_BACKEND``: SMTP in production, with ``EMAIL_TIMEOUT``). The task backend
decides when it runs (``TASKS``): immediately in the same process under ``clusterlabel demo``
and by default, or by a worker (``clusterlabel db_worker``) with the database backend.

A message that cannot be delivered (the server refuses it, times out, is down) is tried again
after 1, 5, 30 and 120 minutes, when the task backend can run a task later; each failure is
logged with its recipients and the error, and the last one fails the task, so that it stays
visible among the task results in the back office. Without deferred tasks (the immediate
backend) there is no later: the failure is logged and the task fails at once.

Messages are written into the task as JSON: subject, body, sender, recipients, headers, the
HTML alternative and attachments (base64). A message built with anything else (an attached
``MIMEBase`` object) is sent as it is, without the queue.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import default_task_backend, task

logger = logging.getLogger(__name__)

#: Minutes before each further attempt; after the last one the task fails.
RETRY_MINUTES: tuple[int, ...] = (1, 5, 30, 120)


def mail_text(
    template: str, context: dict[str, Any], *, language: str | None = None
) -> tuple[str, str]:
    """The subject and text of an e-mail template rendered in ``language`` (default: the
    installation's): every mail template's first line is its subject, the rest its text."""
    with translation.override(language or settings.LANGUAGE_CODE):
        body = render_to_string(template, context)
    subject, _, text = body.strip().partition("\n")
    return subject.strip(), text.strip() + "\n"


def message_data(message: EmailMessage) -> dict[str, Any] | None:
    """The message as JSON-ready data, or ``None`` if it holds parts that data cannot carry."""
    attachments = []
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            return None
        filename, content, mimetype = attachment
        raw = content.encode("utf-8") if isinstance(content, str) else content
        attachments.append([filename, base64.b64encode(raw).decode("ascii"), mimetype])
    alternatives = [list(a) for a in getattr(message, "alternatives", [])]
    if any(not isinstance(content, str) for content, _mimetype in alternatives):
        return None
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "cc": list(message.cc),
        "bcc": list(message.bcc),
        "reply_to": list(message.reply_to),
        "headers": dict(message.extra_headers),
        "alternatives": alternatives,
        "attachments": attachments,
        "content_subtype": message.content_subtype,
    }


def message_from_data(data: dict[str, Any]) -> EmailMultiAlternatives:
    """The message ``message_data`` wrote."""
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
    )
    message.content_subtype = data.get("content_subtype", "plain")
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, encoded, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(encoded), mimetype)
    return message


def _delivery_connection() -> BaseEmailBackend:
    return get_connection(settings.EMAIL_DELIVERY_BACKEND, fail_silently=False)


@task()
def send_email_task(data: dict[str, Any], attempt: int = 1) -> int:
    """Send one queued message through ``EMAIL_DELIVERY_BACKEND``; on failure queue the next
    attempt (see the module's docstring) and fail this one."""
    message = message_from_data(data)
    try:
        return _delivery_connection().send_messages([message]) or 0
    except Exception as error:  # any failure of the mail server or the network
        recipients = ", ".join(message.recipients())
        retry = attempt <= len(RETRY_MINUTES) and default_task_backend.supports_defer
        logger.warning(
            "e-mail %r to %s not sent (attempt %d): %s%s",
            message.subject,
            recipients,
            attempt,
            error,
            f"; next attempt in {RETRY_MINUTES[attempt - 1]} min" if retry else "; given up",
        )
        if retry:
            later = timezone.now() + timedelta(minutes=RETRY_MINUTES[attempt - 1])
            send_email_task.using(run_after=later).enqueue(data, attempt + 1)
        raise


class QueuedEmailBackend(BaseEmailBackend):
    """Queues each message as ``send_email_task``; a message the queue cannot carry is sent
    at once through ``EMAIL_DELIVERY_BACKEND``."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        direct = []
        queued = 0
        for message in email_messages:
            if not message.recipients():
                continue
            data = message_data(message)
            if data is None:
                direct.append(message)
                continue
            send_email_task.enqueue(data)
            queued += 1
        if direct:
            queued += _delivery_connection().send_messages(direct) or 0
        return queued
