"""The secretariat's invoice pages: the list with its status filter (its query count pinned),
one invoice with "mark paid" and "cancel (credit note)", the procedure page's links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterlabel.invoices.models import Invoice
from tests.helpers import attribute, element, elements, get_in_queries, login, text
from tests.invoices.helpers import contracted, invoices_of

pytestmark = pytest.mark.django_db


def statuses(page) -> list[tuple[str, str]]:
    table = element(page, "table", class_="invoice-list")
    return [
        (text(element(row, "th")).split(" ")[0], attribute(row, "data-status"))
        for row in elements(element(table, "tbody"), "tr")
    ]


def test_the_list_filters_by_status_and_its_query_count_stays(client, django_assert_num_queries):
    builder = contracted(issued_on=timezone.localdate() - timedelta(days=31))
    ministry, organisation = invoices_of(builder)
    current = contracted("ecei-bronze")
    (fresh,) = invoices_of(current)
    login(client, builder.secretariat, language="en")
    url = reverse("invoices:list")
    page = get_in_queries(client, url, 4, django_assert_num_queries)
    assert statuses(page) == [
        (fresh.number, "open"),
        (organisation.number, "overdue"),
        (ministry.number, "overdue"),
    ]
    for _ in range(3):
        contracted()
    page = get_in_queries(client, url, 4, django_assert_num_queries)
    assert len(statuses(page)) == 9
    page = client.get(url, {"status": "overdue"})
    assert statuses(page) == [(organisation.number, "overdue"), (ministry.number, "overdue")]
    assert [text(td) for td in elements(page, "td", class_="invoice-status")] == ["Overdue"] * 2
    page = client.get(url, {"status": "open"})
    assert organisation.number not in page.content.decode()
    assert fresh.number in page.content.decode()


def test_the_secretariat_marks_paid_and_cancels_on_the_invoice_page(client):
    builder = contracted("ecei-bronze")
    (invoice,) = invoices_of(builder)
    login(client, builder.secretariat, language="en")
    page = client.get(reverse("invoices:detail", args=[invoice.pk]))
    assert [text(h) for h in elements(page, "h2")] == ["Mark paid", "Cancel by credit note"]
    refused = client.post(reverse("invoices:mark_paid", args=[invoice.pk]), {"paid_on": ""})
    assert refused.status_code == 400
    response = client.post(
        reverse("invoices:mark_paid", args=[invoice.pk]),
        {"paid_on": "2026-12-20", "reason": "Statement 12/2026"},
    )
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (invoice.status, str(invoice.paid_on)) == ("paid", "2026-12-20")
    page = client.get(reverse("invoices:detail", args=[invoice.pk]))
    assert [text(h) for h in elements(page, "h2")] == ["Cancel by credit note"]
    response = client.post(reverse("invoices:cancel", args=[invoice.pk]), {"reason": "Refund"})
    credit = Invoice.objects.get(kind="credit_note")
    assert response["Location"] == reverse("invoices:detail", args=[credit.pk])
    page = client.get(response["Location"])
    assert f"Credit note {credit.number}" in text(element(page, "h1"))
    assert elements(page, "form", class_="stacked-form") == []
    invoice.refresh_from_db()
    assert (invoice.status, invoice.status_note) == ("cancelled", "Refund")


def test_the_procedure_page_links_its_invoices(client):
    builder = contracted()
    ministry, organisation = invoices_of(builder)
    login(client, builder.secretariat, language="en")
    page = client.get(reverse("procedures:detail", args=[builder.procedure.pk]))
    links = [text(a) for a in elements(element(page, "ul", class_="procedure-invoices"), "a")]
    assert links == [f"Invoice {ministry.number}", f"Invoice {organisation.number}"]
    login(client, builder.manager, language="en")
    page = client.get(reverse("procedures:detail", args=[builder.procedure.pk]))
    links = [text(a) for a in elements(element(page, "ul", class_="procedure-invoices"), "a")]
    assert links == [f"Invoice {organisation.number}"]


def test_the_downloads_are_a_pdf_and_an_xrechnung(client):
    builder = contracted("ecei-bronze")
    (invoice,) = invoices_of(builder)
    login(client, builder.manager)
    pdf = client.get(reverse("invoices:pdf", args=[invoice.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert f'filename="{invoice.number}.pdf"' in pdf["Content-Disposition"]
    xml = client.get(reverse("invoices:xml", args=[invoice.pk]))
    assert xml["Content-Type"] == "application/xml"
    assert invoice.number.encode() in xml.content


def test_the_secretariat_finds_the_invoices_in_the_navigation(client):
    builder = contracted("ecei-bronze")
    login(client, builder.secretariat, language="en")
    nav = element(client.get(reverse("portal:start")), "nav", class_="main-nav")
    assert [text(a) for a in elements(nav, "a", href=reverse("invoices:list"))] == ["Invoices"]
    login(client, builder.manager, language="en")
    nav = element(client.get(reverse("portal:start")), "nav", class_="main-nav")
    assert elements(nav, "a", href=reverse("invoices:list")) == []


def test_a_contract_without_invoices_offers_the_secretariat_to_issue_them(client):
    from clusterlabel.procedures.choices import ProcedureState
    from clusterlabel.procedures.contracted import contract_made
    from tests.procedures.builders import ProcedureBuilder

    builder = ProcedureBuilder(scheme_id="ecei-bronze")
    subscriber = contract_made.subscribers.pop("invoices.issue")
    try:  # a contract concluded before invoices came with it
        builder.advance_to(ProcedureState.CONTRACTED)
    finally:
        contract_made.subscribers["invoices.issue"] = subscriber
    detail = reverse("procedures:detail", args=[builder.procedure.pk])
    issue = reverse("invoices:issue", args=[builder.procedure.pk])
    login(client, builder.manager, language="en")
    assert elements(client.get(detail), "form", class_="issue-invoices") == []
    assert client.post(issue).status_code == 403
    assert not Invoice.objects.exists()
    login(client, builder.secretariat, language="en")
    form = element(client.get(detail), "form", class_="issue-invoices")
    assert attribute(form, "action") == issue
    assert client.post(issue)["Location"] == detail
    (invoice,) = Invoice.objects.all()
    assert (invoice.buyer_name, invoice.issued_by) == (
        builder.organisation.legal_name,
        builder.secretariat,
    )
    assert elements(client.get(detail), "form", class_="issue-invoices") == []
    client.post(issue)
    assert Invoice.objects.count() == 1


def test_a_refused_form_says_what_is_missing_and_changes_nothing(client):
    builder = contracted("ecei-bronze")
    (invoice,) = invoices_of(builder)
    login(client, builder.secretariat, language="en")
    page = client.post(reverse("invoices:cancel", args=[invoice.pk]), {"reason": ""})
    assert page.status_code == 400
    summary = element(page, id="cancel-errors")
    assert "This field is required." in text(summary)
    invoice.refresh_from_db()
    assert invoice.status == "open" and not Invoice.objects.filter(kind="credit_note").exists()
