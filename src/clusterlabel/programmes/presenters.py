"""The programme view in words: the rule, each member's labels, procedures and standing, and
the same as rows for a spreadsheet. Testable without HTTP; names in the current language."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clusterlabel.core.countries import country_name, subdivision_name
from clusterlabel.core.formatting import scheme_level_name
from clusterlabel.core.language import current_language
from clusterlabel.domain.programmes import Alternative, ProgrammeRule, Standing
from clusterlabel.labels.models import LabelState
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.programmes.selectors import Member, MemberLabel, MemberProcedure
from clusterlabel.schemes.models import SchemeVersion

# The filters of the page: whether the rule holds, and labels ending soon.
STANDING_FILTERS = {
    "unmet": gettext_lazy("rule not met"),
    "met": gettext_lazy("rule met"),
}
EXPIRING_FILTERS = {
    "90": gettext_lazy("a label ends within 3 months"),
    "180": gettext_lazy("a label ends within 6 months"),
    "365": gettext_lazy("a label ends within 12 months"),
}


def scheme_names(scheme_ids: Iterable[str]) -> dict[str, str]:
    """The current name of each scheme, by id (the id itself for a scheme not loaded)."""
    ids = sorted(set(scheme_ids))
    names = {scheme_id: scheme_id for scheme_id in ids}
    for version in SchemeVersion.objects.filter(scheme_id__in=ids, is_current=True).only(
        "scheme_id", "name_de", "name_en"
    ):
        names[version.scheme_id] = version.name(current_language())
    return names


def alternative_text(alternative: Alternative, names: dict[str, str]) -> str:
    """ "a valid ECEI Gold Label" / "a procedure for the ECEI Silver Label under way"."""
    scheme = names.get(alternative.scheme_id, alternative.scheme_id)
    if alternative.kind == "label":
        if alternative.level_id:
            return _("a valid %(scheme)s (level %(level)s)") % {
                "scheme": scheme,
                "level": alternative.level_id,
            }
        return _("a valid %(scheme)s") % {"scheme": scheme}
    return _("a procedure for %(scheme)s under way") % {"scheme": scheme}


def rule_text(rule: ProgrammeRule, names: dict[str, str]) -> str:
    """The rule as a sentence's object: "a valid label X, or a valid label Y, or ..."."""
    if not rule.requires_anything:
        return ""
    return _(", or ").join(alternative_text(a, names) for a in rule.alternatives)


def standing_text(standing: Standing, names: dict[str, str]) -> str:
    if standing.holds is None:
        return "—"
    if standing.holds and standing.met_by is not None:
        return _("Yes: %(how)s") % {"how": alternative_text(standing.met_by, names)}
    return _("No")


def _day(value: date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def label_text(member_label: MemberLabel) -> str:
    label = member_label.label
    scheme = member_label.scheme_version.scheme
    name = scheme_level_name(scheme, scheme.level(label.level_id))
    text = _("%(label)s, valid until %(until)s") % {"label": name, "until": _day(label.valid_until)}
    if label.state == LabelState.SUSPENDED:
        text = _("%(label)s (suspended)") % {"label": text}
    return text


def procedure_text(member_procedure: MemberProcedure) -> str:
    procedure = member_procedure.procedure
    scheme = member_procedure.scheme_version.scheme
    return _("%(label)s: %(state)s") % {
        "label": scheme_level_name(scheme, scheme.level(procedure.level_id)),
        "state": ProcedureState(procedure.state).label,
    }


@dataclass(frozen=True)
class MemberRow:
    member: Member
    labels: list[str]
    procedures: list[str]
    standing: str
    holds: bool | None
    expiring: bool  # a label ends within the chosen window

    @property
    def organisation(self) -> Organisation:
        return self.member.organisation

    @property
    def place(self) -> str:
        organisation = self.member.organisation
        country = country_name(organisation.country)
        if organisation.region:
            return f"{subdivision_name(organisation.region)}, {country}"
        return country


def member_rows(
    members: Sequence[Member],
    names: dict[str, str],
    *,
    day: date,
    standing: str = "",
    expiring_days: int | None = None,
) -> list[MemberRow]:
    """The members as rows, kept by the filters: ``standing`` "met"/"unmet" (empty: all),
    ``expiring_days``: only members with a label ending within that many days."""
    horizon = day + timedelta(days=expiring_days) if expiring_days else None
    rows = []
    for member in members:
        holds = member.standing.holds
        if standing == "met" and holds is not True:
            continue
        if standing == "unmet" and holds is not False:
            continue
        expiring = horizon is not None and any(
            ml.label.valid_until <= horizon for ml in member.labels
        )
        if horizon is not None and not expiring:
            continue
        rows.append(
            MemberRow(
                member=member,
                labels=[label_text(ml) for ml in member.labels],
                procedures=[procedure_text(mp) for mp in member.procedures],
                standing=standing_text(member.standing, names),
                holds=holds,
                expiring=expiring,
            )
        )
    return rows


def export_columns() -> list[str]:
    return [
        _("Organisation"),
        _("Legal name"),
        _("Country"),
        _("Region"),
        _("Labels"),
        _("Procedures under way"),
        _("Next label end"),
        _("Rule met"),
    ]


def export_rows(rows: Iterable[MemberRow]) -> Iterator[list[object]]:
    """One row per member, labels and procedures joined by "; ", the next end as ISO date."""
    for row in rows:
        organisation = row.member.organisation
        yield [
            organisation.cluster_name,
            organisation.legal_name,
            country_name(organisation.country),
            subdivision_name(organisation.region) if organisation.region else "",
            "; ".join(row.labels),
            "; ".join(row.procedures),
            row.member.next_expiry.isoformat() if row.member.next_expiry else "",
            row.standing,
        ]
