"""Writes for data protection: a person's request to be erased, and its execution."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.sessions.models import Session
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.models import Grant
from clusterlabel.access.services import grant_revoke
from clusterlabel.accounts.models import ApiToken, User
from clusterlabel.assessors.models import AssessorProfile
from clusterlabel.audit.services import audit_erase_person, audit_record
from clusterlabel.domain.access import Activity
from clusterlabel.invoices.models import InvoiceReminder
from clusterlabel.labels.models import LabelReminder
from clusterlabel.privacy.models import ErasureRequest, ErasureStatus
from clusterlabel.privacy.selectors import ErasureBlocker, erasure_blockers
from clusterlabel.procedures.models import DeadlineReminder

# What an erased account's e-mail address becomes: unique, and never deliverable (RFC 2606).
ERASED_EMAIL_DOMAIN = "erased.invalid"


class ErasureRefused(Exception):
    """The erasure was refused: ``code`` says why, ``blockers`` what stands in the way."""

    def __init__(self, code: str, message: str, blockers: list[ErasureBlocker] | None = None):
        self.code, self.message, self.blockers = code, message, blockers or []
        super().__init__(message)


def erasure_request_create(*, user: User, reason: str = "") -> ErasureRequest:
    """Record that ``user`` asks to be erased; asking again while a request is open returns
    the open one (its reason unchanged). Records ``privacy.erasure_request`` without the reason
    (the person's own words stay in the request, which erasure can remove)."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        existing = ErasureRequest.objects.filter(user=locked, status=ErasureStatus.OPEN).first()
        if existing is not None:
            return existing
        request = ErasureRequest(user=locked, reason=reason.strip())
        request.full_clean()
        request.save()
        audit_record(actor=locked, action="privacy.erasure_request", target=request)
    return request


@dataclass(frozen=True)
class Erasure:
    """What ``person_erase`` did."""

    user: User
    grants_revoked: int
    tokens_revoked: int
    sessions_ended: int
    events_relabelled: int


def pseudonym_of(user: User) -> str:
    """The name an erased person gets everywhere: "Erased person #<account id>"."""
    return f"Erased person #{user.pk}"


def _check_eraser(actor: User | None, user: User) -> None:
    if actor is None:  # the command line: whoever runs it administers the installation
        return
    if actor.pk == user.pk:
        raise ErasureRefused("own_account", _("You cannot erase your own account."))
    if not policy.can(actor, Activity.ERASE_PERSON, user):
        raise ErasureRefused(
            "not_administrator",
            _("Only an administrator of the whole installation erases a person."),
        )


def _end_sessions(user: User) -> int:
    """Delete the database sessions signed in as ``user``. (The changed password hash ends any
    other session too: Django checks it on every request.)"""
    ended = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            ended.append(session.pk)
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _reminders_readdressed(old_email: str, new_email: str, user: User) -> int:
    """The records of reminders sent to the person keep when and why, not the address: the
    deadline reminders addressed to the account and every label or invoice reminder whose
    recipients name the old address get the placeholder instead. Returns the rows changed."""
    changed = DeadlineReminder.objects.filter(recipient=user).update(email=new_email)
    wanted = old_email.strip().casefold()
    if not wanted:
        return changed
    for model in (LabelReminder, InvoiceReminder):
        for reminder in model.objects.only("pk", "recipients").iterator():
            recipients = reminder.recipients if isinstance(reminder.recipients, list) else []
            if any(isinstance(r, str) and r.strip().casefold() == wanted for r in recipients):
                reminder.recipients = [
                    new_email if isinstance(r, str) and r.strip().casefold() == wanted else r
                    for r in recipients
                ]
                reminder.save(update_fields=["recipients"])
                changed += 1
    return changed


def person_erase(*, user: User, actor: User | None, reason: str = "") -> Erasure:
    """Erase a person: refused unless ``actor`` administers the whole installation (``None``:
    the command line), never for oneself, and refused while the person is needed on something
    under way (``selectors.erasure_blockers``: ``ErasureRefused`` lists them).

    In one transaction: the account is deactivated, its password made unusable, its name set to
    ``pseudonym_of(user)``, its username and e-mail address to unique, non-deliverable
    placeholders, its country emptied; every grant is revoked through ``grant_revoke`` (each
    audited, with the pseudonymous name in the snapshot), every API token revoked (audited),
    the assessor profile deleted with its qualifications and declared conflicts, every
    database session ended, open erasure requests closed and their reasons emptied, the
    records of reminders sent to the person readdressed to the placeholder; the
    audit trail relabels the person's format-2 events and registers the old identifiers
    (``audit_erase_person``), so no page shows the old name; ``account.erase`` is recorded
    without personal data. The chain still verifies. Erasing an erased person again changes
    nothing but records nothing new either.
    """
    _check_eraser(actor, user)
    pseudonym = pseudonym_of(user)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        # Checked inside the transaction, right before the writes. The services that assign
        # a person do not lock the account, so a panel changed in this very moment can still
        # slip through; the window is as small as it can be without that lock.
        blockers = erasure_blockers(user=locked)
        if blockers:
            raise ErasureRefused(
                "under_way",
                _("%(person)s cannot be erased now: %(blockers)s.")
                % {"person": pseudonym, "blockers": "; ".join(b.what for b in blockers)},
                blockers,
            )
        was_active = locked.is_active
        already = locked.username == f"erased-{locked.pk}"
        identifiers = [
            locked.username,
            locked.email,
            locked.get_full_name(),
            locked.first_name,
            locked.last_name,
        ]
        locked.username = f"erased-{locked.pk}"
        locked.email = f"erased-{locked.pk}@{ERASED_EMAIL_DOMAIN}"
        locked.first_name, locked.last_name = pseudonym, ""
        locked.country = ""
        locked.is_active = False
        locked.set_unusable_password()
        locked.save(
            update_fields=[
                "username",
                "email",
                "first_name",
                "last_name",
                "country",
                "is_active",
                "password",
            ]
        )
        grants = list(Grant.objects.filter(user=locked).select_related("user"))
        for grant in grants:
            grant_revoke(actor=actor, grant=grant, reason=_("erasure of the person"))
        tokens = list(
            ApiToken.objects.select_for_update().filter(user=locked, revoked_at__isnull=True)
        )
        now = timezone.now()
        for token in tokens:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            audit_record(
                actor=actor,
                action="api_token.revoke",
                target=token,
                before={"revoked_at": None},
                after={"revoked_at": now.isoformat()},
                reason=_("erasure of the person"),
            )
        # The assessor profile is the person's own description (languages, sectors, countries,
        # qualifications, conflicts declared with notes): it goes with the person.
        AssessorProfile.objects.filter(user=locked).delete()
        sessions = _end_sessions(locked)
        _reminders_readdressed(identifiers[1], locked.email, locked)
        ErasureRequest.objects.filter(user=locked, status=ErasureStatus.OPEN).update(
            status=ErasureStatus.CARRIED_OUT, carried_out_at=now
        )
        ErasureRequest.objects.filter(user=locked).update(reason="")
        relabelled = audit_erase_person(
            user=locked, pseudonym=pseudonym, identifiers=[i for i in identifiers if i]
        )
        if not already:
            audit_record(
                actor=actor,
                action="account.erase",
                target=locked,
                before={"active": was_active},
                after={"active": False, "erased": True},
                reason=reason,
            )
    policy.forget_grants(user)
    return Erasure(
        user=locked,
        grants_revoked=len(grants),
        tokens_revoked=len(tokens),
        sessions_ended=sessions,
        events_relabelled=relabelled,
    )
