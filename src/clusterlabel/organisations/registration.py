"""Self-service for cluster managers: registering an organisation, claiming an existing one, and
the secretariat's decisions on both.

Guarantees of every service here: it runs in one transaction, locks the row whose state changes,
asks the policy before writing (``PermissionDenied`` otherwise, nothing written), writes one audit
event naming the person who acted, and sends its e-mail only after the commit.

* ``organisation_register``: a person without a staff role creates an *unconfirmed* profile and
  is granted cluster manager for it at once, so they can complete the draft and prepare an
  application. It is not public and no application of it is accepted (the procedure's
  ``organisation_confirmed`` guard) until the secretariat of the scheme it applies for confirms
  it.
* ``organisation_claim``: a request to manage an existing, confirmed organisation. It grants
  nothing until the secretariat accepts it.
* ``registration_confirm`` / ``registration_reject`` and ``claim_accept`` / ``claim_reject``:
  only the secretariat of the scheme named in the registration or claim decides
  (``Activity.CONFIRM_ORGANISATION`` for that scheme); a rejection needs a reason and is
  e-mailed to the person.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity, can, held_roles
from clusterlabel.access.services import ScopeChoice, grant_create
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.mail import mail_text
from clusterlabel.domain.access import STAFF_ROLES
from clusterlabel.organisations.models import Organisation, OrganisationClaim, Programme
from clusterlabel.organisations.published import published_changed
from clusterlabel.organisations.services import (
    FundingShares,
    _check_data,
    _check_funding,
    _snapshot,
    _validate,
    _write_funding,
)
from clusterlabel.schemes.models import SchemeVersion

logger = logging.getLogger(__name__)


# --- who may ---------------------------------------------------------------------------------


def may_register(user: Any) -> bool:
    """An active person without a staff role may register or claim organisations (a cluster
    manager of one organisation may register a second)."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and not held_roles(user) & STAFF_ROLES
    )


def confirmable_scheme_ids(user: Any) -> list[str]:
    """The schemes whose registrations and claims ``user`` decides (secretariat of the scheme,
    directly or through its operator). One query."""
    versions = SchemeVersion.objects.filter(is_current=True).order_by("scheme_id")
    return [v.scheme_id for v in versions if can(user, Activity.CONFIRM_ORGANISATION, v)]


def _require_secretariat(actor: User, scheme_id: str) -> None:
    if not scheme_id or not can(actor, Activity.CONFIRM_ORGANISATION, scheme_id):
        raise PermissionDenied


def _check_scheme(scheme_id: str) -> None:
    if not SchemeVersion.objects.filter(scheme_id=scheme_id, is_current=True).exists():
        raise ValidationError(
            {"requested_scheme_id": _("Choose one of the schemes run here.")}, code="unknown_scheme"
        )


def _check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Please give a reason.")}, code="reason_required")
    return reason


# --- reads -----------------------------------------------------------------------------------


def pending_registrations(*, user: User) -> QuerySet[Organisation]:
    """Unconfirmed, unrejected organisations that ``user`` decides on, oldest first, with the
    person who registered each."""
    return (
        Organisation.objects.filter(
            confirmed_at__isnull=True,
            rejected_at__isnull=True,
            requested_scheme_id__in=confirmable_scheme_ids(user),
        )
        .select_related("registered_by")
        .order_by("created_at", "pk")
    )


def open_claims(*, user: User) -> QuerySet[OrganisationClaim]:
    """Open claims that ``user`` decides on, oldest first, with the person and organisation."""
    return (
        OrganisationClaim.objects.filter(
            decided_at__isnull=True, scheme_id__in=confirmable_scheme_ids(user)
        )
        .select_related("user", "organisation")
        .order_by("created_at", "pk")
    )


def claimable_organisations(*, user: User, search: str, limit: int = 20) -> list[Organisation]:
    """Confirmed organisations whose legal or cluster name contains ``search`` (at least three
    characters), that ``user`` does not manage yet. Only names and places are shown."""
    search = search.strip()
    if len(search) < 3:
        return []
    return list(
        Organisation.objects.filter(confirmed_at__isnull=False)
        .filter(Q(legal_name__icontains=search) | Q(cluster_name__icontains=search))
        .exclude(pk__in=user.managed_organisations.values("pk"))
        .order_by("cluster_name", "pk")[:limit]
    )


# --- the person ------------------------------------------------------------------------------


def organisation_register(
    *,
    actor: User,
    data: Mapping[str, Any],
    requested_scheme_id: str,
    funding_sources: FundingShares | None = None,
    programmes: Iterable[Programme] = (),
) -> Organisation:
    """Register a new organisation, unconfirmed, and make ``actor`` its cluster manager.
    Refused for staff and inactive accounts, and while the person's previous registration still
    waits for a decision. Records ``organisation.register``."""
    if not may_register(actor):
        raise PermissionDenied
    _check_data(data)
    _check_funding(funding_sources)
    _check_scheme(requested_scheme_id)
    organisation = Organisation(
        **data,
        confirmed_at=None,
        requested_scheme_id=requested_scheme_id,
        registered_by=actor,
    )
    organisation.set_name_search_key()
    _validate(organisation, funding_sources)
    with transaction.atomic():
        User.objects.select_for_update().get(pk=actor.pk)  # one registration at a time
        if Organisation.objects.filter(
            registered_by=actor, confirmed_at__isnull=True, rejected_at__isnull=True
        ).exists():
            raise ValidationError(
                _("Your previous registration is still waiting for the secretariat."),
                code="registration_pending",
            )
        organisation.save()
        if funding_sources:
            _write_funding(organisation, funding_sources)
        organisation.programmes.set(list(programmes))
        # The system grants: the registrant is not an administrator, and the grant is bounded by
        # the unconfirmed organisation they just created.
        grant_create(
            actor=None,
            user=actor,
            role=Role.CLUSTER_MANAGER,
            scope=ScopeChoice(organisation=organisation),
            reason="self-registration",
        )
        policy.forget_grants(actor)
        audit_record(
            actor=actor,
            action="organisation.register",
            target=organisation,
            after={**_snapshot(organisation), "requested_scheme": requested_scheme_id},
        )
    return organisation


def organisation_claim(
    *, actor: User, organisation: Organisation, scheme_id: str, note: str = ""
) -> OrganisationClaim:
    """Ask to manage an existing, confirmed organisation. Grants nothing. Refused for staff, for
    an organisation the person already manages or has an open claim on, and for an unconfirmed
    one (someone else's registration). Records ``organisation.claim``."""
    if not may_register(actor):
        raise PermissionDenied
    _check_scheme(scheme_id)
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if not locked.is_confirmed:
            raise PermissionDenied
        if locked.managers.filter(pk=actor.pk).exists():
            raise ValidationError(
                _("You already manage this organisation."), code="already_manager"
            )
        if OrganisationClaim.objects.filter(
            user=actor, organisation=locked, decided_at__isnull=True
        ).exists():
            raise ValidationError(
                _("Your request for this organisation is still waiting for the secretariat."),
                code="claim_pending",
            )
        claim = OrganisationClaim(
            user=actor, organisation=locked, scheme_id=scheme_id, note=note.strip()
        )
        claim.full_clean()
        claim.save()
        audit_record(
            actor=actor,
            action="organisation.claim",
            target=locked,
            after={"claim": claim.pk, "scheme": scheme_id, "note": claim.note},
        )
    return claim


# --- the secretariat -------------------------------------------------------------------------


def _pending_locked(organisation: Organisation) -> Organisation:
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not locked.is_pending:
        raise ValidationError(
            _("This registration has already been decided."), code="already_decided"
        )
    return locked


def registration_confirm(*, actor: User, organisation: Organisation) -> Organisation:
    """Confirm a self-registered organisation: from now on its applications can be accepted.
    Only the secretariat of the scheme it applies for. Records ``organisation.confirm`` and
    tells its managers."""
    _require_secretariat(actor, organisation.requested_scheme_id)
    with transaction.atomic():
        locked = _pending_locked(organisation)
        _require_secretariat(actor, locked.requested_scheme_id)
        locked.confirmed_at = timezone.now()
        locked.confirmed_by = actor
        locked.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
        published_changed.run(locked)
        audit_record(
            actor=actor,
            action="organisation.confirm",
            target=locked,
            before={"confirmed": False},
            after={"confirmed": True, "scheme": locked.requested_scheme_id},
        )
        _mail_after_commit(
            _registration_recipients(locked),
            "organisations/email/registration_confirmed.txt",
            organisation_id=locked.pk,
        )
    return locked


def registration_reject(*, actor: User, organisation: Organisation, reason: str) -> Organisation:
    """Reject a self-registration with a reason, which is e-mailed to the registrant. The
    profile stays (unconfirmed, not public); the managers can read the reason on it. Records
    ``organisation.reject``."""
    _require_secretariat(actor, organisation.requested_scheme_id)
    reason = _check_reason(reason)
    with transaction.atomic():
        locked = _pending_locked(organisation)
        _require_secretariat(actor, locked.requested_scheme_id)
        locked.rejected_at = timezone.now()
        locked.rejected_by = actor
        locked.rejection_reason = reason
        locked.save(update_fields=["rejected_at", "rejected_by", "rejection_reason", "updated_at"])
        audit_record(
            actor=actor,
            action="organisation.reject",
            target=locked,
            before={"confirmed": False},
            after={"rejected": True, "scheme": locked.requested_scheme_id},
            reason=reason,
        )
        _mail_after_commit(
            _registration_recipients(locked),
            "organisations/email/registration_rejected.txt",
            organisation_id=locked.pk,
            reason=reason,
        )
    return locked


def _open_claim_locked(claim: OrganisationClaim) -> OrganisationClaim:
    locked = (
        OrganisationClaim.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=claim.pk)
    )
    if not locked.is_open:
        raise ValidationError(_("This request has already been decided."), code="already_decided")
    return locked


def claim_accept(*, actor: User, claim: OrganisationClaim) -> OrganisationClaim:
    """Accept a claim: the person is granted cluster manager for the organisation (by the
    system, since the secretariat is no administrator; this event names the secretariat).
    Refused when the person meanwhile holds a staff role or is inactive. Records
    ``organisation.claim_accept``."""
    _require_secretariat(actor, claim.scheme_id)
    with transaction.atomic():
        locked = _open_claim_locked(claim)
        _require_secretariat(actor, locked.scheme_id)
        if not may_register(locked.user):
            raise ValidationError(
                _("%(person)s cannot manage an organisation (inactive or a staff role).")
                % {"person": locked.user},
                code="not_a_cluster_manager",
            )
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.accepted = True
        locked.save(update_fields=["decided_at", "decided_by", "accepted"])
        if not locked.organisation.managers.filter(pk=locked.user_id).exists():
            grant_create(
                actor=None,
                user=locked.user,
                role=Role.CLUSTER_MANAGER,
                scope=ScopeChoice(organisation=locked.organisation),
                reason=f"claim {locked.pk} accepted by {actor.username}",
            )
        audit_record(
            actor=actor,
            action="organisation.claim_accept",
            target=locked.organisation,
            after={"claim": locked.pk, "manager": locked.user.username, "scheme": locked.scheme_id},
        )
        _mail_after_commit(
            [locked.user],
            "organisations/email/claim_accepted.txt",
            organisation_id=locked.organisation_id,
        )
    return locked


def claim_reject(*, actor: User, claim: OrganisationClaim, reason: str) -> OrganisationClaim:
    """Reject a claim with a reason, which is e-mailed to the person. Records
    ``organisation.claim_reject``."""
    _require_secretariat(actor, claim.scheme_id)
    reason = _check_reason(reason)
    with transaction.atomic():
        locked = _open_claim_locked(claim)
        _require_secretariat(actor, locked.scheme_id)
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.accepted = False
        locked.decision_reason = reason
        locked.save(update_fields=["decided_at", "decided_by", "accepted", "decision_reason"])
        audit_record(
            actor=actor,
            action="organisation.claim_reject",
            target=locked.organisation,
            after={"claim": locked.pk, "person": locked.user.username, "scheme": locked.scheme_id},
            reason=reason,
        )
        _mail_after_commit(
            [locked.user],
            "organisations/email/claim_rejected.txt",
            organisation_id=locked.organisation_id,
            reason=reason,
        )
    return locked


# --- e-mail ----------------------------------------------------------------------------------


def _registration_recipients(organisation: Organisation) -> list[User]:
    people = {m.pk: m for m in organisation.managers.all()}
    if organisation.registered_by is not None:
        people.setdefault(organisation.registered_by.pk, organisation.registered_by)
    return list(people.values())


def _mail_after_commit(
    users: Iterable[User], template: str, *, organisation_id: int, **context: object
) -> None:
    user_ids = [u.pk for u in users]
    transaction.on_commit(
        lambda: send_decision_mail(
            user_ids=user_ids, template=template, organisation_id=organisation_id, **context
        )
    )


def send_decision_mail(
    *, user_ids: list[int], template: str, organisation_id: int, **context: object
) -> int:
    """One e-mail per active recipient, in their language; a failing server is logged."""
    organisation = Organisation.objects.get(pk=organisation_id)
    url = settings.SITE_URL + reverse("organisations:detail", args=[organisation.pk])
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        subject, text = mail_text(
            template,
            {"organisation": organisation, "recipient": user, "url": url, **context},
            language=user.preferred_language or settings.LANGUAGE_CODE,
        )
        try:
            send_mail(subject, text, None, [user.email])
            sent += 1
        except OSError:
            logger.exception("Could not send %s to %s", template, user.email)
    return sent
