"""The permission matrix across scopes: people granted a role for one scheme, one operator or
one programme try every page and endpoint of another scheme's procedure, organisation, label
and benchmarking pool, and of their own.

Two procedures: a Cluster-Exzellenz Baden-Württemberg procedure before the board (operator
VDI/VDE-IT) and an ECEI Gold procedure that was awarded (operator ESCA, so it has a label and a
benchmarking row). The BW organisation is a member of go-cluster. Whoever has no part gets a 404
(the object's existence is not revealed) and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.test import Client
from django.urls import reverse

from clusterlabel.access.policy import Activity, can, restrict
from clusterlabel.accounts.api_tokens import api_token_create
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.audit.models import AuditEvent
from clusterlabel.labels.models import Label
from clusterlabel.organisations.models import Organisation
from clusterlabel.procedures import services
from clusterlabel.procedures.models import Procedure
from clusterlabel.scheduling.models import Appointment
from clusterlabel.schemes.models import Operator
from clusterlabel.webhooks.services import endpoint_create
from tests.factories import PASSWORD, ProgrammeFactory, UserFactory, grant_role
from tests.procedures import builders
from tests.procedures.builders import ProcedureBuilder
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db

BW = "bw-cluster-excellence"
GOLD = "ecei-gold"
ESCA = "european-secretariat-for-cluster-analysis-esca"


@dataclass
class World:
    bw: ProcedureBuilder
    gold: ProcedureBuilder
    label: Label
    people: dict[str, User]


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outermost = transaction.atomic()
        outermost.__enter__()
        try:
            versions = builders.ensure_schemes()
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(builders, "ensure_schemes", lambda: versions)
                bw = StateBuilder(scheme_id=BW).at("board_review")
                # Walked: the back office lists its audit events.
                gold = ProcedureBuilder(scheme_id=GOLD)
                gold.advance_to("awarded")
            go_cluster = ProgrammeFactory(slug="go-cluster", name="go-cluster")
            other_programme = ProgrammeFactory(slug="klynge", name="Klyngeprogram")
            bw.organisation.programmes.add(go_cluster)
            esca = Operator.objects.get(slug=ESCA)
            people: dict[str, User] = {}

            def person(name: str, role: str, **scope) -> User:
                user = UserFactory(username=name)
                grant_role(user, role, **scope)
                people[name] = user
                return user

            person("bw_secretariat", Role.SECRETARIAT, scheme_id=BW)
            person("bw_authority", Role.AUTHORITY, scheme_id=BW)
            bw_board = person("bw_board", Role.BOARD_MEMBER, scheme_id=BW)
            person("ecei_secretariat", Role.SECRETARIAT, scheme_id="")
            person("ecei_authority", Role.AUTHORITY)
            person("ecei_board", Role.BOARD_MEMBER)
            person("ecei_assessor", Role.ASSESSOR)
            person("programme", Role.PROGRAMME, programme=go_cluster)
            person("other_programme", Role.PROGRAMME, programme=other_programme)
            # The ECEI people hold their roles for ESCA only (grant_role without a scheme grants
            # every shipped operator: narrow them to ESCA).
            for name in ("ecei_secretariat", "ecei_authority", "ecei_board", "ecei_assessor"):
                people[name].grants.exclude(operator=esca).delete()
            services.board_conflict_declare(
                procedure=bw.procedure, actor=bw_board, no_conflict=True
            )
            yield World(
                bw=bw,
                gold=gold,
                label=Label.objects.get(procedure=gold.procedure, recognised_with__isnull=True),
                people=people,
            )
        finally:
            transaction.set_rollback(True)
            outermost.__exit__(None, None, None)


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def procedure_pages(procedure: Procedure) -> dict[str, str]:
    pk = procedure.pk
    return {
        name: reverse(f"procedures:{name}", args=[pk])
        for name in (
            "detail",
            "self_assessment",
            "panel",
            "conflict",
            "board_conflict",
            "scoring",
            "report",
            "vote",
            "decision",
        )
    }


# Who may open which page of the BW procedure (before the board). Everything else is 404.
BW_PAGES = {
    "bw_secretariat": {"detail", "self_assessment", "panel", "scoring", "report", "decision"},
    "bw_authority": {"detail", "self_assessment", "scoring", "report", "decision"},
    "bw_board": {"detail", "self_assessment", "scoring", "report", "vote", "board_conflict"},
    "programme": {"detail"},
}
STRANGERS_TO_BW = (
    "ecei_secretariat",
    "ecei_authority",
    "ecei_board",
    "ecei_assessor",
    "other_programme",
)


@pytest.mark.parametrize("who", [*BW_PAGES, *STRANGERS_TO_BW])
def test_bw_procedure_pages_by_scope(world, who):
    client = _client(world.people[who])
    allowed = BW_PAGES.get(who, set())
    for page, url in procedure_pages(world.bw.procedure).items():
        status = client.get(url).status_code
        if page in allowed:
            assert status in (200, 302), (who, page, status)
        else:
            assert status == 404, (who, page, status)


@pytest.mark.parametrize("who", ["bw_secretariat", "bw_authority", "bw_board", "other_programme"])
def test_others_cannot_reach_the_ecei_procedure(world, who):
    client = _client(world.people[who])
    for page, url in procedure_pages(world.gold.procedure).items():
        assert client.get(url).status_code == 404, (who, page)


def test_the_ecei_secretariat_reaches_its_own_procedure(world):
    client = _client(world.people["ecei_secretariat"])
    assert (
        client.get(reverse("procedures:detail", args=[world.gold.procedure.pk])).status_code == 200
    )


def test_a_programme_sees_the_state_of_a_members_procedure_and_nothing_of_its_file(world):
    client = _client(world.people["programme"])
    html = client.get(reverse("procedures:detail", args=[world.bw.procedure.pk])).content.decode()
    assert world.bw.procedure.get_state_display() in html
    assert "Audit" not in html and "Prüfpfad" not in html
    assert reverse("procedures:self_assessment", args=[world.bw.procedure.pk]) not in html
    for email in [a.email for a in world.bw.assessors]:
        assert email not in html


@pytest.mark.parametrize(
    ("who", "action"),
    [
        ("ecei_secretariat", "close_board_review"),
        ("ecei_authority", "return_to_board"),
        ("other_programme", "withdraw"),
        ("programme", "withdraw"),
        ("ecei_board", "record_board_vote"),
    ],
)
def test_steps_on_another_schemes_procedure_change_nothing(world, who, action):
    procedure = world.bw.procedure
    before = (Procedure.objects.get(pk=procedure.pk).state, AuditEvent.objects.count())
    response = _client(world.people[who]).post(
        reverse("procedures:action", args=[procedure.pk, action]), {"reason": "Versuch"}
    )
    assert response.status_code in (404, 302)
    if response.status_code == 302:
        # the programme sees the procedure: it is told the step is not its own
        assert response["Location"] == reverse("procedures:detail", args=[procedure.pk])
    assert (Procedure.objects.get(pk=procedure.pk).state, AuditEvent.objects.count()) == before


def test_a_board_member_of_another_scheme_cannot_vote_through_the_service(world):
    with pytest.raises(services.ActionRefused) as refused:
        services.board_vote_record(
            procedure=world.bw.procedure,
            actor=world.people["ecei_board"],
            in_favour=True,
            reason="",
        )
    assert refused.value.blocked[0].code == "wrong_role"


def test_an_assessor_of_another_operator_cannot_be_put_on_the_panel(world):
    procedure = world.bw.procedure
    assert not can(world.people["ecei_assessor"], Activity.VIEW_PROCEDURE, procedure)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ecei_secretariat", 200),
        ("ecei_authority", 200),
        ("bw_secretariat", 404),
        ("bw_authority", 404),
        ("programme", 404),
        ("ecei_board", 404),
    ],
)
def test_label_management_by_scope(world, who, status):
    url = reverse("labels:manage", args=[world.label.certificate_number])
    assert _client(world.people[who]).get(url).status_code == status


def test_a_bw_authority_cannot_revoke_an_ecei_label(world):
    from clusterlabel.labels.services import label_change_state

    with pytest.raises(PermissionDenied):
        label_change_state(
            label=world.label, actor=world.people["bw_authority"], new_state="revoked", reason="x"
        )
    assert Label.objects.get(pk=world.label.pk).state == "active"


@pytest.mark.parametrize(
    ("who", "pool", "status"),
    [
        ("ecei_secretariat", GOLD, 200),
        ("bw_secretariat", GOLD, 404),
        ("bw_authority", GOLD, 404),
        ("programme", GOLD, 404),
        ("ecei_secretariat", BW, 404),
    ],
)
def test_pools_by_scope(world, who, pool, status):
    assert (
        _client(world.people[who]).get(reverse("benchmarks:pool", args=[pool])).status_code
        == status
    )


@pytest.mark.parametrize(("who", "status"), [("ecei_secretariat", 200), ("bw_secretariat", 404)])
def test_benchmark_reports_by_scope(world, who, status):
    organisation = world.gold.organisation
    for name in ("report", "report_pdf"):
        url = reverse(f"benchmarks:{name}", args=[GOLD, organisation.pk])
        assert _client(world.people[who]).get(url).status_code == status, name


@pytest.mark.parametrize(
    ("who", "bw_org", "gold_org"),
    [
        ("bw_secretariat", 200, 404),
        ("ecei_secretariat", 404, 200),
        ("programme", 200, 404),
        ("other_programme", 404, 404),
        ("ecei_assessor", 404, 404),
    ],
)
def test_organisation_pages_by_scope(world, who, bw_org, gold_org):
    client = _client(world.people[who])
    for organisation, status in (
        (world.bw.organisation, bw_org),
        (world.gold.organisation, gold_org),
    ):
        detail = client.get(reverse("organisations:detail", args=[organisation.pk]))
        assert detail.status_code == status, (who, organisation)


def test_a_programme_cannot_edit_a_member(world):
    client = _client(world.people["programme"])
    url = reverse("organisations:edit", args=[world.bw.organisation.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"cluster_name": "Gekapert"}).status_code == 403
    assert Organisation.objects.get(pk=world.bw.organisation.pk).cluster_name != "Gekapert"


@pytest.mark.parametrize(
    ("who", "sees_bw", "sees_gold"),
    [
        ("bw_secretariat", True, False),
        ("ecei_secretariat", False, True),
        ("programme", True, False),
        ("other_programme", False, False),
        ("bw_board", True, False),
    ],
)
def test_lists_hold_only_what_is_in_scope(world, who, sees_bw, sees_gold):
    user = world.people[who]
    procedures = set(restrict(Procedure.objects.all(), user, Activity.VIEW_PROCEDURE))
    assert (world.bw.procedure in procedures) is sees_bw
    assert (world.gold.procedure in procedures) is sees_gold
    html = _client(user).get(reverse("procedures:list")).content.decode()
    assert (reverse("procedures:detail", args=[world.bw.procedure.pk]) in html) is sees_bw
    assert (reverse("procedures:detail", args=[world.gold.procedure.pk]) in html) is sees_gold


def test_the_start_page_lists_only_work_in_scope(world):
    html = _client(world.people["ecei_secretariat"]).get(reverse("portal:start")).content.decode()
    assert reverse("procedures:detail", args=[world.bw.procedure.pk]) not in html
    html = _client(world.people["bw_secretariat"]).get(reverse("portal:start")).content.decode()
    # the BW review waits for its secretariat to close it
    assert reverse("procedures:detail", args=[world.bw.procedure.pk]) in html


def test_a_registration_waiting_for_bw_is_seen_by_the_bw_secretariat_only(world):
    from clusterlabel.organisations.registration import organisation_register

    applicant = UserFactory()
    waiting = organisation_register(
        actor=applicant,
        data={
            "legal_name": "Neuer Cluster Freiburg e. V.",
            "cluster_name": "Neuer Cluster Freiburg",
            "country": "DE",
            "region": "DE-BW",
            "city": "Freiburg",
            "sector": "health_medical",
        },
        requested_scheme_id=BW,
    )
    assert waiting.confirmed_at is None
    for who, sees in (("bw_secretariat", True), ("ecei_secretariat", False), ("programme", False)):
        visible = restrict(
            Organisation.objects.all(), world.people[who], Activity.VIEW_ORGANISATION
        )
        assert (waiting in visible) is sees, who
        status = _client(world.people[who]).get(reverse("organisations:detail", args=[waiting.pk]))
        assert status.status_code == (200 if sees else 404), who


@pytest.mark.parametrize(
    ("who", "sees_gold"), [("bw_secretariat", False), ("ecei_secretariat", True)]
)
def test_the_back_office_lists_only_rows_in_scope(world, who, sees_gold):
    """Labels, benchmarking rows, organisations and audit events of another operator's scheme
    are not listed, and their change pages are 404/302 (Django's admin redirects)."""
    from clusterlabel.audit.models import AuditEvent
    from clusterlabel.benchmarks.models import ReferenceAssessment

    client = _client(world.people[who])
    gold_row = ReferenceAssessment.objects.get(procedure=world.gold.procedure)
    gold_event = AuditEvent.objects.filter(procedure_id=world.gold.procedure.pk).first()
    listed = {
        "admin:labels_label_changelist": world.label.certificate_number,
        "admin:benchmarks_referenceassessment_changelist": f"/{gold_row.pk}/change/",
        "admin:organisations_organisation_changelist": f"/{world.gold.organisation.pk}/change/",
        "admin:audit_auditevent_changelist": f"/{gold_event.pk}/change/",
    }
    # The evidence uploads fill more than one page of the audit list: search for the event's
    # target so that the row is on the page whenever the scope lets it be.
    queries = {"admin:audit_auditevent_changelist": {"q": gold_event.target_id}}
    for name, marker in listed.items():
        response = client.get(reverse(name), queries.get(name, {}))
        assert response.status_code == 200, name
        assert (marker in response.content.decode()) is sees_gold, name
    change = client.get(reverse("admin:labels_label_change", args=[world.label.pk]))
    assert (change.status_code == 200) is sees_gold


@pytest.mark.parametrize("who", [*STRANGERS_TO_BW, "programme"])
def test_uploads_and_scores_on_another_schemes_procedure_are_refused(world, who):
    """The write endpoints that are not steps: evidence upload, saving and confirming a score."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    procedure = world.bw.procedure
    before = AuditEvent.objects.count()
    client = _client(world.people[who])
    pk = procedure.pk
    upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    responses = [
        client.post(
            reverse("procedures:evidence_upload", args=[pk]),
            {"indicator": "STR-01", "file": upload},
        ),
        client.post(
            reverse("procedures:score_save", args=[pk, "STR-01"]),
            {"value": "80", "based_on_revision": "0"},
        ),
    ]
    for response in responses:
        assert response.status_code == 404, (who, response.status_code)
    assert AuditEvent.objects.count() == before


# --- the integration surfaces (issue 16): the token API, the programme view, webhooks -------


def _token_client(user: User) -> Client:
    key = api_token_create(user=user, name="matrix", lifetime_days=30).key
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


@pytest.mark.parametrize(
    ("who", "sees_bw", "sees_gold"),
    [
        ("bw_secretariat", True, False),
        ("bw_authority", True, False),
        ("bw_board", True, False),  # the BW procedure is before its board
        ("ecei_secretariat", False, True),
        ("ecei_authority", False, True),
        ("ecei_board", False, False),  # the Gold procedure is decided: not the board's any more
        ("ecei_assessor", False, False),  # on no panel
        ("programme", True, False),  # the member's procedure, as on the page
        ("other_programme", False, False),
    ],
)
def test_the_token_api_lists_only_procedures_in_scope(world, who, sees_bw, sees_gold):
    response = _token_client(world.people[who]).get("/api/v1/procedures/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    assert (world.bw.procedure.pk in ids) is sees_bw, who
    assert (world.gold.procedure.pk in ids) is sees_gold, who


@pytest.mark.parametrize(
    ("who", "organisation"),
    [
        ("bw_secretariat", "gold"),
        ("ecei_secretariat", "bw"),
        ("other_programme", "bw"),
        ("programme", "gold"),
        ("ecei_assessor", "gold"),
    ],
)
def test_applying_through_the_api_for_an_organisation_out_of_scope_is_refused(
    world, who, organisation
):
    target = world.gold.organisation if organisation == "gold" else world.bw.organisation
    before = Procedure.objects.count()
    response = _token_client(world.people[who]).post(
        "/api/v1/procedures/",
        {
            "organisation_id": target.pk,
            "scheme": GOLD,
            "process": "new",
            "assessment_mode": "on_site",
        },
        content_type="application/json",
    )
    assert response.status_code in (403, 404), (who, response.status_code)
    assert Procedure.objects.count() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("programme", 200),
        ("other_programme", 404),
        ("bw_secretariat", 404),
        ("ecei_secretariat", 404),
        ("ecei_assessor", 404),
    ],
)
def test_a_programmes_members_by_scope(world, who, status):
    """go-cluster's page, its exports and its members through the API: its own staff only."""
    client = _client(world.people[who])
    page = reverse("programmes:detail", args=["go-cluster"])
    for query in ({}, {"format": "csv"}, {"format": "xlsx"}):
        assert client.get(page, query).status_code == status, (who, query)
    api = _token_client(world.people[who]).get("/api/v1/programmes/go-cluster/members/")
    assert api.status_code == status, who
    listed = _token_client(world.people[who]).get("/api/v1/programmes/").json()
    assert ("go-cluster" in {row["key"] for row in listed}) is (status == 200)


@pytest.mark.parametrize(
    ("who", "status"),
    [("ecei_secretariat", 200), ("bw_secretariat", 404), ("programme", 404), ("ecei_board", 404)],
)
def test_an_operators_webhook_endpoint_by_scope(world, who, status, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    esca = Operator.objects.get(slug=ESCA)
    endpoint = endpoint_create(
        owner=esca, url="http://127.0.0.1:9/hook", events=["label.revoked"], actor=None
    ).endpoint
    client = _client(world.people[who])
    assert client.get(reverse("webhooks:detail", args=[endpoint.pk])).status_code == status
    response = client.post(reverse("webhooks:deactivate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert endpoint.is_active is (status != 200), who
    if status != 200:
        assert response.status_code == 404


# --- the assessment's pages (issue 17): report, schedule, pool, feedback -------------------------


@pytest.mark.parametrize(
    ("who", "bw", "gold"),
    [
        ("bw_secretariat", 200, 404),
        ("bw_authority", 200, 404),
        ("bw_board", 200, 404),  # declared no conflict, in the board review
        ("ecei_secretariat", 404, 200),
        ("ecei_authority", 404, 200),
        ("ecei_board", 404, 404),  # the Gold procedure is past its board
        ("ecei_assessor", 404, 404),  # on neither panel
        ("programme", 404, 404),
        ("other_programme", 404, 404),
    ],
)
def test_the_structured_report_and_its_pdf_by_scope(world, who, bw, gold):
    client = _client(world.people[who])
    for builder, status in ((world.bw, bw), (world.gold, gold)):
        pk = builder.procedure.pk
        for name in ("reports:report", "reports:report_pdf"):
            response = client.get(reverse(name, args=[pk]))
            assert response.status_code == status, (who, name, builder.procedure.pk)
            if status == 404:
                assert b"%PDF" not in response.content


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("bw_secretariat", 200),
        ("bw_authority", 404),
        ("bw_board", 404),
        ("ecei_secretariat", 404),
        ("ecei_assessor", 404),
        ("programme", 404),
        ("other_programme", 404),
    ],
)
def test_the_appointment_of_the_bw_procedure_by_scope(world, who, status):
    """The invitation (.ics) names people, a place and a link: the scheme's secretariat (and
    the panel and the managers, who are not in this world) only. The schedule page is closed
    to everyone once the panel's step is over (the BW procedure is before its board)."""
    procedure = world.bw.procedure
    Appointment.objects.create(
        procedure=procedure,
        version=1,
        start_date=procedure.assessment_date or date(2026, 12, 1),
        end_date=procedure.assessment_date or date(2026, 12, 1),
        mode="on_site",
        address="Hauptstraße 1, 68161 Mannheim",
        fixed_by=world.people["bw_secretariat"],
    )
    client = _client(world.people[who])
    invitation = client.get(reverse("scheduling:invitation", args=[procedure.pk]))
    assert invitation.status_code == status, who
    assert (b"BEGIN:VCALENDAR" in invitation.content) is (status == 200)
    assert client.get(reverse("scheduling:schedule", args=[procedure.pk])).status_code == 404


@pytest.mark.parametrize(
    ("who", "bw", "gold"),
    [
        ("bw_secretariat", 200, 404),
        ("ecei_secretariat", 404, 200),
        ("bw_authority", 404, 404),
        ("ecei_assessor", 404, 404),
        ("programme", 404, 404),
    ],
)
def test_a_schemes_assessor_pool_and_feedback_by_scope(world, who, bw, gold):
    client = _client(world.people[who])
    for scheme_id, status in ((BW, bw), (GOLD, gold)):
        for name in ("assessors:pool", "reports:feedback_summary"):
            response = client.get(reverse(name, args=[scheme_id]))
            assert response.status_code == status, (who, name, scheme_id)
