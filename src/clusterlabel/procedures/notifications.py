"""E-mails to the people who must act next, each in the recipient's language.

Called after the transaction commits; a failing mail server never undoes a step.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from clusterlabel.access.policy import holders
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.presenters.next_steps import issued_labels

logger = logging.getLogger(__name__)


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


def _send(procedure: Procedure, users: list[User], template: str, **context: object) -> int:
    url = settings.SITE_URL + reverse("procedures:detail", args=[procedure.pk])
    sent = 0
    for user in users:
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            body = render_to_string(
                template,
                {"procedure": procedure, "recipient": user, "url": url, **context},
            )
            subject, _, text = body.strip().partition("\n")
            try:
                send_mail(subject.strip(), text.strip() + "\n", None, [user.email])
                sent += 1
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
    if procedure.is_terminal:
        users = recipients_for(procedure, Role.CLUSTER_MANAGER) + recipients_for(
            procedure, Role.SECRETARIAT
        )
    return _send(
        procedure,
        users,
        "procedures/email/step.txt",
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
