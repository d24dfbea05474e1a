"""The application form names an earlier awarded procedure as a person picks it: its
reference, the label in the page's language and the day of the decision (the demo's German
form offered "BioCon Valley · ECEI Bronze Label (bronze)": the model's English name and the
level's id)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from clusterlabel.procedures.choices import ProcedureState
from tests.helpers import element, elements, login, text
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "label"), [("de", "ECEI-Label Bronze"), ("en", "ECEI Bronze Label")]
)
def test_the_previous_assessment_is_named_in_the_pages_language(client, language, label):
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWARDED)
    awarded = builder.refresh()
    login(client, builder.manager, language=language)
    page = client.get(reverse("procedures:create", args=[builder.organisation.pk]))
    select = element(page, "select", name="previous_procedure")
    options = [text(option) for option in elements(select, "option") if text(option) != "---------"]
    with translation.override(language):
        day = formats.date_format(timezone.localdate(awarded.decided_at), "DATE_FORMAT")
    assert options == [f"{awarded.reference} · {label} · {day}"]
