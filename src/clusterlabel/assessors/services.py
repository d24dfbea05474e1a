"""Every write to the expert pool.

Each service runs in one transaction, asks the policy (``clusterlabel.access.policy``) first
and refuses with ``PermissionDenied`` (nothing written), validates the row (``full_clean``),
saves and appends the audit event in the same transaction.

* The assessor keeps their own profile: languages, sectors and countries
  (``assessor_profile_update``), qualifications (``qualification_add``,
  ``qualification_remove``; a new one waits for confirmation) and declared conflicts
  (``declared_conflict_add``, ``declared_conflict_remove``).
* The secretariat of the qualification's scheme confirms it (``qualification_confirm``); never
  the assessor themself, and never one that has already ended.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clusterlabel.access import policy
from clusterlabel.access.policy import Activity
from clusterlabel.accounts.models import User
from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
from clusterlabel.audit.services import audit_record
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.models import SchemeVersion


def _codes(values: Iterable[str], *, upper: bool) -> list[str]:
    """Sorted, without repetitions or blanks, in the case the codes are written in."""
    cleaned = {v.strip().upper() if upper else v.strip().lower() for v in values}
    return sorted(v for v in cleaned if v)


def assessor_profile_for(user: User) -> AssessorProfile:
    """The user's profile, made empty on first use (no audit event: it holds nothing yet)."""
    profile, _created = AssessorProfile.objects.get_or_create(user=user)
    return profile


def _own_profile(actor: User, *, lock: bool = True) -> AssessorProfile:
    """The actor's own profile, locked; ``PermissionDenied`` unless they may keep one."""
    # Asked on an unsaved profile first, so a refused attempt leaves no empty profile behind.
    if not policy.can(actor, Activity.EDIT_OWN_ASSESSOR_PROFILE, AssessorProfile(user=actor)):
        raise PermissionDenied
    profile = assessor_profile_for(actor)
    if lock:
        profile = AssessorProfile.objects.select_for_update().get(pk=profile.pk)
    return profile


def _profile_state(profile: AssessorProfile) -> dict[str, list[str]]:
    return {
        "languages": list(profile.languages),
        "sectors": list(profile.sectors),
        "countries": list(profile.countries),
    }


def assessor_profile_update(
    *,
    actor: User,
    languages: Iterable[str],
    sectors: Iterable[str],
    countries: Iterable[str],
) -> AssessorProfile:
    """The assessor sets the languages (ISO 639-1), sectors and countries (ISO 3166-1
    alpha-2; none: no restriction) of their own profile. Only their own: the profile is always
    the actor's."""
    with transaction.atomic():
        profile = _own_profile(actor)
        before = _profile_state(profile)
        profile.languages = _codes(languages, upper=False)
        profile.sectors = _codes(sectors, upper=False)
        profile.countries = _codes(countries, upper=True)
        profile.full_clean()
        profile.save(update_fields=["languages", "sectors", "countries", "updated_at"])
        audit_record(
            actor=actor,
            action="assessor_profile.update",
            target=profile,
            before=before,
            after=_profile_state(profile),
        )
    return profile


def _check_level(scheme_id: str, level_id: str) -> None:
    version = SchemeVersion.objects.filter(scheme_id=scheme_id, is_current=True).first()
    if version is None:
        raise ValidationError({"scheme_id": _("There is no such scheme.")})
    if level_id not in {level.id for level in version.scheme.levels}:
        raise ValidationError({"level_id": _("The scheme has no such level.")})


def qualification_add(
    *,
    actor: User,
    scheme_id: str,
    level_id: str,
    kind: str,
    valid_from: date,
    valid_until: date,
) -> Qualification:
    """The assessor records a qualification of their own for a scheme's level. It does not count
    until the scheme's secretariat confirms it (``qualification_confirm``)."""
    _check_level(scheme_id, level_id)
    with transaction.atomic():
        profile = _own_profile(actor)
        qualification = Qualification(
            profile=profile,
            scheme_id=scheme_id,
            level_id=level_id,
            kind=kind,
            valid_from=valid_from,
            valid_until=valid_until,
        )
        try:
            qualification.full_clean()
        except ValidationError as exc:
            if "__all__" in exc.message_dict and valid_until < valid_from:
                raise ValidationError(
                    {"valid_until": _("The end must not be before the start.")}
                ) from exc
            raise
        qualification.save()
        audit_record(
            actor=actor,
            action="qualification.add",
            target=qualification,
            after={
                "scheme": scheme_id,
                "level": level_id,
                "kind": kind,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    return qualification


def qualification_remove(*, actor: User, qualification: Qualification) -> None:
    """The assessor removes one of their own qualifications (confirmed or not)."""
    with transaction.atomic():
        profile = _own_profile(actor)
        locked = (
            Qualification.objects.select_for_update()
            .filter(pk=qualification.pk, profile=profile)
            .first()
        )
        if locked is None:
            raise PermissionDenied
        audit_record(
            actor=actor,
            action="qualification.remove",
            target=locked,
            before={
                "scheme": locked.scheme_id,
                "level": locked.level_id,
                "valid_until": locked.valid_until,
                "confirmed": locked.confirmed,
            },
        )
        locked.delete()


def qualification_confirm(
    *, actor: User, qualification: Qualification, today: date | None = None
) -> Qualification:
    """The scheme's secretariat confirms a qualification for its scheme: from now on it counts
    for the panel until ``valid_until``.

    Refused with ``PermissionDenied`` for anyone who is not the secretariat of that scheme
    (directly or through its operator) and for the assessor themself; with a
    ``ValidationError`` for a qualification that has already ended or is already confirmed.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = (
            Qualification.objects.select_for_update()
            .select_related("profile")
            .get(pk=qualification.pk)
        )
        if not policy.can(actor, Activity.CONFIRM_QUALIFICATION, locked):
            raise PermissionDenied
        if locked.profile.user_id == actor.pk:
            raise PermissionDenied
        if locked.confirmed:
            raise ValidationError(_("This qualification has already been confirmed."))
        if locked.valid_until < today:
            raise ValidationError(
                _("This qualification ended on %(date)s and can no longer be confirmed.")
                % {"date": locked.valid_until.isoformat()}
            )
        locked.confirmed_by = actor
        locked.confirmed_at = timezone.now()
        locked.full_clean()
        locked.save(update_fields=["confirmed_by", "confirmed_at"])
        audit_record(
            actor=actor,
            action="qualification.confirm",
            target=locked,
            before={"confirmed": False},
            after={
                "confirmed": True,
                "assessor": locked.profile.user_id,
                "scheme": locked.scheme_id,
                "level": locked.level_id,
                "valid_until": locked.valid_until,
            },
        )
    return locked


def declared_conflict_add(
    *, actor: User, organisation: Organisation, note: str, since: date | None = None
) -> DeclaredConflict:
    """The assessor declares once that they have a conflict of interest with ``organisation``
    (they worked for it, advise it, ...): from now on they are not suggested for its procedures
    and cannot be put on their panels."""
    if not note.strip():
        raise ValidationError({"note": _("Please describe the conflict of interest.")})
    with transaction.atomic():
        profile = _own_profile(actor)
        if DeclaredConflict.objects.filter(profile=profile, organisation=organisation).exists():
            raise ValidationError(
                {"organisation": _("You have already declared a conflict with this organisation.")}
            )
        conflict = DeclaredConflict(
            profile=profile, organisation=organisation, note=note.strip(), since=since
        )
        conflict.full_clean()
        conflict.save()
        audit_record(
            actor=actor,
            action="declared_conflict.add",
            target=conflict,
            after={"organisation": organisation.pk, "since": since},
            reason=conflict.note,
        )
    return conflict


def declared_conflict_remove(*, actor: User, conflict: DeclaredConflict) -> None:
    """The assessor withdraws one of their own declared conflicts."""
    with transaction.atomic():
        profile = _own_profile(actor)
        locked = (
            DeclaredConflict.objects.select_for_update()
            .filter(pk=conflict.pk, profile=profile)
            .first()
        )
        if locked is None:
            raise PermissionDenied
        audit_record(
            actor=actor,
            action="declared_conflict.remove",
            target=locked,
            before={"organisation": locked.organisation_id, "note": locked.note},
        )
        locked.delete()
