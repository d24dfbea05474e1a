"""The fast builder (``tests.states.StateBuilder``) leaves the rows a walk through the real
services leaves, in every state it jumps to.

For each state one procedure walks there (``ProcedureBuilder``; along the usual path one walk
is compared after every step) and one jumps; everything the tests read is compared, with the
people named by their part (``manager``, ``assessor 0``, ...) and timestamps by whether they
are set: the procedure's fields and computed result, the answers, the panel, the scores with
their confirmations, the board's declarations and votes, the evidence, the labels and the
benchmarking pool's row, and, for every person, the facts the transition table decides on.
Only the audit trail differs: the jump writes none of the procedure's own events.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clusterlabel.audit.models import AuditEvent
from clusterlabel.benchmarks.models import ReferenceAssessment
from clusterlabel.domain import procedure as flow
from clusterlabel.labels.models import Label
from clusterlabel.procedures import services
from clusterlabel.procedures.facts import procedure_facts
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.results import compute_result
from clusterlabel.procedures.selectors import procedure_get
from clusterlabel.procedures.walkthrough import USUAL_PATH
from tests.procedures.builders import ProcedureBuilder, ensure_schemes, failing_minimum_values
from tests.states import STATES, StateBuilder, add_evidence

pytestmark = pytest.mark.django_db

S = flow.State

# Timestamps differ between two builds; whether they are set does not.
STAMPED = (
    "applied_at",
    "contracted_at",
    "report_submitted_at",
    "decided_at",
)
PROCEDURE_FIELDS = (
    "state",
    "level_id",
    "process",
    "assessment_mode",
    "application_note",
    "fee_currency",
    "fee_net",
    "fee_vat",
    "fee_gross",
    "fee_subsidy",
    "fee_subsidy_payer",
    "fee_payable_gross",
    "fee_vat_treatment",
    "fee_customer_vat_id",
    "fee_process",
    "assessment_date",
    "report_summary",
    "board_round",
    "decision",
    "decision_reason",
    "result",
)
LABEL_FIELDS = (
    "scheme_id",
    "family",
    "level_id",
    "valid_from",
    "valid_until",
    "awarded_on",
    "first_awarded_on",
    "state",
    "state_reason",
    "source",
)
POOL_FIELDS = (
    "pool_id",
    "source",
    "assessed_on",
    "sector",
    "country",
    "founding_year",
    "committed_members",
    "values",
    "category_percent",
    "overall_percent",
    "is_latest",
)


def _parts(builder: ProcedureBuilder) -> dict[int, str]:
    people = {
        builder.manager.pk: "manager",
        builder.secretariat.pk: "secretariat",
        builder.authority.pk: "authority",
    }
    people.update({a.pk: f"assessor {n}" for n, a in enumerate(builder.assessors)})
    people.update({m.pk: f"board member {n}" for n, m in enumerate(builder.board)})
    return people


def rows(builder: ProcedureBuilder) -> dict[str, Any]:
    """Everything the tests read of ``builder``'s procedure, independent of keys and clocks."""
    p = Procedure.objects.get(pk=builder.procedure.pk)
    part = _parts(builder)
    # Everybody's facts read the procedure as the pages do (prefetched), the result once.
    read = procedure_get(pk=p.pk)
    today = timezone.localdate()
    computed = compute_result(read, on=today)
    labels = {label.pk: label for label in Label.objects.filter(procedure=p)}
    return {
        "procedure": {
            **{f: getattr(p, f) for f in PROCEDURE_FIELDS},
            **{f: getattr(p, f) is not None for f in STAMPED},
            "decided_by": part.get(p.decided_by_id),
            "created_by": part[p.created_by_id],
            "previous_procedure": p.previous_procedure_id,
        },
        "answers": sorted(
            (a.indicator_id, a.value, a.comment, part[a.updated_by_id]) for a in p.answers.all()
        ),
        "panel": sorted(
            (
                part[a.assessor_id],
                a.no_conflict_declared,
                a.declared_at is not None,
                a.report_agreed,
            )
            for a in p.assignments.all()
        ),
        "scores": sorted(
            (
                s.indicator_id,
                s.value,
                s.comment,
                s.evidence_seen,
                s.revision,
                part[s.updated_by_id],
                tuple(sorted((part[c.assessor_id], c.revision) for c in s.confirmations.all())),
            )
            for s in p.scores.all()
        ),
        "board declarations": sorted(
            (part[d.member_id], d.round, d.no_conflict, d.note)
            for d in p.board_conflict_declarations.all()
        ),
        "votes": sorted(
            (part[v.member_id], v.round, v.in_favour, v.reason) for v in p.board_votes.all()
        ),
        "evidence": sorted(
            (
                e.indicator_id,
                e.original_name,
                e.content_type,
                e.size,
                e.sha256,
                part[e.uploaded_by_id],
                e.file.name.startswith(f"evidence/{p.pk}/"),
                e.file.size == e.size,  # the stored file is the upload
            )
            for e in p.evidence.all()
        ),
        "labels": sorted(
            (
                *(getattr(label, f) for f in LABEL_FIELDS),
                label.certificate_number.rsplit("-", 1)[0],  # the number counts on
                label.scheme_version.scheme_id,
                labels[label.recognised_with_id].scheme_id if label.recognised_with_id else None,
                label.previous_id,
            )
            for label in labels.values()
        ),
        "pool": [
            {f: getattr(row, f) for f in POOL_FIELDS}
            | {"named": row.name == p.organisation.cluster_name}
            for row in ReferenceAssessment.objects.filter(procedure=p)
        ],
        # What the transition table sees, and so which buttons each person gets.
        "facts": {
            name: _unordered(procedure_facts(read, actor=person, today=today, computed=computed))
            for name, person in _people(builder).items()
        },
    }


def _unordered(facts: flow.ProcedureFacts) -> flow.ProcedureFacts:
    """The facts with the panel and the votes sorted: they are read without an order, and
    PostgreSQL returns updated rows in another order than they were written. The assessors'
    names are left out: the two builders' people are different accounts."""
    return replace(
        facts,
        assessors=tuple(sorted((replace(a, name="") for a in facts.assessors), key=repr)),
        board_votes=tuple(sorted(facts.board_votes, key=repr)),
    )


def _people(builder: ProcedureBuilder) -> dict[str, Any]:
    return {
        "manager": builder.manager,
        "secretariat": builder.secretariat,
        "authority": builder.authority,
        **{f"assessor {n}": a for n, a in enumerate(builder.assessors)},
        **{f"board member {n}": m for n, m in enumerate(builder.board)},
    }


def assert_same(walked: ProcedureBuilder, jumped: StateBuilder) -> None:
    expected, actual = rows(walked), rows(jumped)
    for key in expected:
        assert actual[key] == expected[key], f"{walked.procedure.state}: {key}"


def walked(state: str, **kwargs: Any) -> ProcedureBuilder:
    """A procedure walked to ``state`` through the real services; the states off the usual
    path are reached as people reach them (withdrawn from the contract)."""
    builder = ProcedureBuilder(**kwargs)
    if state == S.CHANGES_REQUESTED:
        builder.advance_to(S.APPLIED)
        services.procedure_transition(
            procedure=builder.procedure,
            actor=builder.secretariat,
            action=flow.Action.REQUEST_CHANGES,
            reason="Bitte ergänzen.",
        )
    elif state == S.WITHDRAWN:
        builder.advance_to(S.CONTRACTED)
        services.procedure_transition(
            procedure=builder.procedure,
            actor=builder.manager,
            action=flow.Action.WITHDRAW,
            reason="Wir bewerben uns später.",
        )
    else:
        builder.advance_to(state)
    return builder


BW = "bw-cluster-excellence"  # advisory board, two assessors, recognised as ECEI Gold
GOLD = "ecei-gold"  # the cluster-excellence group as its board, a national and a foreign assessor
BRONZE = "ecei-bronze"  # one assessor
SILVER = "ecei-silver"  # one assessor, in the Bronze pool, awarded only after a Bronze label


# The usual path in two walks, compared after every step: each step leaves what walking
# straight to that state leaves (the first target decides whether the assessment is scheduled
# ahead or lies behind, so the states up to the panel and those after it are walked apart).
BEFORE_THE_ASSESSMENT = USUAL_PATH[: USUAL_PATH.index(S.ASSESSORS_ASSIGNED) + 1]
FROM_THE_ASSESSMENT = USUAL_PATH[len(BEFORE_THE_ASSESSMENT) :]


@pytest.mark.parametrize(
    "states", [BEFORE_THE_ASSESSMENT, FROM_THE_ASSESSMENT], ids=["to-the-panel", "to-the-award"]
)
def test_every_state_of_a_bw_procedure_on_the_usual_path(states):
    walk = ProcedureBuilder(scheme_id=BW)
    for state in states:
        walk.advance_to(state)
        assert_same(walk, StateBuilder(scheme_id=BW).at(state))


@pytest.mark.parametrize("state", sorted(set(STATES) - set(USUAL_PATH)))
def test_the_states_off_the_usual_path_of_a_bw_procedure(state):
    assert_same(walked(state, scheme_id=BW), StateBuilder(scheme_id=BW).at(state))


@pytest.mark.parametrize(
    "scheme_id, state",
    [
        (GOLD, S.ASSESSMENT_IN_PROGRESS),
        (GOLD, S.AWAITING_DECISION),
        (GOLD, S.AWARDED),
        (BRONZE, S.AWARDED),
        (SILVER, S.REFUSED),
    ],
)
def test_the_ecei_schemes(scheme_id, state):
    assert_same(walked(state, scheme_id=scheme_id), StateBuilder(scheme_id=scheme_id).at(state))


def test_failed_minimum_criteria_and_an_undeclared_board():
    """Scores that miss a minimum criterion give the same refusing result; a board that has not
    declared yet has no declarations."""
    for state, kwargs in [
        (S.REPORT_SUBMITTED, {}),
        (S.BOARD_REVIEW, {"board_declared": False}),
    ]:
        version = ensure_schemes()[BW]
        failing = failing_minimum_values(version.scheme)
        assert_same(
            walked(state, scheme_id=BW, score_values=failing, **kwargs),
            StateBuilder(scheme_id=BW, score_values=failing, **kwargs).at(state),
        )


def test_after_the_jump_the_builder_walks_on_through_the_services():
    builder = StateBuilder(scheme_id=GOLD).at(S.SELF_ASSESSMENT_SUBMITTED)
    procedure = builder.advance_to(S.AWARDED)
    assert procedure.state == S.AWARDED
    assert AuditEvent.objects.filter(procedure_id=procedure.pk, action="procedure.award").exists()
    walk = ProcedureBuilder(scheme_id=GOLD)
    walk.advance_to(S.SELF_ASSESSMENT_SUBMITTED)  # so the assessment is scheduled ahead, too
    walk.advance_to(S.AWARDED)
    assert_same(walk, builder)


def test_a_report_ready_to_submit(settings, tmp_path):
    """Scored, confirmed and agreed, not submitted (and the evidence uploaded beforehand)."""
    settings.MEDIA_ROOT = str(tmp_path)
    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    walk = ProcedureBuilder(scheme_id=BW)
    walk.advance_to(S.CONTRACTED)
    services.evidence_upload(
        procedure=walk.procedure,
        actor=walk.manager,
        indicator_id="STR-01",
        upload=SimpleUploadedFile("Mitgliederliste.pdf", pdf),
    )
    walk.advance_to(S.ASSESSMENT_IN_PROGRESS)
    walk.score_all()
    for assessor in walk.assessors:
        services.report_agree(procedure=walk.procedure, actor=assessor, summary=walk.walk.report)
    jump = StateBuilder(scheme_id=BW)
    jump.walk.assessment_in_past = False  # as the walk's first target (the contract) decided
    jump.at(S.ASSESSMENT_IN_PROGRESS).report_ready()
    add_evidence(
        jump.procedure,
        indicator_id="STR-01",
        upload=SimpleUploadedFile("Mitgliederliste.pdf", pdf),
        by=jump.manager,
    )
    assert_same(walk, jump)
