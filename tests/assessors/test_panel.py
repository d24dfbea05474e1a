"""The pool meets the panel: the suggestion on the panel page, and an expert who may not
assess is refused when proposed and when the panel is confirmed, with the reason, nothing
half-saved."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.assessors import services as pool_services
from clusterlabel.assessors.models import AssessorProfile, Qualification
from clusterlabel.audit.models import AuditEvent
from clusterlabel.domain import procedure as flow
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import AssessorAssignment
from tests.factories import UserFactory, grant_role, qualify
from tests.helpers import attribute, elements, login, text
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture
def gold():
    """ECEI Gold for a German organisation (health), self-assessment submitted; the builder's
    two assessors (DE, NL) are qualified."""
    return StateBuilder(scheme_id="ecei-gold").at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)


def expert(country: str, last_name: str, *, languages=(), sectors=(), **qualification):
    """An assessor of every shipped scheme with a profile; qualified for every level unless
    ``qualification`` (the arguments of ``qualify``) says otherwise."""
    user = grant_role(
        UserFactory(country=country, first_name="Expert", last_name=last_name), Role.ASSESSOR
    )
    profile = AssessorProfile.objects.get(user=user)
    profile.languages, profile.sectors = list(languages), list(sectors)
    profile.save()
    if qualification:
        Qualification.objects.filter(profile=profile).delete()
        qualify(user, **qualification)
    return user


def propose(builder, assessors):
    return services.panel_propose(
        procedure=builder.refresh(),
        actor=builder.secretariat,
        assessors=assessors,
        assessment_date=builder.walk.assessment_date(),
    )


def test_an_expired_qualification_is_refused_at_the_proposal_with_its_reason(gold, english):
    expired = expert("AT", "Abgelaufen", valid_from=date(2020, 1, 1), valid_until=date(2021, 1, 1))
    national = gold.assessors[0]
    with pytest.raises(ValidationError) as refused:
        propose(gold, [national, expired])
    [message] = refused.value.message_dict["assessors"]
    assert "Expert Abgelaufen cannot assess this procedure" in message
    assert "The qualification expired on" in message
    assert not AssessorAssignment.objects.filter(procedure=gold.procedure).exists()
    assert not AuditEvent.objects.filter(action="panel.propose").exists()


def test_every_refused_expert_is_named_with_every_reason(gold, english):
    unconfirmed = expert("AT", "Offen", confirmed=False)
    conflicted = expert("FR", "Befangen")
    pool_services.declared_conflict_add(
        actor=conflicted, organisation=gold.organisation, note="Worked there."
    )
    with pytest.raises(ValidationError) as refused:
        propose(gold, [unconfirmed, conflicted])
    messages = refused.value.message_dict["assessors"]
    assert len(messages) == 2
    assert "Expert Offen" in messages[0] and "not yet confirmed" in messages[0]
    assert "Expert Befangen" in messages[1] and "Declared a conflict" in messages[1]
    assert not AssessorAssignment.objects.filter(procedure=gold.procedure).exists()


def test_a_qualification_for_another_level_does_not_count(gold, english):
    bronze_only = expert("AT", "Bronze", scheme_ids=["ecei-bronze"])
    with pytest.raises(ValidationError, match="No qualification for this scheme and level"):
        propose(gold, [gold.assessors[0], bronze_only])


def test_a_qualification_that_ends_before_the_assessment_date_is_refused(gold, english):
    day = gold.walk.assessment_date()
    short = expert("AT", "Kurz", valid_from=date(2020, 1, 1), valid_until=timezone.localdate())
    assert day > timezone.localdate()
    with pytest.raises(ValidationError, match="expired"):
        propose(gold, [gold.assessors[0], short])


def test_confirming_the_panel_refuses_an_expert_whose_qualification_went_away(gold, english):
    propose(gold, gold.assessors)
    for assessor in gold.assessors:
        services.conflict_declare(procedure=gold.refresh(), actor=assessor, no_conflict=True)
    foreign = gold.assessors[1]
    Qualification.objects.filter(profile__user=foreign).update(valid_until=date(2021, 1, 1))
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_transition(
            procedure=gold.refresh(), actor=gold.secretariat, action=flow.Action.ASSIGN_ASSESSORS
        )
    [blocked] = [b for b in refused.value.blocked if b.code == "assessors_not_qualified"]
    assert blocked.params["names"] == (foreign.get_full_name(),)
    assert gold.refresh().state == ProcedureState.SELF_ASSESSMENT_SUBMITTED
    assert not AuditEvent.objects.filter(action="procedure.assign_assessors").exists()


def test_confirming_the_panel_refuses_a_conflict_declared_after_the_proposal(gold, english):
    propose(gold, gold.assessors)
    for assessor in gold.assessors:
        services.conflict_declare(procedure=gold.refresh(), actor=assessor, no_conflict=True)
    pool_services.declared_conflict_add(
        actor=gold.assessors[0], organisation=gold.organisation, note="Joined its board."
    )
    with pytest.raises(services.ActionRefused) as refused:
        services.procedure_transition(
            procedure=gold.refresh(), actor=gold.secretariat, action=flow.Action.ASSIGN_ASSESSORS
        )
    assert "assessors_conflict_declared_on_profile" in [b.code for b in refused.value.blocked]
    assert gold.refresh().state == ProcedureState.SELF_ASSESSMENT_SUBMITTED


def test_a_qualified_panel_is_confirmed(gold):
    propose(gold, gold.assessors)
    for assessor in gold.assessors:
        services.conflict_declare(procedure=gold.refresh(), actor=assessor, no_conflict=True)
    services.procedure_transition(
        procedure=gold.refresh(), actor=gold.secretariat, action=flow.Action.ASSIGN_ASSESSORS
    )
    assert gold.refresh().state == ProcedureState.ASSESSORS_ASSIGNED


# --- the suggestion on the panel page ---------------------------------------------------------


def panel_url(builder) -> str:
    return reverse("procedures:panel", args=[builder.procedure.pk])


def test_the_panel_page_ranks_the_pool_with_reasons_in_words(client, gold, english):
    speaker = expert("AT", "Sprecher", languages=["de"], sectors=["health_medical"])
    expired = expert("FR", "Alt", valid_from=date(2020, 1, 1), valid_until=date(2021, 1, 1))
    login(client, gold.secretariat, language="en")
    page = client.get(panel_url(gold))
    assert page.status_code == 200
    view = page.context["suggestion"]
    assert view.eligible[0].user == speaker
    assert "Speaks the organisation's language: German." in view.eligible[0].reasons
    assert "Knows the organisation's sector: Health and medical science." in (
        view.eligible[0].reasons
    )
    assert expired not in [row.user for row in view.eligible]
    [excluded] = [row for row in view.excluded if row.user == expired]
    assert excluded.reasons == ["The qualification expired on 01/01/2021."]
    table = text(elements(page, "table", class_="as-suggestion-table")[0])
    assert "Expert Sprecher" in table
    assert "Expert Alt" in text(elements(page, "details", class_="as-excluded")[0])
    # The suggested Gold panel: one national (the builder's DE assessor), one foreign.
    suggested = set(view.panel_ids)
    assert gold.assessors[0].pk in suggested
    assert speaker.pk in suggested


def test_taking_over_the_suggestion_fills_the_form_and_saves_nothing(client, gold, english):
    login(client, gold.secretariat, language="en")
    page = client.get(panel_url(gold) + "?take=suggestion")
    checked = {
        int(attribute(box, "value"))
        for box in elements(page, "input", name="assessors", checked=True)
    }
    assert checked == set(page.context["suggestion"].panel_ids)
    assert len(checked) == 2
    assert page.context["taken_over"]
    assert not AssessorAssignment.objects.filter(procedure=gold.procedure).exists()


def test_the_suggestion_says_why_no_complete_panel_can_be_made(client, english):
    builder = StateBuilder(
        scheme_id="ecei-gold", assessors=[expert("DE", "Eins"), expert("DE", "Zwei")]
    ).at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    login(client, builder.secretariat, language="en")
    page = client.get(panel_url(builder))
    view = page.context["suggestion"]
    assert [row.national for row in view.eligible] == [True, True]
    assert view.panel_ids == []
    assert "No eligible assessor from outside Germany" in view.panel_problem


# The panel page with its suggestion: the page as before, plus the pool (its accounts, profiles,
# qualifications, declared conflicts), the load and the previous cycle's panel, whatever the
# pool's size.
PANEL_PAGE_QUERIES = 19


def test_the_panel_page_query_count_is_constant_in_the_pool_size(
    client, gold, django_assert_num_queries
):
    login(client, gold.secretariat)
    url = panel_url(gold)
    client.get(url)  # warm the session and the scheme cache
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    assert len(small.captured_queries) == PANEL_PAGE_QUERIES
    for i in range(6):
        user = expert("FR" if i % 2 else "DE", f"Mehr{i}", languages=["de", "fr"])
        if i == 0:
            pool_services.declared_conflict_add(
                actor=user, organisation=gold.organisation, note="Advised it."
            )
        if i == 1:
            Qualification.objects.filter(profile__user=user).update(confirmed_at=None)
    with django_assert_num_queries(PANEL_PAGE_QUERIES):
        page = client.get(url)
    view = page.context["suggestion"]
    assert len(view.eligible) + len(view.excluded) == 8
    assert len(view.excluded) == 2


def _start_queries(client) -> int:
    start = reverse("portal:start")
    client.get(start)  # warm the per-process caches
    with CaptureQueriesContext(connection) as context:
        assert client.get(start).status_code == 200
    return len(context.captured_queries)


def test_the_start_page_reads_the_pool_once_for_every_proposed_panel(client):
    first = StateBuilder(scheme_id="ecei-gold").at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
    propose(first, first.assessors)
    login(client, first.secretariat)
    one = _start_queries(client)
    for _ in range(3):
        more = StateBuilder(scheme_id="ecei-gold", assessors=first.assessors)
        more.secretariat = first.secretariat
        more.at(ProcedureState.SELF_ASSESSMENT_SUBMITTED)
        propose(more, more.assessors)
    assert _start_queries(client) == one
