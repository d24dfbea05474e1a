"""No evidence file stays on disk when the transaction that stored it rolls back
(procedures.stored_files)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from clusterlabel.procedures import services
from clusterlabel.procedures.choices import ProcedureState
from clusterlabel.procedures.models import Evidence
from clusterlabel.procedures.services import self_assessment as self_assessment_services
from clusterlabel.procedures.stored_files import files_removed_unless_committed
from tests.helpers import PDF
from tests.states import StateBuilder

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def builder(loaded_schemes) -> StateBuilder:
    builder = StateBuilder(scheme_id="bw-cluster-excellence")
    builder.advance_to(ProcedureState.CONTRACTED)
    return builder


def files_in(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def test_a_refused_file_of_a_save_takes_the_files_stored_before_it_along(media, builder):
    first, second = (indicator.id for indicator in builder.scheme.indicators[:2])
    with pytest.raises(ValidationError):
        services.self_assessment_save_with_evidence(
            procedure=builder.procedure,
            actor=builder.manager,
            values={},
            comments={first: "Siehe Nachweis"},
            uploads={
                first: SimpleUploadedFile("Nachweis.pdf", PDF),
                second: SimpleUploadedFile("Nachweis.pdf", b"MZ not a pdf"),
            },
        )
    assert not Evidence.objects.exists()
    assert files_in(media) == []


def test_a_save_that_commits_keeps_its_files(media, builder):
    first, second = (indicator.id for indicator in builder.scheme.indicators[:2])
    changed, stored = services.self_assessment_save_with_evidence(
        procedure=builder.procedure,
        actor=builder.manager,
        values={},
        comments={first: "Siehe Nachweis"},
        uploads={
            first: SimpleUploadedFile("Nachweis-1.pdf", PDF),
            second: SimpleUploadedFile("Nachweis-2.pdf", PDF),
        },
    )
    assert (changed, stored) == (1, 2)
    kept = files_in(media)
    assert len(kept) == 2
    assert sorted(Path(e.file.path) for e in Evidence.objects.all()) == kept


def test_an_upload_whose_own_write_fails_after_the_file_leaves_no_file(media, builder, monkeypatch):
    def audit_fails(**kwargs):
        raise RuntimeError("the audit trail is not writable")

    monkeypatch.setattr(self_assessment_services, "audit_record", audit_fails)
    with pytest.raises(RuntimeError):
        services.evidence_upload(
            procedure=builder.procedure,
            actor=builder.manager,
            indicator_id=builder.scheme.indicators[0].id,
            upload=SimpleUploadedFile("Nachweis.pdf", PDF),
        )
    assert not Evidence.objects.exists()
    assert files_in(media) == []


def test_a_savepoint_rolled_back_inside_a_committed_block_deletes_only_its_own_files(
    media, builder
):
    indicator = builder.scheme.indicators[0].id

    def upload(name: str) -> Evidence:
        return services.evidence_upload(
            procedure=builder.procedure,
            actor=builder.manager,
            indicator_id=indicator,
            upload=SimpleUploadedFile(name, PDF),
        )

    with files_removed_unless_committed():
        kept = upload("bleibt.pdf")
        with pytest.raises(RuntimeError), files_removed_unless_committed():
            upload("verworfen.pdf")
            raise RuntimeError("the inner block fails")
    assert files_in(media) == [Path(kept.file.path)]
    assert list(Evidence.objects.all()) == [kept]
