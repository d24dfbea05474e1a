"""Every write to an organisation's profile: creating it and changing it, with the audit event.

Guarantees of both services: the actor may do it (else ``PermissionDenied``, nothing written);
the profile passes the model's validation and the rules below (else ``ValidationError`` keyed by
field, nothing written); the profile, its funding shares, programmes and managers are written
together with one audit event that holds the changed values before and after.

Rules beyond the model's field validation (``organisation_rule_errors``): there are no more SMEs
than companies; the funding shares add up to at most 100 %; a region lies in the organisation's
country, as one of its ISO 3166-2 codes (``clusterlabel.core.countries``); the country is an
ISO 3166-1 code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from clusterlabel.access.policy import Activity, can, held_roles
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.services import audit_record
from clusterlabel.core.countries import parse_country, subdivision_codes
from clusterlabel.domain.access import STAFF_ROLES
from clusterlabel.domain.fees import EU_MEMBER_STATES
from clusterlabel.domain.numbers import decimal_places
from clusterlabel.organisations.choices import FundingKind
from clusterlabel.organisations.models import (
    FundingSource,
    Organisation,
    Programme,
    country_code,
    region_code,
    vat_id_format,
)
from clusterlabel.organisations.published import published_changed

# The profile's own fields, as services accept them in ``data``.
PROFILE_FIELDS: tuple[str, ...] = (
    "legal_name",
    "cluster_name",
    "country",
    "region",
    "city",
    "vat_id",
    "sector",
    "founding_year",
    "website",
    "listed_in_cluster_database",
    "members_companies",
    "members_smes",
    "members_research_education",
    "members_public_bodies",
    "members_civil_society",
    "staff_fte",
    "annual_budget",
)


MAX_FUNDING_TOTAL = Decimal("100")

FundingShares = Mapping[str, Decimal | None]


def _percent(value: Decimal) -> str:
    normalized = value.normalize()
    places = decimal_places(normalized)
    return formats.number_format(normalized, decimal_pos=places, use_l10n=True)


def organisation_rule_errors(
    *,
    country: str | None,
    region: str | None,
    members_companies: int | None,
    members_smes: int | None,
    funding_sources: FundingShares | None,
    vat_id: str | None = None,
) -> dict[str, list[ValidationError]]:
    """The profile rules a single field's validation cannot see, keyed by the field at fault
    (``funding_sources`` for the shares together). Empty when every rule holds."""
    errors: dict[str, list[ValidationError]] = {}
    if (
        members_smes is not None
        and members_companies is not None
        and members_smes > members_companies
    ):
        errors["members_smes"] = [
            ValidationError(
                _("%(smes)s SMEs are more than the %(companies)s companies they are part of."),
                code="smes_exceed_companies",
                params={"smes": members_smes, "companies": members_companies},
            )
        ]
    if funding_sources:
        total = sum((share for share in funding_sources.values() if share is not None), Decimal(0))
        if total > MAX_FUNDING_TOTAL:
            errors["funding_sources"] = [
                ValidationError(
                    _(
                        "The funding shares add up to %(total)s %%; "
                        "together they can be at most 100 %%."
                    ),
                    code="funding_over_100_percent",
                    params={"total": _percent(total)},
                )
            ]
    if country and re.match(country_code.regex, country) and parse_country(country) != country:
        errors["country"] = [
            ValidationError(
                _("%(country)s is not a country code (ISO 3166-1, e.g. DE)."),
                code="unknown_country",
                params={"country": country},
            )
        ]
    elif (
        region
        and country
        and re.match(country_code.regex, country)
        and re.match(region_code.regex, region)
    ):
        known = subdivision_codes(country)
        if not region.startswith(f"{country}-"):
            errors["region"] = [
                ValidationError(
                    _("%(region)s is not a region of %(country)s."),
                    code="region_outside_country",
                    params={"region": region, "country": country},
                )
            ]
        elif known and region not in known:
            shown = ", ".join(sorted(known)) if len(known) <= 30 else ""
            message = (
                _("%(region)s is not a region of %(country)s; use one of %(codes)s.")
                if shown
                else _("%(region)s is not a region of %(country)s (ISO 3166-2).")
            )
            errors["region"] = [
                ValidationError(
                    message,
                    code="unknown_region",
                    params={"region": region, "country": country, "codes": shown},
                )
            ]
    # The VAT ID decides the reverse charge (``clusterlabel.domain.fees``): in the EU it must
    # be one of the seat's country (Greece's start with EL).
    prefix = "EL" if country == "GR" else country
    if (
        vat_id
        and re.match(vat_id_format.regex, vat_id)
        and country in EU_MEMBER_STATES
        and not vat_id.startswith(str(prefix))
    ):
        errors["vat_id"] = [
            ValidationError(
                _("A VAT ID of an organisation seated in %(country)s starts with %(prefix)s."),
                code="vat_id_of_another_country",
                params={"country": country, "prefix": prefix},
            )
        ]
    return errors


def _check_data(data: Mapping[str, Any]) -> None:
    unknown = set(data) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not profile fields: {', '.join(sorted(unknown))}")


def _check_funding(funding_sources: FundingShares | None) -> None:
    if funding_sources is not None:
        unknown = set(funding_sources) - set(FundingKind.values)
        if unknown:
            raise ValueError(f"not funding kinds: {', '.join(sorted(unknown))}")


def _validate(organisation: Organisation, funding_sources: FundingShares | None) -> None:
    """Raise one ``ValidationError`` with every problem of the profile, keyed by field."""
    errors: dict[str, list[ValidationError]] = organisation_rule_errors(
        country=organisation.country,
        region=organisation.region,
        members_companies=organisation.members_companies,
        members_smes=organisation.members_smes,
        funding_sources=funding_sources,
        vat_id=organisation.vat_id,
    )
    try:
        # A field the rules already refused is not validated twice (the SMEs constraint would
        # repeat the rule's message without the numbers).
        organisation.full_clean(exclude=set(errors))
    except ValidationError as exc:
        for field, field_errors in exc.error_dict.items():
            errors.setdefault(field, []).extend(field_errors)
    if errors:
        raise ValidationError(errors)


def _check_managers(managers: Iterable[User]) -> list[User]:
    managers = list(managers)
    wrong = [m for m in managers if held_roles(m) & STAFF_ROLES or not m.is_active]
    if wrong:
        raise ValidationError(
            {
                "managers": ValidationError(
                    _(
                        "Only active accounts without a staff role can manage an organisation: "
                        "%(names)s."
                    ),
                    code="not_a_cluster_manager",
                    params={"names": ", ".join(str(m) for m in wrong)},
                )
            }
        )
    return managers


def _write_funding(organisation: Organisation, funding_sources: FundingShares) -> None:
    """Make the stored shares equal ``funding_sources``: an empty share removes the source."""
    existing = {source.kind: source for source in organisation.funding_sources.all()}
    for kind, share in funding_sources.items():
        source = existing.get(kind)
        if share is None:
            if source is not None:
                source.delete()
        elif source is None:
            source = FundingSource(organisation=organisation, kind=kind, share_percent=share)
            source.full_clean()
            source.save()
        elif source.share_percent != share:
            source.share_percent = share
            source.full_clean()
            source.save(update_fields=["share_percent"])


def _snapshot(organisation: Organisation) -> dict[str, Any]:
    """The profile as the audit trail records it: fields, shares, programmes, managers."""
    values: dict[str, Any] = {}
    for field in PROFILE_FIELDS:
        value = getattr(organisation, field)
        if isinstance(value, Decimal):
            # As stored: 3.5 typed is 3.50 saved, and the trail says what was saved.
            model_field = Organisation._meta.get_field(field)
            assert isinstance(model_field, models.DecimalField)  # the field of a Decimal value
            places = model_field.decimal_places
            value = value.quantize(Decimal(1).scaleb(-places))
        values[field] = value
    values["funding_sources"] = {
        source.kind: source.share_percent
        for source in FundingSource.objects.filter(organisation=organisation).order_by("kind")
    }
    values["programmes"] = sorted(organisation.programmes.values_list("slug", flat=True))
    values["managers"] = sorted(organisation.managers.values_list("username", flat=True))
    return values


def organisation_create(
    *,
    actor: User,
    data: Mapping[str, Any],
    funding_sources: FundingShares | None = None,
    programmes: Iterable[Programme] = (),
    managers: Iterable[User] = (),
) -> Organisation:
    """Create an organisation's profile. Only the secretariat creates profiles; the managers
    must be active accounts without a staff role (they are granted cluster manager for it).
    Records ``organisation.create`` with the values."""
    if not can(actor, Activity.CREATE_ORGANISATION):
        raise PermissionDenied
    _check_data(data)
    _check_funding(funding_sources)
    organisation = Organisation(**data)
    organisation.set_name_search_key()
    _validate(organisation, funding_sources)
    managers = _check_managers(managers)
    with transaction.atomic():
        organisation.save()
        if funding_sources:
            _write_funding(organisation, funding_sources)
        organisation.programmes.set(list(programmes))
        organisation.managers.set(managers, through_defaults={"role": Role.CLUSTER_MANAGER})
        audit_record(
            actor=actor,
            action="organisation.create",
            target=organisation,
            after=_snapshot(organisation),
        )
    return organisation


class OrganisationConflict(Exception):
    """The profile was changed by someone else since the form was filled in: nothing was saved.
    ``organisation`` is the profile as it stands now."""

    def __init__(self, organisation: Organisation) -> None:
        self.organisation = organisation
        super().__init__(f"organisation {organisation.pk} is at revision {organisation.revision}")


def organisation_update(
    *,
    organisation: Organisation,
    actor: User,
    data: Mapping[str, Any],
    funding_sources: FundingShares | None = None,
    programmes: Iterable[Programme] | None = None,
    managers: Iterable[User] | None = None,
    based_on_revision: int | None = None,
) -> Organisation:
    """Change an organisation's profile. Its cluster managers and the secretariat may; only the
    secretariat changes who manages it. ``None`` leaves the shares, programmes or managers as
    they are. Records ``organisation.update`` with the changed values before and after; a save
    that changes nothing records nothing.

    ``based_on_revision``: the ``Organisation.revision`` the change was made from (the form
    sends it back); when the profile has been saved since, ``OrganisationConflict`` is raised
    and nothing is saved, so two managers editing at once do not silently overwrite each
    other. ``None`` (a caller without a form) skips the check."""
    _check_data(data)
    _check_funding(funding_sources)
    with transaction.atomic():
        locked = (
            Organisation.objects.select_for_update()
            .prefetch_related("managers", "funding_sources")
            .get(pk=organisation.pk)
        )
        if not can(actor, Activity.EDIT_ORGANISATION, locked):
            raise PermissionDenied
        if managers is not None and not can(actor, Activity.CHANGE_MANAGERS, locked):
            raise PermissionDenied
        if based_on_revision is not None and locked.revision != based_on_revision:
            raise OrganisationConflict(locked)
        before = _snapshot(locked)
        for field, value in data.items():
            setattr(locked, field, value)
        # The rules look at the shares as they will be: the stored ones with the new ones over them.
        shares = dict(before["funding_sources"])
        if funding_sources is not None:
            shares.update(funding_sources)
        _validate(locked, shares)
        if managers is not None:
            managers = _check_managers(managers)
        changed_fields = [
            field for field in PROFILE_FIELDS if getattr(locked, field) != before[field]
        ]
        if "legal_name" in changed_fields or "cluster_name" in changed_fields:
            locked.set_name_search_key()
            changed_fields.append("name_search_key")
        if changed_fields:
            locked.save(update_fields=[*changed_fields, "updated_at"])
            published_changed.run(locked)
        if funding_sources is not None:
            _write_funding(locked, funding_sources)
        if programmes is not None:
            locked.programmes.set(list(programmes))
        if managers is not None:
            locked.managers.set(managers, through_defaults={"role": Role.CLUSTER_MANAGER})
        after = _snapshot(locked)
        changed = [key for key in after if after[key] != before[key]]
        if changed:
            if not changed_fields:
                locked.save(update_fields=["updated_at"])
            audit_record(
                actor=actor,
                action="organisation.update",
                target=locked,
                before={key: before[key] for key in changed},
                after={key: after[key] for key in changed},
            )
    return locked


def programme_save(
    *,
    slug: str,
    name: str | None = None,
    owner: str | None = None,
    rule: Mapping[str, Any] | None = None,
    actor: User | None = None,
) -> Programme:
    """Create the programme ``slug`` or change its name, owner or rule for members (``None``
    leaves a value as it is). The rule is checked by the domain's reader (``ValidationError``
    on ``rule`` naming every problem, nothing written). Only the operators of the
    installation do this (the ``programmes`` command, ``actor`` None) or an installation
    administrator. Records ``programme.create`` or ``programme.update`` with the values
    before and after; a save that changes nothing records nothing."""
    with transaction.atomic():
        programme = Programme.objects.select_for_update().filter(slug=slug).first()
        created = programme is None
        if programme is None:
            programme = Programme(slug=slug, name=name or slug)
        if actor is not None and not can(actor, Activity.MANAGE_PROGRAMMES, programme):
            raise PermissionDenied
        before = {"name": programme.name, "owner": programme.owner, "rule": programme.rule}
        if name is not None:
            programme.name = name
        if owner is not None:
            programme.owner = owner
        if rule is not None:
            programme.rule = dict(rule)
        programme.full_clean()
        after = {"name": programme.name, "owner": programme.owner, "rule": programme.rule}
        if not created and after == before:
            return programme
        programme.save()
        audit_record(
            actor=actor,
            action="programme.create" if created else "programme.update",
            target=programme,
            before=None if created else before,
            after=after,
        )
    return programme
