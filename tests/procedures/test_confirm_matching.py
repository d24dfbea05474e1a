"""The second assessor confirms every score of the co-assessor that equals the organisation's
self-assessment in one POST (``services.scores_confirm_matching``): each confirmation audited,
a score changed since the page was loaded left alone, nobody outside the panel let in. And the
board's vote page links the scores per indicator."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import ScoreConfirmation
from clusterlabel.procedures.selectors import procedure_get
from tests.factories import UserFactory
from tests.helpers import element, elements, hrefs, login, text
from tests.procedures.builders import failing_minimum_values
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

SCHEME = "bw-cluster-excellence"


@pytest.fixture
def scored():
    """The first assessor has scored every indicator: as the organisation claimed, except the
    first minimum criterion."""
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.ASSESSMENT_IN_PROGRESS)
    first = builder.assessors[0]
    for indicator_id, value in failing_minimum_values(builder.scheme).items():
        services.score_save(
            procedure=builder.refresh(),
            actor=first,
            indicator_id=indicator_id,
            value=value,
            comment="",
            evidence_seen="Interview",
            based_on_revision=0,
        )
    builder.differing = next(i.id for i in builder.scheme.indicators if i.minimum_criterion)
    return builder


def confirmed_by(user, builder) -> set[str]:
    return {
        c.score.indicator_id
        for c in ScoreConfirmation.objects.filter(
            assessor=user, score__procedure=builder.procedure
        ).select_related("score")
        if c.revision == c.score.revision
    }


def scoring(builder):
    return reverse("procedures:scoring", args=[builder.procedure.pk])


def post_url(builder):
    return reverse("procedures:scores_confirm_matching", args=[builder.procedure.pk])


def shown_revisions(page) -> dict[str, str]:
    form = element(page, "form", class_="confirm-matching")
    return {
        dict(i.attributes)["name"]: dict(i.attributes)["value"]
        for i in elements(form, "input", type="hidden")
        if dict(i.attributes)["name"].startswith("revision-")
    }


def test_one_post_confirms_every_matching_score_each_audited(client, scored):
    second = scored.assessors[1]
    login(client, second, language="en")
    page = client.get(scoring(scored))
    revisions = shown_revisions(page)
    matching = {i.id for i in scored.scheme.indicators} - {scored.differing}
    assert set(revisions) == {f"revision-{i}" for i in matching}
    response = client.post(post_url(scored), revisions, follow=True)
    assert confirmed_by(second, scored) == matching
    events = AuditEvent.objects.filter(
        procedure_id=scored.procedure.pk, action="score.confirm", actor=second
    )
    assert sorted(e.after["indicator"] for e in events) == sorted(matching)
    assert f"{len(matching)} scores confirmed." in text(response)
    # The differing score is still the second assessor's to weigh; no button is left.
    assert scored.differing not in confirmed_by(second, scored)
    assert elements(client.get(scoring(scored)), "form", class_="confirm-matching") == []


def test_a_score_changed_after_the_page_was_loaded_is_not_confirmed(client, scored):
    first, second = scored.assessors
    login(client, second, language="en")
    revisions = shown_revisions(client.get(scoring(scored)))
    changed = next(iter(revisions)).removeprefix("revision-")
    indicator = scored.scheme.indicator(changed)
    services.score_save(
        procedure=scored.refresh(),
        actor=first,
        indicator_id=changed,
        value=indicator.threshold,
        comment="Checked again.",
        evidence_seen="Interview",
        based_on_revision=1,
    )
    response = client.post(post_url(scored), revisions, follow=True)
    assert changed not in confirmed_by(second, scored)
    assert len(confirmed_by(second, scored)) == len(revisions) - 1
    assert "1 score changed meanwhile and was not confirmed" in text(response)


def test_a_differing_score_is_not_confirmed_even_when_posted(client, scored):
    second = scored.assessors[1]
    login(client, second)
    client.post(post_url(scored), {f"revision-{scored.differing}": "1"})
    assert scored.differing not in confirmed_by(second, scored)


def test_the_saver_confirms_nothing_of_their_own(scored):
    first = scored.assessors[0]
    before = ScoreConfirmation.objects.count()
    done = services.scores_confirm_matching(
        procedure=procedure_get(pk=scored.procedure.pk),
        actor=first,
        revisions={i.id: 1 for i in scored.scheme.indicators},
    )
    assert done.confirmed == []
    assert ScoreConfirmation.objects.count() == before


@pytest.mark.parametrize("who", ["manager", "secretariat", "other_assessor"])
def test_nobody_outside_the_panel_can_confirm(client, scored, who):
    person = {
        "manager": scored.manager,
        "secretariat": scored.secretariat,
        "other_assessor": UserFactory(role=Role.ASSESSOR),
    }[who]
    login(client, person)
    revisions = {f"revision-{i.id}": "1" for i in scored.scheme.indicators}
    before = ScoreConfirmation.objects.count()
    assert client.post(post_url(scored), revisions).status_code == 404
    assert ScoreConfirmation.objects.count() == before


def test_nothing_is_confirmed_once_the_assessment_is_over(scored):
    second = scored.assessors[1]
    scored.walk.procedure.state = ProcedureState.REPORT_SUBMITTED
    scored.walk.procedure.save(update_fields=["state"])
    with pytest.raises(services.ActionRefused):
        services.scores_confirm_matching(
            procedure=scored.refresh(), actor=second, revisions={scored.differing: 1}
        )


# --- the board's vote page ---------------------------------------------------------------------


def test_the_vote_page_links_the_scores_per_indicator(client):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.BOARD_REVIEW)
    member = builder.board[0]
    login(client, member, language="en")
    page = client.get(reverse("procedures:vote", args=[builder.procedure.pk]))
    link = reverse("procedures:scoring", args=[builder.procedure.pk])
    assert link in hrefs(page)
    scores = client.get(link)
    assert scores.status_code == 200
    assert elements(scores, "form", class_="confirm-matching") == []


def test_a_board_member_with_a_conflict_gets_no_scores(client):
    builder = StateBuilder(scheme_id=SCHEME, board_declared=False).at(ProcedureState.BOARD_REVIEW)
    member = builder.board[0]
    services.board_conflict_declare(
        procedure=builder.refresh(), actor=member, no_conflict=False, note="My sister."
    )
    login(client, member, language="en")
    assert client.get(reverse("procedures:scoring", args=[builder.procedure.pk])).status_code == 404
    vote = client.get(reverse("procedures:vote", args=[builder.procedure.pk]))
    assert reverse("procedures:scoring", args=[builder.procedure.pk]) not in hrefs(vote)
