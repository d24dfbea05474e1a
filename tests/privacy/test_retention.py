"""Evidence files are deleted when their scheme's retention period has run out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone

from clusterlabel.audit.models import AuditEvent
from clusterlabel.audit.services import verify_chain
from clusterlabel.privacy.models import EvidenceRetention
from clusterlabel.privacy.retention import retention_apply
from clusterlabel.procedures.models import Evidence, Procedure
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.services import SHIPPED_DIR, scheme_version_load
from tests.procedures.builders import ProcedureBuilder, ensure_schemes

pytestmark = pytest.mark.django_db


def retention_version(*, months: int) -> SchemeVersion:
    """The shipped BW scheme as a new version with ``retention:`` (not current)."""
    text = (SHIPPED_DIR / "bw-cluster-excellence-2026.1.yaml").read_text(encoding="utf-8")
    text = text.replace('version: "2026.1"', 'version: "2026.1-retention"', 1)
    text += f"\nretention:\n  evidence_months_after_decision: {months}\n"
    ensure_schemes()  # the shipped versions first (operators, current versions)
    scheme_version_load(text=text, source_name="bw-retention.yaml", make_current=False)
    return SchemeVersion.objects.get(scheme_id="bw-cluster-excellence", version="2026.1-retention")


def decided(*, days_ago: int, version: SchemeVersion | None, files: int = 2) -> Procedure:
    builder = ProcedureBuilder()
    procedure = builder.procedure
    changes = {
        "state": "awarded",
        "decision": "award",
        "decided_at": timezone.now() - timedelta(days=days_ago),
    }
    if version is not None:
        changes["scheme_version"] = version
    Procedure.objects.filter(pk=procedure.pk).update(**changes)
    for n in range(files):
        Evidence.objects.create(
            procedure=procedure,
            indicator_id=f"i{n}",
            file=SimpleUploadedFile(f"satzung-{n}.pdf", b"%PDF-1.4 test"),
            original_name=f"satzung-{n}.pdf",
            content_type="application/pdf",
            size=13,
            sha256=f"{n:064x}",
            uploaded_by=builder.manager,
        )
    return Procedure.objects.get(pk=procedure.pk)


def stored_names(procedure: Procedure) -> list[str]:
    return [e.file.name for e in Evidence.objects.filter(procedure=procedure)]


def test_only_old_files_of_schemes_with_retention_are_deleted(django_capture_on_commit_callbacks):
    version = retention_version(months=60)
    old = decided(days_ago=61 * 31, version=version)
    recent = decided(days_ago=58 * 30, version=version)
    no_rule = decided(days_ago=20 * 365, version=None)
    old_files = stored_names(old)
    storage = Evidence._meta.get_field("file").storage
    assert all(storage.exists(name) for name in old_files)

    with django_capture_on_commit_callbacks(execute=True):
        report = retention_apply()

    assert [item.procedure.pk for item in report.due] == [old.pk]
    assert report.files_deleted == 2
    assert not Evidence.objects.filter(procedure=old).exists()
    assert not any(storage.exists(name) for name in old_files)
    assert Evidence.objects.filter(procedure=recent).count() == 2
    assert Evidence.objects.filter(procedure=no_rule).count() == 2
    assert all(storage.exists(name) for name in stored_names(recent))
    mark = EvidenceRetention.objects.get()
    assert (mark.procedure_id, mark.months, mark.files_deleted) == (old.pk, 60, 2)
    event = AuditEvent.objects.get(action="procedure.evidence_retention")
    assert (event.actor, event.procedure_id) == (None, old.pk)
    assert event.after == {"evidence": [], "months_after_decision": 60}
    assert [e["indicator"] for e in event.before["evidence"]] == ["i0", "i1"]
    assert verify_chain().ok

    # Idempotent: nothing is due any more, nothing else is recorded.
    events = AuditEvent.objects.count()
    again = retention_apply()
    assert (again.due, again.files_deleted) == ([], 0)
    assert AuditEvent.objects.count() == events
    assert EvidenceRetention.objects.get().files_deleted == 2


def test_a_dry_run_deletes_nothing(capsys):
    version = retention_version(months=12)
    old = decided(days_ago=400, version=version)
    names = stored_names(old)
    events = AuditEvent.objects.count()

    call_command("apply_retention", "--dry-run")

    out = capsys.readouterr().out
    assert f"procedure #{old.pk}" in out
    assert "2 evidence file(s), kept 12 months" in out
    assert "Dry run: 1 procedure(s) due, nothing deleted." in out
    assert stored_names(old) == names
    assert not EvidenceRetention.objects.exists()
    assert AuditEvent.objects.count() == events

    call_command("apply_retention")
    assert "Deleted 2 evidence file(s) of 1 procedure(s)." in capsys.readouterr().out
    assert not Evidence.objects.filter(procedure=old).exists()


def test_an_undecided_procedure_keeps_its_evidence():
    version = retention_version(months=1)
    procedure = decided(days_ago=400, version=version)
    Procedure.objects.filter(pk=procedure.pk).update(state="board_review", decided_at=None)
    assert retention_apply().due == []
    assert Evidence.objects.filter(procedure=procedure).count() == 2


def test_the_procedure_can_say_that_its_evidence_was_deleted(
    django_capture_on_commit_callbacks,
):
    from django.template import Context, Template

    version = retention_version(months=60)
    old = decided(days_ago=62 * 31, version=version, files=3)
    note = Template("{% load privacy %}{% evidence_retention_note procedure %}")
    assert note.render(Context({"procedure": old})) == ""
    with django_capture_on_commit_callbacks(execute=True):
        retention_apply()
    assert note.render(Context({"procedure": old})) == (
        "3 evidence files were deleted 60 months after the decision, under the scheme&#x27;s "
        "retention rule."
    )


def test_the_procedure_page_says_that_its_evidence_was_deleted(
    client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from clusterlabel.access.models import Grant
    from tests.helpers import english_pages, login, text

    version = retention_version(months=60)
    old = decided(days_ago=62 * 31, version=version, files=2)
    manager = Grant.objects.get(organisation=old.organisation).user
    login(client, manager)
    english_pages(client)
    url = reverse("procedures:detail", args=[old.pk])
    assert "under the scheme's retention rule" not in text(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        retention_apply()
    assert (
        "2 evidence files were deleted 60 months after the decision, under the scheme's "
        "retention rule." in text(client.get(url))
    )
