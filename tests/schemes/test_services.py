"""Loading scheme files into scheme versions."""

from __future__ import annotations

import pytest

from clusterlabel.domain.errors import SchemeFileError
from clusterlabel.schemes.models import SchemeVersion
from clusterlabel.schemes.services import (
    SchemeVersionConflict,
    scheme_version_load,
    scheme_versions_load_directory,
)

pytestmark = pytest.mark.django_db


def shipped_text(shipped_dir, scheme_id: str) -> str:
    (path,) = shipped_dir.glob(f"{scheme_id}-*.yaml")
    return path.read_text(encoding="utf-8")


def test_shipped_schemes_load_with_their_catalogues(shipped_dir):
    results = scheme_versions_load_directory(directory=shipped_dir)
    loaded = {r.scheme_version.scheme_id: r.scheme_version for r in results}
    assert set(loaded) == {"ecei-bronze", "ecei-silver", "ecei-gold", "bw-cluster-excellence"}
    assert all(r.created for r in results)
    counts = {key: len(v.scheme.indicators) for key, v in loaded.items()}
    assert counts == {
        "ecei-bronze": 36,
        "ecei-silver": 36,
        "ecei-gold": 31,
        "bw-cluster-excellence": 34,
    }
    assert loaded["bw-cluster-excellence"].name_de == "Cluster-Exzellenz Baden-Württemberg"
    assert all(v.is_current for v in loaded.values())
    assert all(len(v.content_hash) == 64 for v in loaded.values())


def test_loading_the_same_files_again_changes_nothing(shipped_dir):
    scheme_versions_load_directory(directory=shipped_dir)
    before = list(SchemeVersion.objects.values_list("pk", "content_hash", "loaded_at"))
    again = scheme_versions_load_directory(directory=shipped_dir)
    assert not any(r.created for r in again)
    assert list(SchemeVersion.objects.values_list("pk", "content_hash", "loaded_at")) == before


def test_changed_content_under_a_loaded_version_is_refused(shipped_dir):
    text = shipped_text(shipped_dir, "ecei-gold")
    scheme_version_load(text=text, source_name="gold.yaml")
    changed = text.replace('min_score_percent: "80"', 'min_score_percent: "75"', 1)
    assert changed != text
    with pytest.raises(SchemeVersionConflict, match="bereits mit anderem Inhalt geladen"):
        scheme_version_load(text=changed, source_name="gold-edited.yaml")
    assert SchemeVersion.objects.get(scheme_id="ecei-gold").content == text


def test_a_new_version_becomes_current_and_the_old_one_stays(shipped_dir):
    text = shipped_text(shipped_dir, "ecei-gold")
    old = scheme_version_load(text=text, source_name="gold.yaml").scheme_version
    newer_text = text.replace('version: "2026.2"', 'version: "2027.1"', 1)
    assert newer_text != text
    new = scheme_version_load(text=newer_text, source_name="gold-2027.yaml").scheme_version
    old.refresh_from_db()
    assert (old.is_current, new.is_current) == (False, True)
    assert SchemeVersion.objects.filter(scheme_id="ecei-gold").count() == 2
    # The old version is still there, unchanged, so old results stay reproducible.
    assert old.scheme.version == "2026.2"


def test_a_broken_directory_loads_nothing(shipped_dir, tmp_path):
    for path in shipped_dir.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "zz-broken.yaml").write_text("format: clusterlabel-scheme/1\nid: x\n")
    with pytest.raises(SchemeFileError):
        scheme_versions_load_directory(directory=tmp_path)
    assert SchemeVersion.objects.count() == 0


def test_a_file_that_only_adds_an_alias_updates_the_stored_text_not_the_hash(shipped_dir):
    text = shipped_text(shipped_dir, "ecei-gold")
    first = scheme_version_load(text=text, source_name="gold.yaml").scheme_version
    changed = text.replace('      - "EUCLES Gold"\n', '      - "EUCLES Gold"\n      - "Or"\n')
    assert changed != text
    again = scheme_version_load(text=changed, source_name="gold.yaml")
    stored = SchemeVersion.objects.get(pk=first.pk)
    assert not again.created
    assert stored.content_hash == first.content_hash
    assert "Or" in stored.scheme.levels[0].aliases


def test_an_alias_another_current_scheme_gives_is_refused(shipped_dir):
    scheme_version_load(text=shipped_text(shipped_dir, "ecei-gold"), source_name="gold.yaml")
    silver = shipped_text(shipped_dir, "ecei-silver").replace(
        '      - "EUCLES Silver"\n', '      - "EUCLES Silver"\n      - "eucles gold"\n'
    )
    with pytest.raises(SchemeFileError) as caught:
        scheme_version_load(text=silver, source_name="silver.yaml")
    assert "already given to ecei-gold (gold)" in str(caught.value)
    assert not SchemeVersion.objects.filter(scheme_id="ecei-silver").exists()
