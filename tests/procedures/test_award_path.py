"""From the award to the certificate: the procedure page of an awarded procedure shows the
labels issued (number, level, valid until, certificate and verification links), and the
decision e-mail says what was decided instead of only naming the new state."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from clusterlabel.labels.models import Label
from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from tests.helpers import element, elements, hrefs, login, text
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

SCHEME = "bw-cluster-excellence"


def test_the_awarded_procedure_page_shows_each_label_with_its_certificate(client):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.AWARDED)
    labels = list(Label.objects.filter(procedure=builder.procedure).order_by("pk"))
    assert labels
    login(client, builder.manager, language="en")
    page = client.get(reverse("procedures:detail", args=[builder.procedure.pk]))
    section = element(page, "section", class_="issued-labels")
    cards = elements(section, "li", class_="issued-label")
    assert len(cards) == len(labels)
    for label in labels:
        certificate = reverse("labels:certificate", args=[label.certificate_number])
        verification = reverse("labels:verify", args=[label.certificate_number])
        assert certificate in hrefs(section)
        assert verification in hrefs(section)
        assert label.certificate_number in text(section)
        assert label.valid_until.strftime("%Y") in text(section)
        # The certificate is downloadable where the page links it.
        assert client.get(certificate)["Content-Type"] == "application/pdf"
    for card in cards:
        assert "Status Valid" in text(card)
    # The manager's next steps lead there too.
    steps = element(page, "section", class_="actions")
    for label in labels:
        assert reverse("labels:certificate", args=[label.certificate_number]) in hrefs(steps)


def test_before_the_award_the_page_shows_no_label(client):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.AWAITING_DECISION)
    login(client, builder.manager, language="en")
    page = client.get(reverse("procedures:detail", args=[builder.procedure.pk]))
    assert elements(page, "section", class_="issued-labels") == []


def test_someone_without_a_part_in_the_procedure_sees_no_label_on_it(client):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.AWARDED)
    stranger = StateBuilder(scheme_id=SCHEME).manager
    login(client, stranger, language="en")
    assert client.get(reverse("procedures:detail", args=[builder.procedure.pk])).status_code == 404


def decide(builder: StateBuilder, *, award: bool, reason: str, capture) -> None:
    for person in (builder.manager,):
        person.preferred_language = "en"
        person.save()
    mail.outbox.clear()
    with capture(execute=True):
        services.procedure_decide(
            procedure=builder.refresh(), actor=builder.authority, award=award, reason=reason
        )


def test_the_award_e_mail_names_the_label_its_number_and_the_certificate(
    django_capture_on_commit_callbacks,
):
    builder = StateBuilder(scheme_id=SCHEME).at(ProcedureState.AWAITING_DECISION)
    decide(builder, award=True, reason="", capture=django_capture_on_commit_callbacks)
    (message,) = [m for m in mail.outbox if builder.manager.email in m.to]
    labels = Label.objects.filter(procedure=builder.procedure)
    assert labels
    assert message.subject == (
        f"[clusterlabel] {builder.procedure.reference}: Awarded · "
        f"{builder.organisation.cluster_name}"
    )
    assert "has awarded" in message.body
    assert "one step further" not in message.body
    for label in labels:
        assert f"Certificate number: {label.certificate_number}" in message.body
        assert reverse("labels:certificate", args=[label.certificate_number]) in message.body
        assert reverse("labels:verify", args=[label.certificate_number]) in message.body
    assert "Valid until: " in message.body
    # The level awarded comes first, then the labels recognised with it.
    awarded = labels.get(recognised_with__isnull=True)
    for recognised in labels.filter(recognised_with=awarded):
        body = message.body
        assert body.index(awarded.certificate_number) < body.index(recognised.certificate_number)


def test_the_refusal_e_mail_gives_the_reason(django_capture_on_commit_callbacks):
    builder = StateBuilder(scheme_id=SCHEME, award=False).at(ProcedureState.AWAITING_DECISION)
    decide(
        builder,
        award=False,
        reason="The minimum criteria are not met.",
        capture=django_capture_on_commit_callbacks,
    )
    (message,) = [m for m in mail.outbox if builder.manager.email in m.to]
    assert "has refused" in message.body
    assert "Reason: The minimum criteria are not met." in message.body
    assert "Certificate number" not in message.body


def test_a_label_whose_scheme_names_its_level_is_named_once(client, loaded_schemes):
    """'ECEI Bronze Label', not 'ECEI Bronze Label: Bronze' (the awarded label's card, the
    decision e-mail) nor 'ECEI Bronze Label', a dash and 'Bronze' (the assessment pages' header)."""
    builder = StateBuilder(scheme_id="ecei-bronze").at(ProcedureState.AWARDED)
    procedure = builder.procedure
    login(client, builder.manager, language="en")
    page = client.get(reverse("procedures:detail", args=[procedure.pk]))
    card = element(page, "li", class_="issued-label")
    assert text(element(card, "h3")) == "ECEI Bronze Label"
    report = client.get(reverse("procedures:report", args=[procedure.pk]))
    meta = text(elements(report, "p", class_="meta")[0])
    assert "ECEI Bronze Label ·" in meta
    assert "\N{EN DASH} Bronze" not in meta
