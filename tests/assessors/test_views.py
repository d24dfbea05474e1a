"""The expert pool's pages: the assessor's own profile, the scheme's pool for its secretariat,
and the attempts to get in where one has no business."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from clusterlabel.accounts.choices import Role
from clusterlabel.assessors import services
from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
from tests.factories import OrganisationFactory, UserFactory, grant_role
from tests.helpers import attribute, elements, hrefs, login, text

pytestmark = pytest.mark.django_db


def bw_secretariat():
    return grant_role(UserFactory(), Role.SECRETARIAT, scheme_id="bw-cluster-excellence")


GOLD = "ecei-gold"
PROFILE = "/assessors/profile/"


@pytest.fixture
def assessor(loaded_schemes):
    return UserFactory(role=Role.ASSESSOR, country="AT", first_name="Hanna", last_name="Berg")


def pending(user) -> Qualification:
    return services.qualification_add(
        actor=user,
        scheme_id=GOLD,
        level_id="gold",
        kind="licence",
        valid_from=date(2026, 1, 1),
        valid_until=timezone.localdate() + timedelta(days=400),
    )


def test_the_profile_is_reachable_from_the_account_menu(client, assessor) -> None:
    login(client, assessor, language="en")
    page = client.get(reverse("procedures:list"))
    assert PROFILE in hrefs(page)
    assert reverse("assessors:profile") == PROFILE


def test_the_assessor_saves_their_profile(client, assessor) -> None:
    login(client, assessor, language="en")
    response = client.post(
        PROFILE,
        {"form": "profile", "languages": ["de", "en"], "sectors": ["ict"], "countries": ["AT"]},
    )
    assert response.status_code == 302
    profile = AssessorProfile.objects.get(user=assessor)
    assert (profile.languages, profile.sectors, profile.countries) == (
        ["de", "en"],
        ["ict"],
        ["AT"],
    )
    page = client.get(PROFILE)
    checked = [attribute(i, "value") for i in elements(page, "input", checked=True)]
    assert {"de", "en", "ict"} <= set(checked)


def test_the_assessor_adds_a_qualification_and_sees_it_await_confirmation(
    client, assessor, english
) -> None:
    login(client, assessor, language="en")
    response = client.post(
        PROFILE,
        {
            "form": "qualification",
            "qualification-level": f"{GOLD}:gold",
            "qualification-kind": "training",
            "qualification-valid_from": "2026-01-01",
            "qualification-valid_until": "2030-12-31",
        },
    )
    assert response.status_code == 302
    q = Qualification.objects.get(profile__user=assessor, valid_until=date(2030, 12, 31))
    assert not q.confirmed
    table = elements(client.get(PROFILE), "table", class_="as-qualifications")[0]
    assert "awaiting confirmation" in text(table)


def test_a_backwards_period_is_shown_at_its_field(client, assessor, english) -> None:
    login(client, assessor, language="en")
    response = client.post(
        PROFILE,
        {
            "form": "qualification",
            "qualification-level": f"{GOLD}:gold",
            "qualification-kind": "training",
            "qualification-valid_from": "2026-01-02",
            "qualification-valid_until": "2026-01-01",
        },
    )
    assert response.status_code == 400
    assert "The end must not be before the start." in response.content.decode()


def test_the_assessor_declares_a_conflict_once_for_every_procedure(
    client, assessor, english
) -> None:
    organisation = OrganisationFactory(cluster_name="Medizintechnik Mannheim")
    login(client, assessor, language="en")
    response = client.post(
        PROFILE,
        {
            "form": "conflict",
            "conflict-organisation": organisation.pk,
            "conflict-since": "2019-03-01",
            "conflict-note": "Worked there as project manager.",
        },
    )
    assert response.status_code == 302
    conflict = DeclaredConflict.objects.get(profile__user=assessor)
    assert conflict.organisation == organisation
    assert conflict.since == date(2019, 3, 1)
    table = elements(client.get(PROFILE), "table", class_="as-conflicts")[0]
    assert "Medizintechnik Mannheim" in text(table)


@pytest.mark.parametrize("role", [Role.CLUSTER_MANAGER, Role.SECRETARIAT, Role.AUTHORITY])
def test_who_is_no_assessor_has_no_profile_page(client, loaded_schemes, role) -> None:
    login(client, UserFactory(role=role))
    assert client.get(PROFILE).status_code == 404
    response = client.post(PROFILE, {"form": "profile", "languages": ["de"]})
    assert response.status_code == 404
    assert not AssessorProfile.objects.filter(languages=["de"]).exists()


def test_an_assessor_cannot_remove_another_assessors_qualification(client, assessor) -> None:
    other = UserFactory(role=Role.ASSESSOR)
    theirs = Qualification.objects.filter(profile__user=other).first()
    login(client, assessor)
    url = reverse("assessors:qualification_remove", args=[theirs.pk])
    assert client.post(url).status_code == 404
    assert Qualification.objects.filter(pk=theirs.pk).exists()


def test_an_assessor_cannot_withdraw_another_assessors_conflict(client, assessor) -> None:
    other = UserFactory(role=Role.ASSESSOR)
    theirs = services.declared_conflict_add(
        actor=other, organisation=OrganisationFactory(), note="Advises it."
    )
    login(client, assessor)
    assert client.post(reverse("assessors:conflict_remove", args=[theirs.pk])).status_code == 404
    assert DeclaredConflict.objects.filter(pk=theirs.pk).exists()


def test_the_profile_form_only_ever_writes_the_own_profile(client, assessor) -> None:
    other = UserFactory(role=Role.ASSESSOR)
    login(client, assessor)
    client.post(
        PROFILE,
        {"form": "profile", "languages": ["fr"], "user": other.pk, "profile": other.pk},
    )
    assert AssessorProfile.objects.get(user=assessor).languages == ["fr"]
    assert AssessorProfile.objects.get(user=other).languages == []


# --- the secretariat's pool -------------------------------------------------------------------


def test_the_secretariat_sees_the_pool_and_confirms(client, assessor, english) -> None:
    q = pending(assessor)
    secretariat = UserFactory(role=Role.SECRETARIAT)
    login(client, secretariat, language="en")
    page = client.get(reverse("assessors:pool", args=[GOLD]))
    assert page.status_code == 200
    table = elements(page, "table", class_="as-pool")[0]
    assert "Hanna Berg" in text(table)
    assert "awaiting confirmation" in text(table)
    response = client.post(reverse("assessors:qualification_confirm", args=[q.pk]))
    assert response.status_code == 302
    q.refresh_from_db()
    assert q.confirmed_by == secretariat


def test_the_pool_page_query_count_does_not_grow_with_the_pool(
    client, loaded_schemes, django_assert_max_num_queries
) -> None:
    secretariat = UserFactory(role=Role.SECRETARIAT)
    login(client, secretariat)
    url = reverse("assessors:pool", args=[GOLD])
    UserFactory(role=Role.ASSESSOR)
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for _ in range(4):
        UserFactory(role=Role.ASSESSOR)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)


@pytest.mark.parametrize(
    "intruder",
    [
        pytest.param(lambda: UserFactory(role=Role.CLUSTER_MANAGER), id="cluster-manager"),
        pytest.param(lambda: UserFactory(role=Role.ASSESSOR), id="assessor"),
        pytest.param(lambda: UserFactory(role=Role.BOARD_MEMBER), id="board-member"),
        pytest.param(bw_secretariat, id="secretariat-of-another-scheme"),
    ],
)  # fmt: skip
def test_who_is_not_the_schemes_secretariat_neither_reads_the_pool_nor_confirms(
    client, assessor, intruder
) -> None:
    q = pending(assessor)
    login(client, intruder())
    assert client.get(reverse("assessors:pool", args=[GOLD])).status_code == 404
    assert client.post(reverse("assessors:qualification_confirm", args=[q.pk])).status_code == 404
    assert not Qualification.objects.get(pk=q.pk).confirmed


def test_a_cluster_manager_has_no_pool_at_all(client, loaded_schemes) -> None:
    login(client, UserFactory(role=Role.CLUSTER_MANAGER))
    assert client.get(reverse("assessors:pool_index")).status_code == 404


def test_confirming_an_ended_qualification_says_why(client, assessor, english) -> None:
    ended = services.qualification_add(
        actor=assessor,
        scheme_id=GOLD,
        level_id="gold",
        kind="licence",
        valid_from=date(2020, 1, 1),
        valid_until=date(2021, 1, 1),
    )
    login(client, UserFactory(role=Role.SECRETARIAT), language="en")
    response = client.post(reverse("assessors:qualification_confirm", args=[ended.pk]), follow=True)
    assert "can no longer be confirmed" in response.content.decode()
    assert not Qualification.objects.get(pk=ended.pk).confirmed


def test_the_start_page_leads_the_assessor_and_the_secretariat_to_the_pool(
    client, assessor
) -> None:
    login(client, assessor)
    assert PROFILE in hrefs(client.get(reverse("portal:start")))
    login(client, UserFactory(role=Role.SECRETARIAT))
    assert reverse("assessors:pool_index") in hrefs(client.get(reverse("portal:start")))
