"""Reads of the programme view: which programmes a person follows, and each member's labels,
procedures under way and standing against the programme's rule.

Query counts are fixed: a programme page reads the members, their labels, their procedures
under way and the scheme versions those name, four queries however many members there are.
The scheme files are parsed once per version (``SchemeVersion.scheme`` is cached by hash), and
only the versions the rows name are read, once each, instead of one copy per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.http import Http404

from clusterlabel.access.policy import Activity, restrict
from clusterlabel.accounts.models import User
from clusterlabel.domain.procedure.vocabulary import State
from clusterlabel.domain.programmes import (
    UNDER_WAY,
    HeldLabel,
    OpenProcedure,
    Standing,
    member_standing,
    next_expiry,
)
from clusterlabel.labels.models import Label, LabelState
from clusterlabel.organisations.models import Organisation, Programme
from clusterlabel.procedures.models import Procedure
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.selectors import scheme_versions_by_pk


def programmes_visible(*, user: User) -> QuerySet[Programme]:
    """The programmes ``user`` follows (programme staff: theirs; installation administrators:
    all), by name."""
    return restrict(Programme.objects.order_by(Lower("name"), "pk"), user, Activity.VIEW_PROGRAMME)


def programme_get(*, slug: str, viewer: User) -> Programme:
    """The programme ``slug`` if ``viewer`` may see it; else 404 (whether it exists or not)."""
    programme = programmes_visible(user=viewer).filter(slug=slug).first()
    if programme is None:
        raise Http404
    return programme


@dataclass(frozen=True)
class MemberLabel:
    label: Label
    scheme_version: SchemeVersion

    @property
    def held(self) -> HeldLabel:
        return HeldLabel(
            scheme_id=self.label.scheme_id,
            level_id=self.label.level_id,
            valid_from=self.label.valid_from,
            valid_until=self.label.valid_until,
            active=self.label.state == LabelState.ACTIVE,
        )


@dataclass(frozen=True)
class MemberProcedure:
    procedure: Procedure
    scheme_version: SchemeVersion


@dataclass(frozen=True)
class Member:
    """One member organisation of a programme, on one day."""

    organisation: Organisation
    labels: tuple[MemberLabel, ...]  # not expired on the day, not revoked, by end date
    procedures: tuple[MemberProcedure, ...]  # under way, oldest first
    standing: Standing
    next_expiry: date | None


MEMBER_ORGANISATION_FIELDS = ("cluster_name", "legal_name", "country", "region")
MEMBER_LABEL_FIELDS = (
    "organisation",
    "scheme_version",
    "certificate_number",
    "scheme_id",
    "level_id",
    "valid_from",
    "valid_until",
    "state",
)
MEMBER_PROCEDURE_FIELDS = (
    "organisation",
    "scheme_version",
    "level_id",
    "state",
    "created_at",  # the reference, P-<year>-<id>
    "applied_at",
)


def programme_members(*, programme: Programme, day: date) -> list[Member]:
    """Every member of ``programme`` by cluster name, with the labels that have not expired on
    ``day`` (suspended ones included, for they still matter to the programme; revoked and
    superseded ones left out), its procedures under way and its standing against the rule."""
    # Only the columns the page, its export and the API show: a programme of a few hundred
    # members instantiates every row, and the labels' and organisations' other columns (texts,
    # credentials' status data, time stamps) were most of what was read and parsed.
    labels = (
        Label.objects.filter(
            valid_until__gte=day, state__in=[LabelState.ACTIVE, LabelState.SUSPENDED]
        )
        .order_by("valid_until", "pk")
        .only(*MEMBER_LABEL_FIELDS)
    )
    procedures = (
        Procedure.objects.filter(state__in=sorted(state.value for state in UNDER_WAY))
        .order_by("applied_at", "pk")
        .only(*MEMBER_PROCEDURE_FIELDS)
    )
    organisations = list(
        Organisation.objects.filter(programmes=programme)
        .order_by("cluster_name", "pk")
        .only(*MEMBER_ORGANISATION_FIELDS)
        .prefetch_related(
            Prefetch("labels", queryset=labels, to_attr="programme_labels"),
            Prefetch("procedures", queryset=procedures, to_attr="programme_procedures"),
        )
    )
    version_ids: set[int] = set()
    for organisation in organisations:
        version_ids.update(label.scheme_version_id for label in organisation.programme_labels)
        version_ids.update(p.scheme_version_id for p in organisation.programme_procedures)
    versions = scheme_versions_by_pk(version_ids)
    rule = programme.member_rule
    members = []
    for organisation in organisations:
        member_labels = tuple(
            MemberLabel(label, versions[label.scheme_version_id])
            for label in organisation.programme_labels
        )
        member_procedures = tuple(
            MemberProcedure(procedure, versions[procedure.scheme_version_id])
            for procedure in organisation.programme_procedures
        )
        held = [label.held for label in member_labels]
        open_procedures = [
            OpenProcedure(p.scheme_version.scheme_id, State(p.procedure.state))
            for p in member_procedures
        ]
        members.append(
            Member(
                organisation=organisation,
                labels=member_labels,
                procedures=member_procedures,
                standing=member_standing(rule, labels=held, procedures=open_procedures, day=day),
                next_expiry=next_expiry(held, day),
            )
        )
    return members
