"""Two assessors saving the same score at the same time: the second is told, sees the other's
value next to what they typed, and nothing is silently overwritten."""

from __future__ import annotations

import re
import threading
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse

from clusterlabel.audit.models import AuditEvent
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import IndicatorScore, ScoreConfirmation
from tests.helpers import login
from tests.procedures.builders import ProcedureBuilder


def card(response, indicator_id: str) -> str:
    match = re.search(
        rf'<article[^>]*id="indicator-{re.escape(indicator_id)}".*?</article>',
        response.content.decode(),
        re.S,
    )
    assert match, f"no card for {indicator_id}"
    return unescape(match.group(0))


def revision_in_form(html: str) -> str:
    return re.search(r'name="based_on_revision" value="(\d+)"', html).group(1)


def typed_value(html: str, indicator_id: str) -> str:
    tag = re.search(rf'<input[^>]*id="id_{indicator_id}_value"[^>]*>', html).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


@pytest.fixture
def procedure_with_score(db):
    """BW in progress; the first number indicator scored 30 by assessor A (revision 1)."""
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    indicator = next(i for i in builder.scheme.indicators if i.type == "number")
    services.score_save(
        procedure=procedure,
        actor=builder.assessors[0],
        indicator_id=indicator.id,
        value=Decimal(30),
        comment="Erster Eindruck",
        evidence_seen="Mitgliederliste",
        based_on_revision=0,
    )
    return builder, indicator


@pytest.mark.django_db
def test_second_save_on_a_stale_revision_is_refused_and_shows_both_values(
    client, django_user_model, procedure_with_score
):
    from django.test import Client

    builder, indicator = procedure_with_score
    procedure = builder.procedure
    assessor_a, assessor_b = builder.assessors
    client_a, client_b = (
        login(client, assessor_a, language="en"),
        login(Client(), assessor_b, language="en"),
    )
    scoring_url = reverse("procedures:scoring", kwargs={"pk": procedure.pk})
    save_url = reverse(
        "procedures:score_save", kwargs={"pk": procedure.pk, "indicator_id": indicator.id}
    )

    # Both load the page while the score is at revision 1.
    assert revision_in_form(card(client_a.get(scoring_url), indicator.id)) == "1"
    assert revision_in_form(card(client_b.get(scoring_url), indicator.id)) == "1"

    # A saves first: revision 2.
    saved = client_a.post(
        save_url,
        {
            "value": "45",
            "comment": "Nach Gespräch korrigiert",
            "evidence_seen": "Mitgliederliste 2024",
            "based_on_revision": "1",
        },
    )
    assert saved.status_code == 302
    assert IndicatorScore.objects.get(procedure=procedure, indicator_id=indicator.id).revision == 2

    # B saves on the page loaded at revision 1: refused, nothing written.
    refused = client_b.post(
        save_url,
        {
            "value": "38,5",
            "comment": "Meine Sicht",
            "evidence_seen": "Liste gesehen",
            "based_on_revision": "1",
        },
    )

    assert refused.status_code == 409
    html = card(refused, indicator.id)
    name = assessor_a.get_full_name()
    assert (
        f"{name} changed this score meanwhile to 45 {indicator.unit.en} "
        "(comment: Nach Gespräch korrigiert). Your entry is shown below; check it and save again."
        in html
    )
    assert re.search(r"data-panel-value>45 ", html)  # the other's saved value
    assert typed_value(html, indicator.id) == "38,5"  # B's own entry, as typed
    assert "Meine Sicht" in html and "Liste gesehen" in html
    assert revision_in_form(html) == "2"  # a deliberate second save is based on A's version
    score = IndicatorScore.objects.get(procedure=procedure, indicator_id=indicator.id)
    assert (score.value, score.revision, score.comment, score.updated_by) == (
        "45",
        2,
        "Nach Gespräch korrigiert",
        assessor_a,
    )

    # B checks and saves again, now on revision 2: stored.
    again = client_b.post(
        save_url,
        {
            "value": "38,5",
            "comment": "Meine Sicht",
            "evidence_seen": "Liste gesehen",
            "based_on_revision": revision_in_form(html),
        },
    )
    assert again.status_code == 302
    score.refresh_from_db()
    assert (score.value, score.revision, score.updated_by) == ("38.5", 3, assessor_b)
    # A's confirmation was for revision 2: A must look at B's value and confirm it.
    confirmations = dict(score.confirmations.values_list("assessor_id", "revision"))
    assert confirmations == {assessor_a.pk: 2, assessor_b.pk: 3}
    page = client_a.get(scoring_url)
    assert page.context["summary"]["disagreements"] == 1
    assert "Confirm this score" in card(page, indicator.id)


@pytest.mark.django_db
def test_two_assessors_creating_the_same_score(client, procedure_with_score):
    from django.test import Client

    builder, _scored = procedure_with_score
    procedure = builder.procedure
    indicator = next(i for i in builder.scheme.indicators if i.type == "percent")
    assessor_a, assessor_b = builder.assessors
    client_a, client_b = (
        login(client, assessor_a, language="en"),
        login(Client(), assessor_b, language="en"),
    )
    save_url = reverse(
        "procedures:score_save", kwargs={"pk": procedure.pk, "indicator_id": indicator.id}
    )
    entry = {"evidence_seen": "Jahresabschluss", "based_on_revision": "0"}

    first = client_a.post(save_url, {**entry, "value": "60"})
    second = client_b.post(save_url, {**entry, "value": "55"})

    assert first.status_code == 302
    assert second.status_code == 409
    html = card(second, indicator.id)
    assert "changed this score meanwhile to 60 %" in html
    assert typed_value(html, indicator.id) == "55"
    assert revision_in_form(html) == "1"
    assert list(
        IndicatorScore.objects.filter(procedure=procedure, indicator_id=indicator.id).values_list(
            "value", "revision"
        )
    ) == [("60", 1)]


@pytest.mark.django_db
def test_a_save_based_on_a_revision_of_an_unscored_indicator_is_a_conflict_not_a_crash(
    client, procedure_with_score
):
    # ScoreConflict used to read the missing score's indicator id: a 500 instead of the 409.
    builder, _scored = procedure_with_score
    procedure = builder.procedure
    indicator = next(i for i in builder.scheme.indicators if i.type == "percent")
    login(client, builder.assessors[1], language="en")
    events_before = AuditEvent.objects.count()

    response = client.post(
        reverse("procedures:score_save", kwargs={"pk": procedure.pk, "indicator_id": indicator.id}),
        {"value": "55", "evidence_seen": "Jahresabschluss", "based_on_revision": "1"},
    )

    assert response.status_code == 409
    html = card(response, indicator.id)
    assert (
        "This score has changed meanwhile. Your entry is shown below; check it and save again."
        in html
    )
    assert typed_value(html, indicator.id) == "55"
    assert revision_in_form(html) == "0"  # saving again creates the score
    assert not IndicatorScore.objects.filter(
        procedure=procedure, indicator_id=indicator.id
    ).exists()
    assert AuditEvent.objects.count() == events_before


def test_the_conflict_names_the_indicator_even_without_a_score():
    conflict = services.ScoreConflict(indicator_id="STR-01", score=None)

    assert (conflict.indicator_id, conflict.score) == ("STR-01", None)
    assert str(conflict) == "score STR-01 is at revision 0"


@pytest.mark.django_db
def test_confirming_on_a_stale_revision_confirms_nothing(client, procedure_with_score):
    builder, indicator = procedure_with_score
    procedure = builder.procedure
    assessor_a, assessor_b = builder.assessors
    services.score_save(
        procedure=procedure,
        actor=assessor_a,
        indicator_id=indicator.id,
        value=Decimal(31),
        comment="",
        evidence_seen="Liste",
        based_on_revision=1,
    )
    login(client, assessor_b, language="en")

    response = client.post(
        reverse(
            "procedures:score_confirm", kwargs={"pk": procedure.pk, "indicator_id": indicator.id}
        ),
        {"revision": "1"},
    )

    assert response.status_code == 302
    assert not ScoreConfirmation.objects.filter(assessor=assessor_b).exists()


# A real race needs two database connections that block on each other's row lock. SQLite
# serialises whole transactions (and the in-memory test database is not shared between
# threads), so this runs only on PostgreSQL (CI's second run sets DATABASE_URL).
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_in_two_threads_let_exactly_one_win():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks between two connections")
    builder = ProcedureBuilder(scheme_id="bw-cluster-excellence")
    procedure = builder.advance_to(ProcedureState.ASSESSMENT_IN_PROGRESS)
    indicator = next(i for i in builder.scheme.indicators if i.type == "number")
    services.score_save(
        procedure=procedure,
        actor=builder.assessors[0],
        indicator_id=indicator.id,
        value=Decimal(30),
        comment="",
        evidence_seen="Liste",
        based_on_revision=0,
    )
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def save(assessor, value: int) -> None:
        from django.db import connection as thread_connection

        try:
            start.wait()
            services.score_save(
                procedure=procedure,
                actor=assessor,
                indicator_id=indicator.id,
                value=Decimal(value),
                comment="",
                evidence_seen="Liste",
                based_on_revision=1,
            )
            outcomes[assessor.username] = "saved"
        except services.ScoreConflict as exc:
            outcomes[assessor.username] = f"conflict at {exc.score.revision}"
        finally:
            thread_connection.close()

    threads = [
        threading.Thread(target=save, args=(assessor, value))
        for assessor, value in zip(builder.assessors, (41, 42), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["conflict at 2", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    score = IndicatorScore.objects.get(procedure=procedure, indicator_id=indicator.id)
    assert score.revision == 2
    assert score.updated_by.username == winner
    assert score.value == ("41" if winner == builder.assessors[0].username else "42")
