"""The permission matrix: every procedure page and every state-changing endpoint, requested by
every kind of user, on a procedure of their own and on someone else's.

Each case asks one question: may this person do this here? Whoever may, gets the page or the
intended change. Everyone else is sent to the login (signed out or deactivated), gets a 404
(cannot see the procedure, so its existence is not revealed), a 403/404 (sees it but has no part
in the step), or, for the procedure's steps, a redirect with the reason; and then nothing in the
database has changed (``snapshot``). Like NetBox's view tests, the forbidden request is made
first-class: it is tried, not assumed.

The expectations are written down here independently of ``procedures.permissions``: who sees a
procedure (``sees``) and who may do what (``ENDPOINTS``) is the specification the views are
checked against.

The procedures are built once for the module (26 walks through the real services) in
a transaction that is rolled back at the end; every test runs in a savepoint inside it, so what
an allowed request changes is gone before the next test.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, NamedTuple

import pytest
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import resolve, reverse
from django.utils import timezone, translation

from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.core.reasons import describe
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures import services
from clusterlabel.procedures.models import (
    AssessorAssignment,
    BoardVote,
    Evidence,
    IndicatorScore,
    Procedure,
    ScoreConfirmation,
    SelfAssessmentAnswer,
)
from clusterlabel.procedures.values import from_json
from tests.factories import UserFactory
from tests.helpers import PDF
from tests.procedures import builders
from tests.procedures.builders import ProcedureBuilder, excellent_values
from tests.states import StateBuilder, add_evidence, add_required_evidence

pytestmark = pytest.mark.django_db

S, A = flow.State, flow.Action

SCHEME = "bw-cluster-excellence"  # two assessors, an advisory board of three
SCORED = "STR-01"  # a number indicator (excellence value 80, 0 to 100,000)
REASON = "Matrix: Begründung"
NO_VOTE_REASON = "Matrix: Die Finanzierung ist nicht gesichert."


# --- the procedures ----------------------------------------------------------------------------

# Where a procedure stands when a case is tried: its state, and what has happened in it.
SITUATIONS: Mapping[str, S] = MappingProxyType(
    {
        "draft": S.DRAFT,
        "applied": S.APPLIED,
        "changes_requested": S.CHANGES_REQUESTED,
        # answered in full (excellence values) and one PDF as evidence for STR-01
        "contracted": S.CONTRACTED,
        # the panel proposed, both assessors declared no conflict, not yet confirmed
        "panel_proposed": S.SELF_ASSESSMENT_SUBMITTED,
        # the panel confirmed, the assessment date still leaves the preparation time
        "assessors_assigned": S.ASSESSORS_ASSIGNED,
        # the panel confirmed and the assessment date is today
        "assessment_day": S.ASSESSORS_ASSIGNED,
        # one score (STR-01 at 80, revision 1), saved by the first assessor
        "assessment_in_progress": S.ASSESSMENT_IN_PROGRESS,
        # every indicator scored and confirmed, both assessors agreed to the report
        "report_ready": S.ASSESSMENT_IN_PROGRESS,
        "report_submitted": S.REPORT_SUBMITTED,
        # all three members voted: two for, the last one against with a reason
        "board_review": S.BOARD_REVIEW,
        "awaiting_decision": S.AWAITING_DECISION,
        "awarded": S.AWARDED,
    }
)
BEFORE_THE_PANEL = frozenset({S.DRAFT, S.APPLIED, S.CHANGES_REQUESTED, S.CONTRACTED})


def _schedule(builder: ProcedureBuilder, day: date) -> None:
    Procedure.objects.filter(pk=builder.procedure.pk).update(assessment_date=day)
    builder.refresh()


def _ahead(builder: ProcedureBuilder) -> date:
    """The earliest assessment date that still leaves the scheme's preparation time."""
    days = builder.scheme.procedure.self_assessment_due_days_before_assessment or 0
    return timezone.localdate() + timedelta(days=days + 1)


def _build(situation: str) -> ProcedureBuilder:
    """The situation's rows written directly (``tests.states``), and what the situation adds
    through the real services where its audit events are read (the votes, the proposal)."""
    builder = StateBuilder(scheme_id=SCHEME)
    state = SITUATIONS[situation]
    if situation == "changes_requested":
        builder.advance_to(S.APPLIED)
        services.procedure_transition(
            procedure=builder.procedure,
            actor=builder.secretariat,
            action=A.REQUEST_CHANGES,
            reason=REASON,
        )
        builder.refresh()
        return builder
    # Scheduled ahead and moved to the assessment day when it starts, as when the walk went
    # to the contract first.
    builder.walk.assessment_in_past = False
    if state == S.CONTRACTED:
        builder.advance_to(S.CONTRACTED)
        services.self_assessment_save(
            procedure=builder.procedure,
            actor=builder.manager,
            values=excellent_values(builder.scheme),
        )
        add_required_evidence(builder.procedure, by=builder.manager)
    elif situation == "panel_proposed":
        builder.advance_to(S.SELF_ASSESSMENT_SUBMITTED)
        builder.walk.propose_panel()
        _schedule(builder, _ahead(builder))
    elif situation in ("assessors_assigned", "assessment_day"):
        builder.advance_to(S.ASSESSORS_ASSIGNED)
        _schedule(
            builder, _ahead(builder) if situation == "assessors_assigned" else timezone.localdate()
        )
    elif situation == "board_review":
        builder.advance_to(S.BOARD_REVIEW)
        *for_, against = builder.board
        for member in for_:
            services.board_vote_record(
                procedure=builder.procedure, actor=member, in_favour=True, reason=""
            )
        services.board_vote_record(
            procedure=builder.procedure, actor=against, in_favour=False, reason=NO_VOTE_REASON
        )
    elif situation == "report_ready":
        builder.advance_to(S.ASSESSMENT_IN_PROGRESS)
        builder.report_ready()
    else:
        builder.advance_to(state)
    if situation == "assessment_in_progress":
        services.score_save(
            procedure=builder.procedure,
            actor=builder.assessors[0],
            indicator_id=SCORED,
            value=Decimal(80),
            comment="",
            evidence_seen="Mitgliederliste",
            based_on_revision=0,
        )
    if state not in BEFORE_THE_PANEL - {S.CONTRACTED}:
        add_evidence(
            builder.procedure,
            indicator_id=SCORED,
            upload=SimpleUploadedFile("Mitgliederliste.pdf", PDF),
            by=builder.manager,
        )
    builder.refresh()
    return builder


@dataclass
class World:
    """For every situation an "own" procedure and an "other" one: different organisations,
    each with its own manager, secretariat, assessors, board and authority. The actors of a
    case are the own procedure's people; on the other procedure they are strangers, except
    for the roles whose powers do not depend on the procedure."""

    pairs: dict[str, tuple[ProcedureBuilder, ProcedureBuilder]]
    evidence: dict[int, int]  # procedure pk -> the pk of its evidence
    assessor_unassigned: User
    administrator: User
    inactive: User

    def builder(self, situation: str, target: str) -> ProcedureBuilder:
        own, other = self.pairs[situation]
        return own if target == "own" else other

    def counterpart(self, situation: str, target: str) -> ProcedureBuilder:
        return self.builder(situation, "other" if target == "own" else "own")

    def user(self, actor: str, situation: str) -> User | None:
        own = self.pairs[situation][0]
        return {
            "anonymous": None,
            "inactive": self.inactive,
            "manager": own.manager,
            "assessor": own.assessors[-1],  # on the own panel (once there is one)
            "assessor_unassigned": self.assessor_unassigned,
            "secretariat": own.secretariat,
            "board_member": own.board[0],  # voted for the award in board_review
            "authority": own.authority,
            "administrator": self.administrator,
        }[actor]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("permission-matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=str(media)):
        outermost = transaction.atomic()
        outermost.__enter__()
        try:
            versions = builders.ensure_schemes()
            with pytest.MonkeyPatch.context() as patch:
                # Loading the shipped schemes takes a second; once is enough.
                patch.setattr(builders, "ensure_schemes", lambda: versions)
                pairs = {s: (_build(s), _build(s)) for s in SITUATIONS}
            for own, other in pairs.values():
                # The acting board member sits on both boards and has declared no conflict on
                # both (the undeclared member: tests/procedures/test_board_conflicts.py).
                if other.procedure.state == S.BOARD_REVIEW:
                    services.board_conflict_declare(
                        procedure=other.procedure, actor=own.board[0], no_conflict=True
                    )
            yield World(
                pairs=pairs,
                # the matrix's own file (the required evidence is there too from the submission)
                evidence=dict(
                    Evidence.objects.filter(original_name="Mitgliederliste.pdf").values_list(
                        "procedure_id", "pk"
                    )
                ),
                assessor_unassigned=UserFactory(role=Role.ASSESSOR, country="FR"),
                administrator=UserFactory(role=Role.ADMINISTRATOR),
                inactive=UserFactory(role=Role.SECRETARIAT, is_active=False),
            )
        finally:
            transaction.set_rollback(True)
            outermost.__exit__(None, None, None)


# --- what the database holds -------------------------------------------------------------------


class Snapshot(NamedTuple):
    """The rows of the procedures a request is about, and how many rows each table has."""

    procedures: tuple
    answers: tuple
    evidence: tuple
    assignments: tuple
    scores: tuple
    confirmations: tuple
    votes: tuple
    counts: tuple  # rows per table anywhere, and the last audit sequence


def _rows(model, procedures: tuple[int, ...], *fields: str) -> tuple:
    # The stored values are decimal strings, booleans, choice ids or None: hashable as they are.
    lookup = "score__procedure_id__in" if model is ScoreConfirmation else "procedure_id__in"
    return tuple(model.objects.filter(**{lookup: procedures}).order_by("pk").values_list(*fields))


def snapshot(*procedures: int) -> Snapshot:
    """Everything a request about ``procedures`` could change, as one comparable value."""
    return Snapshot(
        procedures=tuple(
            Procedure.objects.filter(pk__in=procedures)
            .order_by("pk")
            .values_list(
                "pk",
                "state",
                "board_round",
                "assessment_date",
                "assessment_mode",
                "report_summary",
                "decision",
                "decided_by_id",
            )
        ),
        answers=_rows(
            SelfAssessmentAnswer,
            procedures,
            "pk",
            "indicator_id",
            "value",
            "comment",
        ),
        evidence=_rows(Evidence, procedures, "pk", "indicator_id", "sha256", "file"),
        assignments=_rows(
            AssessorAssignment,
            procedures,
            "pk",
            "assessor_id",
            "no_conflict_declared",
            "report_agreed",
        ),
        scores=_rows(
            IndicatorScore,
            procedures,
            "pk",
            "indicator_id",
            "value",
            "revision",
            "comment",
            "evidence_seen",
        ),
        confirmations=_rows(
            ScoreConfirmation, procedures, "pk", "score_id", "assessor_id", "revision"
        ),
        votes=_rows(BoardVote, procedures, "pk", "member_id", "round", "in_favour", "reason"),
        counts=_counts(),
    )


COUNTED = (
    Procedure,
    SelfAssessmentAnswer,
    Evidence,
    AssessorAssignment,
    IndicatorScore,
    ScoreConfirmation,
    BoardVote,
    AuditEvent,
)


def _counts() -> tuple:
    """The number of rows of every table in ``COUNTED`` and the last audit sequence, in one
    query (the snapshot is taken twice per case)."""
    tables = [connection.ops.quote_name(model._meta.db_table) for model in COUNTED]
    audit = tables[-1]
    columns = [f"(SELECT COUNT(*) FROM {table})" for table in tables]
    columns.append(f"(SELECT COALESCE(MAX(sequence), 0) FROM {audit})")
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(columns))
        return tuple(cursor.fetchone())


def assert_unchanged(before: Snapshot, after: Snapshot) -> None:
    changed = [name for name in Snapshot._fields if getattr(before, name) != getattr(after, name)]
    assert not changed, f"the refused request changed: {', '.join(changed)}"


# --- who is who --------------------------------------------------------------------------------

ACTORS = (
    "anonymous",
    "inactive",  # a deactivated secretariat account with a live session
    "manager",  # manages the own procedure's organisation
    "assessor",  # on the own procedure's panel
    "assessor_unassigned",  # on no panel at all
    "secretariat",
    "board_member",
    "authority",
    "administrator",
)
TARGETS = ("own", "other")
SIGNED_OUT = frozenset({"anonymous", "inactive"})
SIGNED_IN = frozenset(ACTORS) - SIGNED_OUT
OVERSIGHT = frozenset({"secretariat", "authority", "administrator"})
# Roles whose powers do not depend on the procedure: what they may do on their "own"
# procedure they may do on any.
ANY_PROCEDURE = OVERSIGHT | {"board_member"}


def sees(actor: str, target: str, state: S) -> bool:
    """The specification of who may see a procedure at all."""
    if actor in SIGNED_OUT or actor == "assessor_unassigned":
        return False
    if actor in OVERSIGHT:
        return True
    if actor == "manager":
        return target == "own"
    if actor == "assessor":
        return target == "own" and state not in BEFORE_THE_PANEL
    if actor == "board_member":
        return state == S.BOARD_REVIEW
    raise AssertionError(actor)


# --- the endpoints -----------------------------------------------------------------------------

GET, POST = "GET", "POST"

OK = "ok"
LOGIN = "login"  # 302 to the login page
HIDDEN = "hidden"  # exactly 404: the procedure's existence is not revealed
FORBIDDEN = "forbidden"  # 403 or 404: sees the procedure, has no part in this
REFUSED = "refused:"  # + the reason's code: a message saying why, nothing changed


def refused(code: str) -> str:
    return REFUSED + code


@dataclass
class Case:
    """One request of the matrix, after it was made."""

    target: str
    actor: str
    builder: ProcedureBuilder
    procedure: Procedure  # reloaded after the request
    user: User | None
    response: HttpResponse
    before: Snapshot

    def new_events(self) -> list[tuple[str, int | None]]:
        return list(
            AuditEvent.objects.filter(sequence__gt=self.before.counts[-1])
            .order_by("sequence")
            .values_list("action", "actor_id")
        )


def _pk(world: World, situation: str, target: str) -> dict[str, Any]:
    return {"pk": world.builder(situation, target).procedure.pk}


def _scored(world: World, situation: str, target: str) -> dict[str, Any]:
    return {**_pk(world, situation, target), "indicator_id": SCORED}


def _organisation(world: World, situation: str, target: str) -> dict[str, Any]:
    return {"organisation_pk": world.builder(situation, target).organisation.pk}


def _evidence(world: World, situation: str, target: str) -> dict[str, Any]:
    pk = world.builder(situation, target).procedure.pk
    return {"pk": pk, "evidence_pk": world.evidence[pk]}


def _no_area(world: World, situation: str, target: str) -> dict[str, Any]:
    """An improvement area's evidence URL on a procedure without improvement areas."""
    return {**_pk(world, situation, target), "area_pk": 1}


def _evidence_of_the_counterpart(world: World, situation: str, target: str) -> dict[str, Any]:
    """This procedure's URL with the other procedure's evidence."""
    pk = world.builder(situation, target).procedure.pk
    return {
        "pk": pk,
        "evidence_pk": world.evidence[world.counterpart(situation, target).procedure.pk],
    }


@dataclass(frozen=True)
class Endpoint:
    """One row of the matrix: a URL, the method, where the procedure stands, and who may.

    ``allowed`` names the actors who may on their own procedure (those in ``ANY_PROCEDURE``
    on the other one too). ``scope`` says what decides visibility: the procedure (someone who
    cannot see it gets a 404), the organisation (applying), nothing (the list), or the role
    alone (``back_office``: the overdue list, ``denied`` to everyone else). A signed-in
    actor who sees the procedure but is not allowed gets ``refusals[actor]`` or ``denied``.
    """

    id: str
    url_name: str
    method: str
    situation: str
    allowed: frozenset[str]
    kwargs: Callable[[World, str, str], dict[str, Any]] = _pk
    data: Callable[[ProcedureBuilder, Procedure], dict[str, Any]] | None = None
    effect: Callable[[Case], None] | None = None
    denied: str = FORBIDDEN
    refusals: Mapping[str, str] = field(default_factory=dict)
    scope: str = "procedure"

    @property
    def state(self) -> S:
        return SITUATIONS[self.situation]


def expected(endpoint: Endpoint, actor: str, target: str) -> str:
    if actor in SIGNED_OUT:
        return LOGIN
    if endpoint.scope == "back_office":  # a page of the allowed roles, whatever the procedure
        return OK if actor in endpoint.allowed else endpoint.denied
    if endpoint.scope == "site":
        return OK
    if endpoint.scope == "procedure" and not sees(actor, target, endpoint.state):
        return HIDDEN
    if actor in endpoint.allowed and (target == "own" or actor in ANY_PROCEDURE):
        return OK
    if endpoint.scope == "organisation":
        return HIDDEN
    return endpoint.refusals.get(actor, endpoint.denied)


# The effects an allowed request must have.


def _listed(case: Case) -> None:
    listed = {row[0].pk for row in case.response.context["rows"]}
    assert (case.procedure.pk in listed) == sees(case.actor, case.target, case.procedure.state)


def _not_overdue(case: Case) -> None:
    # The matrix's procedures have just reached their state: none is overdue.
    assert case.response.context["rows"] == []


def _detail_shown(case: Case) -> None:
    assert case.response.context["procedure"].pk == case.procedure.pk


def _file_sent(case: Case) -> None:
    assert b"".join(case.response.streaming_content) == PDF
    assert case.response["Content-Disposition"].startswith("attachment")


def _created(case: Case) -> None:
    match = resolve(case.response.url)
    assert match.url_name == "detail"
    created = Procedure.objects.get(pk=match.kwargs["pk"])
    assert created.pk not in {row[0] for row in case.before.procedures}
    assert (created.organisation_id, created.created_by_id, created.state) == (
        case.builder.organisation.pk,
        case.user.pk,
        S.DRAFT,
    )


def _answer_saved(case: Case) -> None:
    answer = case.procedure.answers.get(indicator_id=SCORED)
    assert (answer.comment, answer.updated_by_id) == ("Matrix-Kommentar", case.user.pk)
    assert ("self_assessment.save", case.user.pk) in case.new_events()


def _evidence_stored(case: Case) -> None:
    stored = case.procedure.evidence.get(original_name="matrix.pdf")
    assert (stored.uploaded_by_id, stored.size) == (case.user.pk, len(PDF))
    assert ("evidence.upload", case.user.pk) in case.new_events()


PANEL_DAY = timezone.localdate() + timedelta(days=60)


def _panel_proposed(case: Case) -> None:
    assert case.procedure.assessment_date == PANEL_DAY
    assert set(case.procedure.assignments.values_list("assessor_id", flat=True)) == {
        a.pk for a in case.builder.assessors
    }
    assert ("panel.propose", case.user.pk) in case.new_events()


def _conflict_declared(case: Case) -> None:
    assert case.procedure.assignments.get(assessor=case.user).no_conflict_declared is True
    assert ("panel.declare_conflict", case.user.pk) in case.new_events()


def _score_saved(case: Case) -> None:
    score = case.procedure.scores.get(indicator_id=SCORED)
    indicator = case.builder.scheme.indicator(SCORED)
    assert from_json(indicator, score.value) == Decimal(79)
    assert (score.revision, score.updated_by_id) == (2, case.user.pk)


def _score_confirmed(case: Case) -> None:
    score = case.procedure.scores.get(indicator_id=SCORED)
    assert score.confirmations.filter(assessor=case.user, revision=1).exists()
    assert ("score.confirm", case.user.pk) in case.new_events()


def _report_agreed(case: Case) -> None:
    assert case.procedure.report_summary == "Matrix-Bericht"
    assert case.procedure.assignments.get(assessor=case.user).report_agreed is True


def _voted(case: Case) -> None:
    vote = case.procedure.board_votes.get(member=case.user, round=case.procedure.board_round)
    assert (vote.in_favour, vote.reason) == (False, NO_VOTE_REASON)


def _declared_no_board_conflict(case: Case) -> None:
    declaration = case.procedure.board_conflict_declarations.get(
        member=case.user, round=case.procedure.board_round
    )
    assert declaration.no_conflict


def _decided(case: Case) -> None:
    assert (case.procedure.state, case.procedure.decided_by_id) == (S.AWARDED, case.user.pk)


def _stepped(action: A, target_state: S) -> Callable[[Case], None]:
    def effect(case: Case) -> None:
        assert case.procedure.state == target_state
        assert (f"procedure.{action}", case.user.pk) in case.new_events()

    return effect


# The data posted.


def _application(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {
        "scheme_level": f"{builder.version.pk}:{builder.level_id}",
        "process": "new",
        "assessment_mode": "on_site",
        "note": "Matrix",
    }


def _comment(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {f"comment-{SCORED}": "Matrix-Kommentar"}


def _file(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"indicator_id": SCORED, "file": SimpleUploadedFile("matrix.pdf", PDF)}


def _panel(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {
        "assessors": [a.pk for a in builder.assessors],
        "assessment_date": PANEL_DAY.isoformat(),
        "assessment_mode": "on_site",
    }


def _no_conflict(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"declaration": "none", "no_conflict": "on"}


def _current_revision(procedure: Procedure) -> int:
    return procedure.scores.get(indicator_id=SCORED).revision


def _score(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {
        "value": "79",
        "comment": "Matrix",
        "evidence_seen": "Matrix-Liste",
        "based_on_revision": _current_revision(procedure),
    }


def _confirmation(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"revision": _current_revision(procedure)}


def _matching(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    # The first assessor scored SCORED at its excellence value, as the organisation claimed.
    return {f"revision-{SCORED}": _current_revision(procedure)}


def _report(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"summary": "Matrix-Bericht"}


def _area_review(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"area": 1, "area-1-validated": "yes", "area-1-comment": ""}


def _vote(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"in_favour": "no", "reason": NO_VOTE_REASON}


def _no_board_conflict(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"declaration": "none", "no_conflict": "on"}


def _award(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"decision": "award", "reason": ""}


def _reason(builder: ProcedureBuilder, procedure: Procedure) -> dict:
    return {"reason": REASON}


def _step_kwargs(action: str) -> Callable[[World, str, str], dict[str, Any]]:
    def kwargs(world: World, situation: str, target: str) -> dict[str, Any]:
        return {**_pk(world, situation, target), "action": action}

    return kwargs


def row(url_name: str, method: str, situation: str, *allowed: str, at: str = "", **options):
    """An ``Endpoint`` whose id is the URL name, plus ``at`` where the name has several rows."""
    return Endpoint(url_name + at, url_name, method, situation, frozenset(allowed), **options)


def step(action: A, situation: str, *allowed: str, leads_to: S | None) -> Endpoint:
    """The generic step endpoint; whoever sees the procedure but may not take the step is sent
    back with "Your role does not take this step." and nothing changes."""
    return Endpoint(
        f"action:{action}@{situation}",
        "action",
        POST,
        situation,
        frozenset(allowed),
        _step_kwargs(action),
        _reason,
        _stepped(action, leads_to) if leads_to else None,
        denied=refused("wrong_role") if leads_to else HIDDEN,
    )


EVERYONE = tuple(sorted(SIGNED_IN))  # everyone who sees the procedure
ASSESSMENT = ("assessor", *sorted(OVERSIGHT))  # the panel and those who oversee it
NOT_IN_PROGRESS = refused("assessment_not_in_progress")
CLOSED = refused("self_assessment_closed")

PAGES = [
    row("list", GET, "board_review", *EVERYONE, kwargs=lambda *_: {}, effect=_listed, scope="site"),
    row(
        "overdue",
        GET,
        "board_review",
        "secretariat",
        kwargs=lambda *_: {},
        effect=_not_overdue,
        scope="back_office",
    ),
    *(
        row("detail", GET, s, *EVERYONE, at=f"@{s}", effect=_detail_shown)
        for s in ("panel_proposed", "board_review", "awarded")
    ),
    row(
        "create", GET, "draft", "manager", "secretariat", kwargs=_organisation, scope="organisation"
    ),
    row("self_assessment", GET, "contracted", *EVERYONE, at="@contracted"),
    row("self_assessment", GET, "board_review", *EVERYONE, at="@board_review"),
    row("evidence_download", GET, "board_review", *EVERYONE, kwargs=_evidence, effect=_file_sent),
    # The own procedure's URL with the other procedure's file: a 404 for everybody.
    row(
        "evidence_download",
        GET,
        "board_review",
        at=":other_procedures_file",
        kwargs=_evidence_of_the_counterpart,
        denied=HIDDEN,
    ),
    # ECEI Silver's improvement areas, tried on a Silver procedure in test_silver.py: a BW
    # procedure has none, so their pages are a 404 for everybody.
    row("improvement_areas", GET, "assessment_in_progress", at="@bw", denied=HIDDEN),
    row("improvement_evidence", GET, "board_review", kwargs=_no_area, denied=HIDDEN),
    row("panel", GET, "panel_proposed", "secretariat"),
    row("conflict", GET, "panel_proposed", "assessor"),
    row("scoring", GET, "assessment_in_progress", *ASSESSMENT, at="@assessment"),
    row("scoring", GET, "board_review", *ASSESSMENT, "board_member", at="@board_review"),
    row("scoring", GET, "awarded", *ASSESSMENT, "manager", at="@awarded"),
    row("report", GET, "assessment_in_progress", *ASSESSMENT, at="@assessment"),
    row("report", GET, "awarded", *ASSESSMENT, "manager", at="@awarded"),
    row("board_conflict", GET, "board_review", "board_member"),
    row("vote", GET, "board_review", "board_member"),
    row("decision", GET, "awaiting_decision", *OVERSIGHT),
]

# Each write where it is open, and where it has closed again (the rightful actor is told why).
WRITES = [
    row(
        "create",
        POST,
        "draft",
        "manager",
        "secretariat",
        kwargs=_organisation,
        data=_application,
        effect=_created,
        scope="organisation",
    ),
    row("self_assessment", POST, "contracted", "manager", data=_comment, effect=_answer_saved),
    row(
        "self_assessment",
        POST,
        "panel_proposed",
        at="@submitted",
        data=_comment,
        refusals={"manager": CLOSED},
    ),
    row("evidence_upload", POST, "contracted", "manager", data=_file, effect=_evidence_stored),
    row(
        "evidence_upload",
        POST,
        "panel_proposed",
        at="@submitted",
        data=_file,
        refusals={"manager": CLOSED, "assessor": NOT_IN_PROGRESS},
    ),
    row(
        "evidence_upload",
        POST,
        "assessment_in_progress",
        "assessor",
        at="@assessment",
        data=_file,
        effect=_evidence_stored,
        refusals={"manager": CLOSED},
    ),
    row("panel", POST, "panel_proposed", "secretariat", data=_panel, effect=_panel_proposed),
    row(
        "panel",
        POST,
        "assessment_in_progress",
        at="@assessment",
        data=_panel,
        refusals={"secretariat": refused("panel_closed")},
    ),
    row(
        "conflict", POST, "panel_proposed", "assessor", data=_no_conflict, effect=_conflict_declared
    ),
    row(
        "conflict",
        POST,
        "assessment_in_progress",
        at="@assessment",
        data=_no_conflict,
        refusals={"assessor": refused("panel_closed")},
    ),
    row(
        "score_save",
        POST,
        "assessment_in_progress",
        "assessor",
        kwargs=_scored,
        data=_score,
        effect=_score_saved,
    ),
    row(
        "score_save",
        POST,
        "report_submitted",
        at="@report_submitted",
        kwargs=_scored,
        data=_score,
        refusals={"assessor": NOT_IN_PROGRESS},
    ),
    row(
        "score_confirm",
        POST,
        "assessment_in_progress",
        "assessor",
        kwargs=_scored,
        data=_confirmation,
        effect=_score_confirmed,
    ),
    row(
        "score_confirm",
        POST,
        "report_submitted",
        at="@report_submitted",
        kwargs=_scored,
        data=_confirmation,
        refusals={"assessor": NOT_IN_PROGRESS},
    ),
    row(
        "scores_confirm_matching",
        POST,
        "assessment_in_progress",
        "assessor",
        data=_matching,
        effect=_score_confirmed,
    ),
    row(
        "scores_confirm_matching",
        POST,
        "report_submitted",
        at="@report_submitted",
        data=_matching,
        refusals={"assessor": NOT_IN_PROGRESS},
    ),
    row("report", POST, "assessment_in_progress", "assessor", data=_report, effect=_report_agreed),
    row("improvement_areas", POST, "assessment_in_progress", data=_area_review, denied=HIDDEN),
    row(
        "report",
        POST,
        "report_submitted",
        at="@report_submitted",
        data=_report,
        refusals={"assessor": NOT_IN_PROGRESS},
    ),
    row(
        "board_conflict",
        POST,
        "board_review",
        "board_member",
        data=_no_board_conflict,
        effect=_declared_no_board_conflict,
    ),
    row("vote", POST, "board_review", "board_member", data=_vote, effect=_voted),
    row("decision", POST, "awaiting_decision", "authority", data=_award, effect=_decided),
    row(
        "decision",
        POST,
        "board_review",
        at="@board_review",
        data=_award,
        refusals={"authority": refused("wrong_state")},
    ),
]

# Every step of the transition table through the generic step endpoint, in a situation where
# the rightful role can take it.
STEPS = [
    step(A.SUBMIT_APPLICATION, "draft", "manager", leads_to=S.APPLIED),
    step(A.REQUEST_CHANGES, "applied", "secretariat", leads_to=S.CHANGES_REQUESTED),
    step(A.RESUBMIT_APPLICATION, "changes_requested", "manager", leads_to=S.APPLIED),
    step(A.ACCEPT_APPLICATION, "applied", "secretariat", leads_to=S.CONTRACTED),
    step(A.SUBMIT_SELF_ASSESSMENT, "contracted", "manager", leads_to=S.SELF_ASSESSMENT_SUBMITTED),
    step(
        A.REOPEN_SELF_ASSESSMENT, "panel_proposed", "secretariat", "assessor", leads_to=S.CONTRACTED
    ),
    step(A.ASSIGN_ASSESSORS, "panel_proposed", "secretariat", leads_to=S.ASSESSORS_ASSIGNED),
    step(A.REASSIGN_ASSESSORS, "assessors_assigned", "secretariat", leads_to=S.ASSESSORS_ASSIGNED),
    step(A.START_ASSESSMENT, "assessment_day", "assessor", leads_to=S.ASSESSMENT_IN_PROGRESS),
    step(A.SUBMIT_REPORT, "report_ready", "assessor", leads_to=S.REPORT_SUBMITTED),
    step(A.RETURN_REPORT, "report_submitted", "secretariat", leads_to=S.ASSESSMENT_IN_PROGRESS),
    step(A.RETURN_REPORT, "awaiting_decision", "authority", leads_to=S.ASSESSMENT_IN_PROGRESS),
    step(A.SEND_TO_BOARD, "report_submitted", "secretariat", leads_to=S.BOARD_REVIEW),
    # Votes have a page of their own (with the vote's reason): here a 404 for everybody.
    step(A.RECORD_BOARD_VOTE, "board_review", leads_to=None),
    step(A.CLOSE_BOARD_REVIEW, "board_review", "secretariat", leads_to=S.AWAITING_DECISION),
    step(A.RETURN_TO_BOARD, "awaiting_decision", "authority", leads_to=S.BOARD_REVIEW),
    step(A.AWARD, "awaiting_decision", "authority", leads_to=S.AWARDED),
    step(A.REFUSE, "awaiting_decision", "authority", leads_to=S.REFUSED),
    step(A.WITHDRAW, "board_review", "manager", leads_to=S.WITHDRAWN),
    # Nothing leaves a decided procedure, whoever asks.
    Endpoint(
        "action:withdraw@awarded",
        "action",
        POST,
        "awarded",
        frozenset(),
        _step_kwargs("withdraw"),
        _reason,
        denied=refused("wrong_state"),
    ),
]

ENDPOINTS = [*PAGES, *WRITES, *STEPS]


def _param(endpoint: Endpoint, actor: str, target: str):
    return pytest.param(
        endpoint, actor, target, id=f"{endpoint.id}-{actor}_{target}-{endpoint.method}"
    )


MATRIX = [_param(e, actor, target) for e in ENDPOINTS for actor in ACTORS for target in TARGETS]


# --- the matrix --------------------------------------------------------------------------------


# One request handler per kind of client for the whole module: loading the middleware
# (WhiteNoise indexes the static files) costs more than most requests here.
_HANDLERS: dict[bool, Any] = {}


def fresh_client(*, enforce_csrf_checks: bool = False) -> Client:
    """A client with no cookies, sharing the already loaded middleware."""
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.handler = _HANDLERS.setdefault(enforce_csrf_checks, client.handler)
    return client


def _request(client: Client, endpoint: Endpoint, url: str, data: dict[str, Any]) -> HttpResponse:
    if endpoint.method == GET:
        return client.get(url)
    return client.post(url, data)


def _errors(response: HttpResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request) if m.level == message_levels.ERROR]


@pytest.mark.parametrize(("endpoint", "actor", "target"), MATRIX)
def test_permission_matrix(world, endpoint, actor, target):
    builder = world.builder(endpoint.situation, target)
    procedure = Procedure.objects.get(pk=builder.procedure.pk)
    assert procedure.state == endpoint.state  # the situation is what the row says
    user = world.user(actor, endpoint.situation)
    client = fresh_client()
    if user is not None:
        client.force_login(user)
    url = reverse(
        f"procedures:{endpoint.url_name}",
        kwargs=endpoint.kwargs(world, endpoint.situation, target),
    )
    data = endpoint.data(builder, procedure) if endpoint.data else {}
    watched = (procedure.pk, world.counterpart(endpoint.situation, target).procedure.pk)
    before = snapshot(*watched)

    response = _request(client, endpoint, url, data)

    after = snapshot(*watched)
    outcome = expected(endpoint, actor, target)
    if outcome != OK:
        assert_refused(outcome, response)
        assert_unchanged(before, after)
    elif endpoint.method == GET:
        assert response.status_code == 200
        assert_unchanged(before, after)  # reading never writes
    else:
        assert response.status_code == 302, response.content[:2000]
        assert not response.url.startswith(resolve_url(settings.LOGIN_URL))
    if outcome == OK and endpoint.effect:
        procedure.refresh_from_db()
        endpoint.effect(Case(target, actor, builder, procedure, user, response, before))


def assert_refused(outcome: str, response: HttpResponse) -> None:
    if outcome == LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(resolve_url(settings.LOGIN_URL) + "?next=")
    elif outcome == HIDDEN:
        assert response.status_code == 404
    elif outcome == FORBIDDEN:
        assert response.status_code in (403, 404)
    else:
        assert outcome.startswith(REFUSED)
        assert response.status_code in (200, 302)
        if response.status_code == 302:
            assert not response.url.startswith(resolve_url(settings.LOGIN_URL))
        reason = flow.Blocked(outcome.removeprefix(REFUSED), {})
        with translation.override(response.wsgi_request.LANGUAGE_CODE):
            assert _errors(response) == [describe(reason)]


def test_the_matrix_covers_every_route_and_every_step():
    from clusterlabel.procedures.urls import urlpatterns

    assert {e.url_name for e in ENDPOINTS} == {p.name for p in urlpatterns}
    assert {e.id.partition("@")[0].removeprefix("action:") for e in STEPS} == set(A)
    assert {e.situation for e in ENDPOINTS} == set(SITUATIONS)
    assert len(MATRIX) == len(ENDPOINTS) * len(ACTORS) * len(TARGETS)


# --- what the matrix does not ask --------------------------------------------------------------

WITH_SOMEONE_ALLOWED = [e for e in ENDPOINTS if e.method == "POST" and e.allowed]
POST_ONLY = [
    e
    for e in WITH_SOMEONE_ALLOWED
    if e.url_name
    in {"action", "evidence_upload", "score_save", "score_confirm", "scores_confirm_matching"}
]


def _as_allowed(world: World, endpoint: Endpoint, client: Client) -> tuple[str, dict, tuple]:
    """Sign in the first actor who may use ``endpoint`` on the own procedure; the URL, the
    data, and the procedures to watch."""
    actor = sorted(endpoint.allowed)[0]
    builder = world.builder(endpoint.situation, "own")
    client.force_login(world.user(actor, endpoint.situation))
    url = reverse(
        f"procedures:{endpoint.url_name}", kwargs=endpoint.kwargs(world, endpoint.situation, "own")
    )
    procedure = Procedure.objects.get(pk=builder.procedure.pk)
    data = endpoint.data(builder, procedure) if endpoint.data else {}
    watched = (procedure.pk, world.counterpart(endpoint.situation, "own").procedure.pk)
    return url, data, watched


@pytest.mark.parametrize("endpoint", WITH_SOMEONE_ALLOWED, ids=lambda e: e.id)
def test_a_post_without_the_csrf_token_is_refused_even_for_whoever_may(world, endpoint):
    client = fresh_client(enforce_csrf_checks=True)
    url, data, watched = _as_allowed(world, endpoint, client)
    before = snapshot(*watched)

    response = client.post(url, data)

    assert response.status_code == 403
    assert_unchanged(before, snapshot(*watched))


@pytest.mark.parametrize("endpoint", POST_ONLY, ids=lambda e: e.id)
def test_a_get_on_a_post_only_endpoint_is_405(world, endpoint):
    client = fresh_client()
    url, _data, watched = _as_allowed(world, endpoint, client)
    before = snapshot(*watched)

    response = client.get(url)

    assert response.status_code == 405
    assert_unchanged(before, snapshot(*watched))


# The board's individual votes (member, yes or no, reason) are for the secretariat, the board, the
# authority and the administrators; the organisation and the assessors see the tally only. The
# audit trail on the procedure page used to list each vote with its reason for everybody.
@pytest.mark.parametrize(
    ("actor", "reads_votes"),
    [
        ("manager", False),
        ("assessor", False),
        ("secretariat", True),
        ("board_member", True),
        ("authority", True),
        ("administrator", True),
    ],
)
def test_only_those_who_read_the_votes_see_them_in_the_trail(world, actor, reads_votes):
    builder = world.builder("board_review", "own")
    against = builder.board[-1]
    client = fresh_client()
    client.force_login(world.user(actor, "board_review"))

    response = client.get(
        reverse("procedures:detail", kwargs={"pk": builder.procedure.pk}), {"trail": "all"}
    )

    assert response.status_code == 200
    html = response.content.decode()
    vote_events = [
        e for e in response.context["events"] if e.action == "procedure.record_board_vote"
    ]
    assert len(vote_events) == (3 if reads_votes else 0)
    assert (NO_VOTE_REASON in html) is reads_votes
    assert (against.get_full_name() in html) is reads_votes  # the trail names the voter
    assert (len(response.context["board_votes"]) == 3) is reads_votes
    assert response.context["board"].no == 1  # the tally is everybody's


# The organisation sees the panel's result once the authority has decided, on the procedure page
# as on the scoring page. Withdrawing after the assessment used to show it on the procedure page.
@pytest.mark.parametrize(
    ("situation", "withdraw", "actor", "sees_result"),
    [
        ("awaiting_decision", False, "manager", False),
        ("awaiting_decision", True, "manager", False),
        ("awaiting_decision", True, "secretariat", True),
        ("awarded", False, "manager", True),
    ],
    ids=["before-the-decision", "withdrawn", "withdrawn-secretariat", "awarded"],
)
def test_the_organisation_sees_the_result_only_after_the_decision(
    world, situation, withdraw, actor, sees_result
):
    builder = world.builder(situation, "own")
    if withdraw:
        services.procedure_transition(
            procedure=builder.procedure, actor=builder.manager, action=A.WITHDRAW, reason=REASON
        )
    client = fresh_client()
    client.force_login(world.user(actor, situation))

    response = client.get(reverse("procedures:detail", kwargs={"pk": builder.procedure.pk}))

    assert response.status_code == 200
    assert (response.context["result"] is not None) is sees_result
    scoring_url = reverse("procedures:scoring", kwargs={"pk": builder.procedure.pk})
    assert (scoring_url in response.content.decode()) is sees_result
    assert client.get(scoring_url).status_code == (200 if sees_result else 404)
