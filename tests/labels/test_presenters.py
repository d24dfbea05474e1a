"""The label pages' presenters, called without HTTP: the registry's page, the statistics and a
question's answer, a label's verification page and a pasted credential's check, and the page
that manages a label. What stays out: nothing of a token whose signature did not verify, no
person's name or e-mail in the registry."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from clusterlabel.credentials.vcjwt import Verdict
from clusterlabel.labels import services
from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.forms import CredentialCheckForm, LabelRevokeForm, LabelStateChangeForm
from clusterlabel.labels.models import LabelState
from clusterlabel.labels.presenters.manage import ACTIONS, manage_page
from clusterlabel.labels.presenters.registry import registry_listing, sort_headers
from clusterlabel.labels.presenters.statistics import statistics_page, tick
from clusterlabel.labels.presenters.verification import check_page, verify_page
from clusterlabel.labels.registry.queries import (
    QuestionForm,
    RegistryFilterForm,
    SchemeCatalogue,
    registry_labels,
    registry_page,
)
from clusterlabel.labels.selectors import label_by_number, label_history
from tests.factories import OrganisationFactory, UserFactory
from tests.labels.label_factories import make_label

pytestmark = pytest.mark.django_db


@pytest.fixture
def label(loaded_schemes):
    today = timezone.localdate()
    manager = UserFactory(role="cluster_manager", email="leitung@cluster.example")
    return make_label(
        scheme_id="ecei-silver",
        organisation=OrganisationFactory(
            legal_name="Cluster Süd & Partner e. V.",
            cluster_name="Mobilität BW",
            managers=[manager],
        ),
        valid_from=today - timedelta(days=10),
        valid_until=today + timedelta(days=700),
    )


# --- the registry ---------------------------------------------------------------------------------


def test_a_column_sorted_ascending_is_sorted_descending_next():
    headers = sort_headers("valid_until")
    assert headers["valid_until"] == {"next": "-valid_until", "aria": "ascending"}
    headers = sort_headers("-valid_until")
    assert headers["valid_until"] == {"next": "valid_until", "aria": "descending"}
    assert all(
        header == {"next": key, "aria": ""}
        for key, header in headers.items()
        if key != "valid_until"
    )


def listing(data: dict) -> dict:
    """The registry page's context for the query ``data``, as the view builds it."""
    catalogue = SchemeCatalogue.load()
    today = timezone.localdate()
    form = RegistryFilterForm(data, catalogue=catalogue, places=())
    filters = form.filters()
    labels = registry_labels(filters, today=today, level_ranks=catalogue.level_ranks())
    page, values = registry_page(labels, 1)
    return registry_listing(
        form, filters=filters, page=page, values=values, catalogue=catalogue, today=today
    )


def test_the_registry_page_lists_the_label_and_names_no_person(label):
    context = listing({"q": "Süd"})
    (row,) = context["rows"]
    assert row.certificate_number == label.certificate_number
    assert row.legal_name == "Cluster Süd & Partner e. V."
    assert row.status == label.status
    assert context["filtered"] is True
    assert context["export_query"] == "?q=S%C3%BCd"
    assert context["page"].paginator.count == 1
    assert "leitung@cluster.example" not in repr(context["rows"])


def test_an_unfiltered_registry_has_no_export_query(label):
    context = listing({})
    assert context["export_query"] == ""
    assert context["filtered"] is False
    assert [row.certificate_number for row in context["rows"]] == [label.certificate_number]


# --- the statistics -------------------------------------------------------------------------------


def test_ticks_name_today_the_quarter_or_the_year(english):
    assert tick(date(2025, 8, 1), "quarter", False) == "2025 Q3"
    assert tick(date(2025, 8, 1), "year", False) == "2025"
    assert tick(date(2025, 8, 1), "year", True) == "today"


def test_the_statistics_count_the_valid_label_and_answer_only_when_asked(label):
    catalogue = SchemeCatalogue.load()
    today = timezone.localdate()
    silent = QuestionForm(None, catalogue=catalogue, places=())
    page = statistics_page(silent, asked=False, catalogue=catalogue, today=today)
    assert page["answer"] is None
    assert sum(row.organisations for row in page["counts"].by_label) == 1
    assert page["bar_chart"]
    assert page["quick_bw"] == f"ask-region=DE-BW&ask-label=family%3Abw&ask-on={today}"

    data = {"ask-region": "", "ask-label": "family:ecei", "ask-on": today.isoformat()}
    asked = QuestionForm(data, catalogue=catalogue, places=())
    page = statistics_page(asked, asked=True, catalogue=catalogue, today=today)
    assert page["answer"]["count"] == 1
    assert page["answer"]["day"] == today
    assert page["answer"]["region"] == ""
    assert [holder.organisation_id for holder in page["answer"]["holders"]] == [
        label.organisation_id
    ]


def test_an_invalid_question_gets_no_answer(label):
    catalogue = SchemeCatalogue.load()
    data = {"ask-region": "nowhere!", "ask-label": "family:ecei", "ask-on": "2025-01-01"}
    question = QuestionForm(data, catalogue=catalogue, places=())
    page = statistics_page(question, asked=True, catalogue=catalogue, today=timezone.localdate())
    assert page["answer"] is None
    assert page["question"].errors


# --- verification ---------------------------------------------------------------------------------


def test_the_verification_page_shows_the_labels_status(label):
    page = verify_page(label_by_number(label.certificate_number))
    assert page["label"] == label
    assert page["status"] == label.status
    assert page["renewal"] is None
    assert page["recognitions"] == []


def test_a_genuine_credential_is_valid_with_what_it_states(label, english):
    report = credentials.verify_token(credentials.signed_label_credential(label))
    page = check_page(CredentialCheckForm(), report)
    assert page["verdict"].key == "valid"
    assert page["verdict"].ok is True
    assert [(check.name, check.ok) for check in page["checks"]] == [
        ("Signature", True),
        ("Key", True),
        ("Validity dates", True),
        ("Revocation and suspension", True),
    ]
    details = page["details"]
    assert details.organisation == "Cluster Süd & Partner e. V."
    assert details.certificate_number == label.certificate_number
    assert details.valid_until == label.valid_until
    assert details.verify_url.endswith(f"/{label.certificate_number}/")


def test_nothing_of_a_tampered_credential_is_shown(label, english):
    header, payload, signature = credentials.signed_label_credential(label).split(".")
    middle = len(payload) // 2
    flipped = "B" if payload[middle] != "B" else "C"
    tampered = ".".join((header, payload[:middle] + flipped + payload[middle + 1 :], signature))
    page = check_page(CredentialCheckForm(), credentials.verify_token(tampered))
    assert page["report"].verdict is Verdict.SIGNATURE_INVALID
    assert page["verdict"].key == "signature_invalid"
    assert page["details"] is None
    assert [check.ok for check in page["checks"]] == [False, True, None, None]


def test_the_empty_check_has_no_verdict():
    page = check_page(CredentialCheckForm(), None)
    assert page["report"] is None
    assert "verdict" not in page and "details" not in page


# --- managing a label -----------------------------------------------------------------------------


def manage(label, *, posted=None, data=None):
    forms_by_action = {
        name: action.form_class(data if action is posted else None, prefix=name)
        for name, action in ACTIONS.items()
    }
    return manage_page(
        label, forms_by_action=forms_by_action, posted=posted, history=label_history(label)
    )


def section_names(page) -> list[str]:
    return [section["action"].name for section in page["sections"]]


def test_each_state_offers_the_changes_it_allows(label, english):
    authority = UserFactory(role="authority", first_name="Vera", last_name="Vergabe")
    assert section_names(manage(label)) == ["suspend", "revoke"]
    services.label_change_state(
        label=label, actor=authority, new_state=LabelState.SUSPENDED, reason="Prüfung"
    )
    label.refresh_from_db()
    assert section_names(manage(label)) == ["reinstate", "revoke"]
    services.label_change_state(
        label=label, actor=authority, new_state=LabelState.REVOKED, reason="Betrug"
    )
    label.refresh_from_db()
    page = manage(label)
    assert section_names(page) == []
    assert [event["label"] for event in page["events"]] == ["Suspended", "Revoked"]
    assert [event["event"].action for event in page["events"]] == ["label.suspend", "label.revoke"]
    # who changed it, by name rather than by account
    assert [event["actor"] for event in page["events"]] == ["Vera Vergabe", "Vera Vergabe"]


def test_the_posted_change_stays_in_sight_with_its_errors(label):
    # Revoked meanwhile: no change is possible any more, but the suspension just posted
    # keeps its section, so that its errors are read.
    label.state = LabelState.REVOKED
    suspend = ACTIONS["suspend"]
    page = manage(label, posted=suspend, data={"action": "suspend", "suspend-reason": ""})
    (section,) = page["sections"]
    assert section["action"] is suspend
    assert isinstance(section["form"], LabelStateChangeForm)
    assert not section["form"].is_valid()
    assert isinstance(ACTIONS["revoke"].form_class(), LabelRevokeForm)
