"""Two managers editing the same profile: the second save, made from the profile as it was
before the first, is refused with a clear message and what was typed kept, instead of silently
overwriting the first (the revision check of the scores, for the organisation)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clusterlabel.accounts.choices import Role
from clusterlabel.audit.models import AuditEvent
from clusterlabel.organisations import services
from clusterlabel.organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory
from tests.helpers import attribute, element, input_value, login, parsed, text
from tests.organisations.conftest import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def managers():
    return [UserFactory(role=Role.CLUSTER_MANAGER) for _ in range(2)]


@pytest.fixture
def organisation(managers):
    return OrganisationFactory(
        managers=managers,
        cluster_name="MedTech Mannheim",
        legal_name="Medizintechnik Rhein-Neckar e. V.",
        website="https://medtech.example.org",
        city="Mannheim",
    )


def english_form(organisation: Organisation, **changes: object) -> dict[str, object]:
    """What the profile form posts in English (decimal point) for ``organisation``."""
    numbers = {
        "staff_fte": str(organisation.staff_fte or ""),
        "annual_budget": str(organisation.annual_budget or ""),
    }
    return form_data(organisation, **{**numbers, **changes})


def edit_url(organisation: Organisation) -> str:
    return reverse("organisations:edit", args=[organisation.pk])


def revision_on_the_page(client, organisation: Organisation) -> str:
    page = parsed(client.get(edit_url(organisation)))
    value = attribute(element(page, "input", name="revision"), "value")
    assert value
    return value


def test_the_second_of_two_managers_is_told_and_keeps_what_they_typed(
    client, managers, organisation
):
    first, second = managers
    login(client, first, language="en")
    first_revision = revision_on_the_page(client, organisation)
    client.logout()
    login(client, second, language="en")
    second_revision = revision_on_the_page(client, organisation)
    assert first_revision == second_revision

    # The first saves a new city ...
    client.logout()
    login(client, first, language="en")
    saved = client.post(
        edit_url(organisation),
        english_form(organisation, city="Heidelberg", revision=first_revision),
    )
    assert saved.status_code == 302
    # ... the second, still looking at the old profile, saves a new founding year.
    client.logout()
    login(client, second, language="en")
    events = AuditEvent.objects.filter(action="organisation.update").count()
    response = client.post(
        edit_url(organisation),
        english_form(organisation, city="Mannheim", founding_year="2011", revision=second_revision),
    )

    assert response.status_code == 409
    organisation.refresh_from_db()
    assert organisation.city == "Heidelberg"  # not overwritten
    assert organisation.founding_year != 2011  # nor saved
    assert AuditEvent.objects.filter(action="organisation.update").count() == events
    page = parsed(response)
    summary = text(element(page, data_error_summary=True))
    assert "Someone else saved this profile at" in summary
    assert "your changes were not saved" in summary
    assert "Stored now with a different value: City" in summary
    assert "Founding year" in summary
    # what the second manager typed is still there, now based on the current profile
    assert input_value(page, "founding_year") == "2011"
    assert input_value(page, "city") == "Mannheim"
    assert input_value(page, "revision") == str(organisation.revision)


def test_saving_again_after_the_conflict_keeps_the_second_version(client, managers, organisation):
    first, second = managers
    login(client, second, language="en")
    stale = revision_on_the_page(client, organisation)
    services.organisation_update(
        organisation=organisation, actor=first, data={"city": "Heidelberg"}
    )
    conflict = client.post(
        edit_url(organisation), english_form(organisation, city="Weinheim", revision=stale)
    )
    assert conflict.status_code == 409
    fresh = input_value(parsed(conflict), "revision")

    again = client.post(
        edit_url(organisation), english_form(organisation, city="Weinheim", revision=fresh)
    )

    assert again.status_code == 302
    organisation.refresh_from_db()
    assert organisation.city == "Weinheim"


def test_the_service_refuses_a_stale_revision_and_saves_nothing(managers, organisation):
    first, second = managers
    stale = organisation.revision
    services.organisation_update(organisation=organisation, actor=first, data={"city": "Kiel"})

    with pytest.raises(services.OrganisationConflict) as conflict:
        services.organisation_update(
            organisation=organisation,
            actor=second,
            data={"city": "Lübeck"},
            based_on_revision=stale,
        )

    organisation.refresh_from_db()
    assert organisation.city == "Kiel"
    assert conflict.value.organisation.revision == organisation.revision != stale


def test_every_kind_of_change_moves_the_revision(managers, organisation):
    manager = managers[0]
    before = Organisation.objects.get(pk=organisation.pk).revision
    services.organisation_update(
        organisation=organisation,
        actor=manager,
        data={},
        funding_sources={"public_grants": 20},
    )
    after_shares = Organisation.objects.get(pk=organisation.pk).revision
    assert after_shares > before
    # and a save from the current revision goes through
    services.organisation_update(
        organisation=organisation,
        actor=manager,
        data={"city": "Kiel"},
        based_on_revision=after_shares,
    )
    assert Organisation.objects.get(pk=organisation.pk).city == "Kiel"


def test_a_save_without_changes_from_the_current_revision_is_no_conflict(
    client, managers, organisation
):
    login(client, managers[0], language="en")
    revision = revision_on_the_page(client, organisation)

    response = client.post(edit_url(organisation), english_form(organisation, revision=revision))

    assert response.status_code == 302
