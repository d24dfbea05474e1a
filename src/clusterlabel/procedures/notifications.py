"""E-mails to the people who must act next, each in the recipient's language.

Run as tasks (``procedures.tasks``) after the transaction commits: the web request neither
renders them nor waits for the mail server, and a failing mail server never undoes a step.

The decision e-mail to the organisation carries the documents of the decision: apps above this
one add them through ``decision_attachments`` (the labels app: the decision letter as PDF, in
the recipient's language).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse

from clusterlabel.access.policy import holders
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.core.hooks import Hook
from clusterlabel.core.mail import mail_text
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.presenters.next_steps import issued_labels

logger = logging.getLogger(__name__)


@dataclass
class DecisionMail:
    """The decision e-mail to one of the organisation's managers, as a subscriber of
    ``decision_attachments`` sees it: subscribers append ``(filename, content, mimetype)``.
    Rendered in ``language`` (the recipient's)."""

    procedure: Procedure
    language: str
    attachments: list[tuple[str, bytes, str]] = field(default_factory=list)


decision_attachments: Hook[DecisionMail] = Hook()
"""What the decision e-mail to the organisation carries (the labels app: the decision letter)."""


def recipients_for(procedure: Procedure, role: Role | None) -> list[User]:
    """Who acts for ``role`` on this procedure: its managers, its assessors, or whoever holds
    the role for the procedure's scheme."""
    active = User.objects.filter(is_active=True).exclude(email="")
    if role == Role.CLUSTER_MANAGER:
        return list(procedure.organisation.managers.filter(is_active=True).exclude(email=""))
    if role == Role.ASSESSOR:
        return list(active.filter(assessor_assignments__procedure=procedure))
    if role in (Role.SECRETARIAT, Role.BOARD_MEMBER, Role.AUTHORITY):
        version = procedure.scheme_version
        scheme_holders = holders(role, version.scheme_id, version.operator_id)
        return list(active.filter(pk__in=scheme_holders.values("pk")).order_by("username"))
    return []


def _send(
    procedure: Procedure,
    users: list[User],
    template: str,
    *,
    attach_decision_to: frozenset[int] = frozenset(),
    **context: object,
) -> int:
    """Send ``template`` to each of ``users`` in their language; those in
    ``attach_decision_to`` (user ids) get the decision's documents attached."""
    url = settings.SITE_URL + reverse("procedures:detail", args=[procedure.pk])
    sent = 0
    for user in users:
        language = user.preferred_language or settings.LANGUAGE_CODE
        subject, text = mail_text(
            template,
            {"procedure": procedure, "recipient": user, "url": url, **context},
            language=language,
        )
        message = EmailMessage(subject, text, None, [user.email])
        if user.pk in attach_decision_to:
            mail = DecisionMail(procedure=procedure, language=language)
            decision_attachments.run(mail)
            for filename, content, mimetype in mail.attachments:
                message.attach(filename, content, mimetype)
        try:
            sent += message.send()
        except OSError:
            logger.exception("Could not send %s to %s", template, user.email)
    return sent


def notify_step(*, procedure_id: int, action: str) -> int:
    """Tell whoever must act next; tell the organisation about the decision."""
    procedure = Procedure.objects.select_related("organisation", "scheme_version").get(
        pk=procedure_id
    )
    if action == flow.Action.RECORD_BOARD_VOTE:
        return 0  # a vote changes nothing anyone has to act on
    owner = flow.owner_of(procedure.state)
    # the domain names the owner with its own Role; the grants speak accounts.choices.Role
    users = recipients_for(procedure, Role(owner)) if owner else []
    managers: frozenset[int] = frozenset()
    if procedure.is_terminal:
        organisation_side = recipients_for(procedure, Role.CLUSTER_MANAGER)
        users = organisation_side + recipients_for(procedure, Role.SECRETARIAT)
        if procedure.decision and procedure.decided_at is not None:
            managers = frozenset(user.pk for user in organisation_side)
    return _send(
        procedure,
        users,
        "procedures/email/step.txt",
        attach_decision_to=managers,
        action=action,
        owner=owner,
        labels=issued_labels(procedure),
        site_url=settings.SITE_URL,
    )


def notify_panel(*, procedure_id: int) -> int:
    """Ask the assessors of a newly composed panel to declare conflicts of interest."""
    procedure = Procedure.objects.select_related("organisation", "scheme_version").get(
        pk=procedure_id
    )
    users = list(
        User.objects.filter(
            assessor_assignments__procedure=procedure,
            assessor_assignments__no_conflict_declared=False,
            is_active=True,
        ).exclude(email="")
    )
    return _send(procedure, users, "procedures/email/panel.txt")
