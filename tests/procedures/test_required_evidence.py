"""Evidence the scheme marks as required: the self-assessment is not submitted while an
indicator lacks it, and the refusal names each such indicator."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from clusterlabel.domain import procedure as flow
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Procedure
from tests.helpers import PDF, elements, login, parsed, text
from tests.procedures.builders import excellent_values
from tests.states import StateBuilder, add_evidence, add_required_evidence

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def answered() -> StateBuilder:
    """A BW procedure under contract with every indicator answered, and no evidence yet."""
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.CONTRACTED)
    services.self_assessment_save(
        procedure=builder.procedure,
        actor=builder.manager,
        values=excellent_values(builder.scheme),
    )
    return builder


def submit(builder: StateBuilder) -> Procedure:
    return services.procedure_transition(
        procedure=builder.procedure,
        actor=builder.manager,
        action=flow.Action.SUBMIT_SELF_ASSESSMENT,
    )


def test_the_shipped_schemes_require_evidence_for_every_indicator(answered):
    assert all(indicator.evidence_required for indicator in answered.scheme.indicators)


def test_answers_without_evidence_are_not_submitted_and_each_indicator_is_named(answered):
    with pytest.raises(services.ActionRefused) as refused:
        submit(answered)

    assert refused.value.code == "self_assessment_evidence_missing"
    assert refused.value.blocked[0].params["indicators"] == tuple(
        indicator.id for indicator in answered.scheme.indicators
    )
    assert answered.refresh().state == ProcedureState.CONTRACTED


def test_the_refusal_names_exactly_the_indicators_still_without_evidence(answered):
    evidence = add_required_evidence(answered.procedure, by=answered.manager)
    for item in evidence:
        if item.indicator_id in ("STR-02", "ACT-05"):
            item.delete()

    with pytest.raises(services.ActionRefused) as refused:
        submit(answered)

    assert refused.value.blocked[0].params["indicators"] == ("STR-02", "ACT-05")


def test_with_evidence_for_every_indicator_the_self_assessment_is_submitted(answered):
    add_required_evidence(answered.procedure, by=answered.manager)

    submit(answered)

    assert answered.refresh().state == ProcedureState.SELF_ASSESSMENT_SUBMITTED


def test_evidence_for_another_indicator_does_not_count(answered):
    add_required_evidence(answered.procedure, by=answered.manager)
    answered.procedure.evidence.filter(indicator_id="STR-01").delete()
    add_evidence(
        answered.procedure,
        indicator_id="STR-02",
        upload=SimpleUploadedFile("zweites.pdf", PDF),
        by=answered.manager,
    )

    with pytest.raises(services.ActionRefused) as refused:
        submit(answered)

    assert refused.value.blocked[0].params["indicators"] == ("STR-01",)


def test_the_submit_button_reports_the_missing_evidence_in_the_users_language(client, answered):
    evidence = add_required_evidence(answered.procedure, by=answered.manager)
    for item in evidence:
        if item.indicator_id in ("STR-02", "ACT-05"):
            item.delete()
    login(client, answered.manager, language="en")

    response = client.post(
        reverse("procedures:action", args=[answered.procedure.pk, "submit_self_assessment"]),
        follow=True,
    )

    messages = [str(m) for m in response.context["messages"]]
    assert (
        "The scheme requires evidence for these indicators, and none has been uploaded yet: "
        "STR-02, ACT-05."
    ) in messages
    assert answered.refresh().state == ProcedureState.CONTRACTED


def test_the_questionnaire_lists_the_indicators_still_without_evidence(client, answered):
    evidence = add_required_evidence(answered.procedure, by=answered.manager)
    for item in evidence:
        if item.indicator_id in ("STR-02", "ACT-05"):
            item.delete()
    login(client, answered.manager, language="en")

    page = parsed(client.get(reverse("procedures:self_assessment", args=[answered.procedure.pk])))

    (details,) = elements(page, "details", class_="sa-evidence-missing")
    assert "2 indicators still need evidence" in text(details)
    assert [text(link) for link in elements(details, "a")] == [
        f"STR-02 {answered.scheme.indicator('STR-02').name.get('en')}",
        f"ACT-05 {answered.scheme.indicator('ACT-05').name.get('en')}",
    ]
