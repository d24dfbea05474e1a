"""The expert pool as one procedure sees it: what its panel needs, each candidate's load and
rotation, the ranked suggestion (``clusterlabel.domain.panel_suggestion``) and why an
assessor on the panel may not assess it.

Every read here takes a fixed number of queries, however large the pool.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from django.db.models import Count

from clusterlabel.accounts.models import User
from clusterlabel.assessors import selectors as pool_selectors
from clusterlabel.domain import panel_suggestion as suggestion
from clusterlabel.domain import procedure as flow
from clusterlabel.domain.access import PANEL_OPEN
from clusterlabel.domain.errors import Reason
from clusterlabel.procedures.models import AssessorAssignment, Procedure


def panel_needs(
    procedure: Procedure,
    *,
    today: date,
    current: Collection[int] = (),
    assessment_date: date | None = None,
) -> suggestion.PanelNeeds:
    """What the panel of ``procedure`` needs; qualifications must be valid on the assessment
    date (``assessment_date``, else the procedure's), or on ``today`` while none is set (or
    when it has already passed)."""
    rules = procedure.scheme.procedure
    on = assessment_date or procedure.assessment_date or today
    organisation = procedure.organisation
    return suggestion.PanelNeeds(
        size=rules.assessors,
        national_and_foreign=rules.national_and_foreign,
        organisation_id=organisation.pk,
        home_country=organisation.country,
        sector=organisation.sector,
        scheme_id=procedure.scheme_version.scheme_id,
        level_id=procedure.level_id,
        on=max(on, today),
        current=frozenset(current),
    )


def open_assignment_counts(procedure: Procedure, user_ids: Collection[int]) -> dict[int, int]:
    """Per assessor, the unfinished procedures (other than this one) they are on (1 query)."""
    rows = (
        AssessorAssignment.objects.filter(
            assessor_id__in=list(user_ids),
            procedure__state__in=[str(s) for s in flow.NON_TERMINAL_STATES],
        )
        .exclude(procedure_id=procedure.pk)
        .values("assessor_id")
        .annotate(count=Count("pk"))
        .values_list("assessor_id", "count")
    )
    return dict(rows)


def assessed_last_cycle(procedure: Procedure) -> set[int]:
    """The assessors of the organisation's previous procedure: the latest one created before
    this one that had a panel (1 query)."""
    previous = (
        Procedure.objects.filter(
            organisation_id=procedure.organisation_id,
            created_at__lt=procedure.created_at,
            assignments__isnull=False,
        )
        .exclude(pk=procedure.pk)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return set(
        AssessorAssignment.objects.filter(procedure_id__in=previous).values_list(
            "assessor_id", flat=True
        )
    )


@dataclass(frozen=True)
class PoolSuggestion:
    """The suggestion for one procedure, with the accounts it names (by id)."""

    suggestion: suggestion.Suggestion
    users: dict[int, User]


def suggest(procedure: Procedure, *, today: date) -> PoolSuggestion:
    """Rank every assessor of the procedure's scheme for its panel and suggest a complete one
    (7 queries: the pool with its profiles, qualifications and conflicts, the load, the
    previous cycle's panel)."""
    version = procedure.scheme_version
    users = list(pool_selectors.scheme_assessors(version.scheme_id, version.operator_id))
    ids = [u.pk for u in users]
    candidates = pool_selectors.candidates(
        users,
        open_assignments=open_assignment_counts(procedure, ids),
        assessed_last_cycle=assessed_last_cycle(procedure),
    )
    current = [a.assessor_id for a in procedure.assignments.all()]
    needs = panel_needs(procedure, today=today, current=current)
    return PoolSuggestion(suggestion.suggest_panel(needs, candidates), {u.pk: u for u in users})


def _excluded(needs: suggestion.PanelNeeds, users: list[User]) -> dict[int, tuple[Reason, ...]]:
    found: dict[int, tuple[Reason, ...]] = {}
    for candidate in pool_selectors.candidates(users):
        reasons = suggestion.exclusion_reasons(candidate, needs)
        if reasons:
            found[candidate.assessor_id] = reasons
    return found


def exclusions(
    procedure: Procedure,
    assessor_ids: Collection[int],
    *,
    today: date,
    assessment_date: date | None = None,
) -> dict[int, tuple[Reason, ...]]:
    """Why each of ``assessor_ids`` may not assess ``procedure`` (an assessor who may is not
    in the answer): no confirmed qualification valid on the assessment date, a conflict
    declared on their profile, a country they do not assess in (3 queries; none without
    assessors)."""
    if not assessor_ids:
        return {}
    users = pool_selectors.with_pool_data(assessor_ids, procedure.scheme_version.scheme_id)
    return _excluded(panel_needs(procedure, today=today, assessment_date=assessment_date), users)


ExclusionCodes = dict[int, tuple[str, ...]]


def panel_exclusion_codes_many(
    procedures: Collection[Procedure], *, today: date
) -> dict[int, ExclusionCodes]:
    """``panel_exclusion_codes`` for a list of procedures at once (by procedure id): 3 queries
    for the whole list (none when no panel is open), so a list's facts do not grow with it."""
    open_ones = [p for p in procedures if p.state in PANEL_OPEN]
    ids = {a.assessor_id for p in open_ones for a in p.assignments.all()}
    users = {u.pk: u for u in pool_selectors.with_pool_data(ids, None)} if ids else {}
    found: dict[int, ExclusionCodes] = {p.pk: {} for p in procedures}
    for procedure in open_ones:
        panel = [users[a.assessor_id] for a in procedure.assignments.all()]
        needs = panel_needs(procedure, today=today)
        found[procedure.pk] = {
            user_id: tuple(reason.code for reason in reasons)
            for user_id, reasons in _excluded(needs, panel).items()
        }
    return found


def panel_exclusion_codes(procedure: Procedure, *, today: date) -> ExclusionCodes:
    """``exclusions`` of the procedure's assessors as codes, for the transition table's facts;
    read only while the panel is open (the guards that look at them are those of confirming
    the panel), empty otherwise (3 queries while open and proposed, none otherwise)."""
    if procedure.state not in PANEL_OPEN:
        return {}
    ids = [a.assessor_id for a in procedure.assignments.all()]
    return {
        user_id: tuple(reason.code for reason in reasons)
        for user_id, reasons in exclusions(procedure, ids, today=today).items()
    }
