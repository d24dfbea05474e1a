"""What an organisation's profile page shows, built from the model and the domain's answers
(testable without a request): the member counts, the funding split, the eligibility per scheme."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import models

from clusterlabel.core.reasons import describe_all
from clusterlabel.domain.eligibility import check_eligibility
from clusterlabel.organisations.choices import FundingKind
from clusterlabel.organisations.models import Organisation
from clusterlabel.schemes.selectors import scheme_versions_current

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # the stubs' type of a lazy string


def members_rows(organisation: Organisation) -> list[tuple[StrOrPromise, int | None, bool]]:
    """(label, count, is a sub-count) per member type, as the profile shows them."""

    def field(name: str) -> models.Field[Any, Any]:
        found = Organisation._meta.get_field(name)
        assert isinstance(found, models.Field)  # a concrete column, not a relation
        return found

    return [
        (field("members_companies").verbose_name, organisation.members_companies, False),
        (field("members_smes").verbose_name, organisation.members_smes, True),
        (
            field("members_research_education").verbose_name,
            organisation.members_research_education,
            False,
        ),
        (field("members_public_bodies").verbose_name, organisation.members_public_bodies, False),
        (field("members_civil_society").verbose_name, organisation.members_civil_society, False),
    ]


def funding_rows(organisation: Organisation) -> list[dict[str, Any]]:
    """The funding sources in the order of ``FundingKind``, with the amount each share is of
    the annual budget when the budget is known."""
    by_kind = {source.kind: source for source in organisation.funding_sources.all()}
    rows = []
    for kind in FundingKind:
        source = by_kind.get(kind.value)
        if source is None:
            continue
        amount = None
        if organisation.annual_budget is not None:
            amount = (organisation.annual_budget * source.share_percent / 100).quantize(
                Decimal("0.01")
            )
        rows.append({"label": kind.label, "share": source.share_percent, "amount": amount})
    return rows


def eligibility_rows(organisation: Organisation) -> list[dict[str, Any]]:
    """Per current scheme version: eligible, or every failed criterion in words."""
    profile = organisation.profile()
    rows = []
    for version in scheme_versions_current():
        result = check_eligibility(version.scheme, profile)
        rows.append(
            {
                "version": version,
                "scheme": version.scheme,
                "eligible": result.eligible,
                "failures": describe_all(result.failures),
            }
        )
    return rows
