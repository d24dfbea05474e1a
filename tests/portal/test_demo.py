"""`clusterlabel demo` sets up a usable installation, and running it twice duplicates nothing."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction

from clusterlabel.access.models import Grant
from clusterlabel.accounts.choices import Role
from clusterlabel.accounts.models import User
from clusterlabel.portal.demo import DEMO_PASSWORD
from clusterlabel.schemes.models import SchemeVersion

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, set up once for the module (it walks dozens of procedures) in a transaction
    rolled back at the end; each test runs in a savepoint inside it. Returns its output."""
    with django_db_blocker.unblock():
        outermost = transaction.atomic()
        outermost.__enter__()
        try:
            yield run_demo()
        finally:
            transaction.set_rollback(True)
            outermost.__exit__(None, None, None)


def test_demo_creates_one_account_per_role_and_loads_the_schemes(demo):
    output = demo
    assert set(Grant.objects.values_list("role", flat=True)) == set(Role.values)
    # The BW secretariat holds its role for one scheme only, the others for every operator.
    bw = Grant.objects.filter(user__username="bw-secretariat")
    assert list(bw.values_list("role", "scheme_id")) == [("secretariat", "bw-cluster-excellence")]
    assert Grant.objects.filter(user__username="secretariat", operator__isnull=False).count() == 2
    assert SchemeVersion.objects.filter(is_current=True).count() == 4
    for username in ("manager", "secretariat", "assessor", "board", "authority", "admin"):
        assert f"  {username}" in output
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    assert DEMO_PASSWORD in output


def test_demo_has_a_synthetic_benchmarking_pool_and_reports_with_history(demo):
    from clusterlabel.benchmarks.models import ReferenceAssessment, ReferenceSource

    output = demo
    latest = ReferenceAssessment.objects.filter(is_latest=True)
    synthetic = latest.filter(source=ReferenceSource.SYNTHETIC)
    assert synthetic.filter(pool_id="ecei-bronze").count() == 1300
    assert synthetic.filter(pool_id="ecei-gold").count() == 150
    assert synthetic.filter(pool_id="ecei-bronze").values("country").distinct().count() == 48
    assert "of which 1450 synthetic" in output
    # The demo organisations' own assessments joined through their decisions, and two of them
    # have earlier cycles from the imported list.
    music = ReferenceAssessment.objects.filter(
        organisation__cluster_name__startswith="Clustermanagement Musikwirtschaft"
    )
    assert music.filter(is_latest=True, source=ReferenceSource.PROCEDURE).count() == 1
    assert music.filter(is_latest=False, source=ReferenceSource.IMPORT).count() == 1
    assert music.get(is_latest=True).overall_percent < 100  # gaps to close in the report
    biocon = ReferenceAssessment.objects.filter(organisation__cluster_name="BioCon Valley")
    imported = biocon.filter(source=ReferenceSource.IMPORT).order_by("assessed_on")
    assert [r.assessed_on.year for r in imported] == [2019, 2022]
    assert biocon.get(is_latest=True).source == ReferenceSource.PROCEDURE


def test_demo_twice_duplicates_nothing_and_keeps_changed_passwords(demo):
    manager = User.objects.get(username="manager")
    manager.set_password("my-own-passphrase-2026")
    manager.save()
    users, versions = User.objects.count(), SchemeVersion.objects.count()
    output = run_demo()
    assert (User.objects.count(), SchemeVersion.objects.count()) == (users, versions)
    assert "Accounts: 0 new" in output
    assert authenticate(username="manager", password="my-own-passphrase-2026") is not None


def test_demo_roles_have_back_office_rights_only_where_they_should(demo):
    staff = set(Grant.objects.filter(user__is_staff=True).values_list("role", flat=True))
    assert staff == {Role.SECRETARIAT, Role.ADMINISTRATOR}
    not_staff = set(Grant.objects.filter(user__is_staff=False).values_list("role", flat=True))
    assert not_staff == set(Role.values) - {Role.SECRETARIAT, Role.ADMINISTRATOR}
    assert list(User.objects.filter(is_superuser=True).values_list("username", flat=True)) == [
        "admin"
    ]


@pytest.mark.parametrize("username", ["bw-secretariat", "secretariat", "manager"])
def test_every_benchmarking_report_an_organisation_page_links_opens(demo, client, username):
    """The organisation page links only the reports its reader may open: the BW secretariat
    saw a link to ACO Ostwürttemberg's ECEI Gold report, which answered 404."""
    from django.urls import reverse

    from clusterlabel.organisations.models import Organisation
    from tests.helpers import hrefs

    client.force_login(User.objects.get(username=username))
    reports = []
    for organisation in Organisation.objects.all():
        page = client.get(reverse("organisations:detail", args=[organisation.pk]))
        if page.status_code == 404:
            continue
        reports += [href for href in hrefs(page) if href.startswith("/benchmarks/")]
    assert reports, "no report linked"
    for href in reports:
        assert client.get(href).status_code == 200, (username, href)


def test_demo_assessors_are_available_and_the_gold_visit_is_scheduled(demo):
    from clusterlabel.scheduling.models import Appointment, Availability

    for username in ("assessor", "assessor2"):
        assert Availability.objects.filter(assessor__username=username).count() == 2
    appointment = Appointment.objects.get(
        procedure__organisation__cluster_name="Photonics Jena",
        procedure__scheme_version__scheme_id="ecei-gold",
    )
    assert appointment.version == 1
    assert appointment.mode == "on_site"
    assert "Jena" in appointment.address
    assert (appointment.end_date - appointment.start_date).days == 1  # Gold: two days on site
    assert {item["day"] for item in appointment.agenda} == {1, 2}
    assert appointment.procedure.assessment_date == appointment.start_date


def test_demo_has_an_expert_pool_to_compose_a_gold_panel_from(demo):
    from django.utils import timezone

    from clusterlabel.assessors.models import AssessorProfile, DeclaredConflict, Qualification
    from clusterlabel.procedures.models import Procedure
    from clusterlabel.procedures.panel_pool import suggest

    experts = AssessorProfile.objects.filter(user__username__startswith="expert-")
    assert experts.count() >= 20
    countries = set(experts.values_list("user__country", flat=True))
    assert {"DE", "AT", "FR", "NL", "DK", "NO", "ES", "IT", "PL"} <= countries
    today = timezone.localdate()
    assert Qualification.objects.filter(valid_until__lt=today, confirmed_at__isnull=False).exists()
    assert Qualification.objects.filter(confirmed_at__isnull=True).exists()
    conflict = DeclaredConflict.objects.get()
    assert conflict.organisation.cluster_name == "TechnologyMountains"
    # The demo assessors stay qualified for every shipped level.
    for username in ("assessor", "assessor2"):
        held = Qualification.objects.filter(
            profile__user__username=username, confirmed_at__isnull=False, valid_until__gte=today
        )
        assert set(held.values_list("scheme_id", flat=True)) == {
            "bw-cluster-excellence",
            "ecei-bronze",
            "ecei-silver",
            "ecei-gold",
        }
    procedure = Procedure.objects.get(
        organisation__cluster_name="TechnologyMountains",
        scheme_version__scheme_id="ecei-gold",
    )
    assert procedure.state == "self_assessment_submitted"
    found = suggest(procedure, today=today).suggestion
    assert len(found.panel) == 2
    assert {r.national for r in found.panel} == {True, False}
    excluded = {e.candidate.name: e.codes for e in found.excluded}
    assert excluded["Frank Albrecht"] == ("conflict_declared",)
    assert excluded["Miriam Schulz"] == ("qualification_expired",)
    assert excluded["Lars Johansen"] == ("qualification_missing",)
    assert excluded["Søren Madsen"] == ("country_not_covered",)


def test_the_demo_organisation_reads_its_structured_report_and_gave_feedback(demo, client):
    """The decided seed procedures carry the panel's findings in every category; the manager
    reads them, page and PDF; the organisation's feedback is in the secretariat's aggregate."""
    from django.urls import reverse

    from clusterlabel.reports.models import CategoryFinding, Feedback, StructuredReport
    from tests.reports.support import pdf_text

    reports = StructuredReport.objects.select_related("procedure")
    assert reports.count() == 2
    for report in reports:
        procedure = report.procedure
        assert procedure.state == "awarded"
        categories = {c.id for c in procedure.scheme.categories}
        assert (
            set(CategoryFinding.objects.filter(report=report).values_list("category_id", flat=True))
            == categories
        )
        assert all(a.report_agreed for a in procedure.assignments.all())
    assert Feedback.objects.count() == 2

    client.force_login(User.objects.get(username="manager"))
    bw = reports.get(procedure__scheme_version__scheme_id="bw-cluster-excellence").procedure
    page = client.get(reverse("reports:report", args=[bw.pk]))
    assert page.status_code == 200
    assert "Finanzierung nach 2027 noch nicht gesichert" in page.content.decode()
    pdf = client.get(reverse("reports:report_pdf", args=[bw.pk]))
    assert "Qualitätsmanagement nur teilweise dokumentiert" in pdf_text(pdf.content)

    client.force_login(User.objects.get(username="secretariat"))
    summary = client.get(reverse("reports:feedback_summary", args=["bw-cluster-excellence"]))
    assert summary.status_code == 200
    assert summary.context["summary"].overall.count == 1
