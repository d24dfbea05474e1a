"""Writes to scheme versions. Every write goes through here."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from clusterlabel.domain.errors import SchemeFileError
from clusterlabel.domain.schemes import Scheme, load_scheme_text
from clusterlabel.domain.schemes.across_files import alias_clashes
from clusterlabel.schemes.models import Operator, SchemeVersion

SHIPPED_DIR = Path(__file__).resolve().parent / "shipped"


class SchemeVersionConflict(Exception):
    """A file claims an (id, version) that is already loaded with different content."""


@dataclass(frozen=True)
class LoadResult:
    scheme_version: SchemeVersion
    created: bool


@lru_cache(maxsize=16)
def _validated(text: str, source_name: str) -> Scheme:
    """The scheme a file's text gives. Parsing is pure and a scheme immutable, so loading the
    same text again (the shipped directory, loaded by every demo set-up and by many tests)
    parses it once; a broken file raises every time (exceptions are not cached)."""
    return load_scheme_text(text, source=source_name)


def scheme_version_load(*, text: str, source_name: str, make_current: bool = True) -> LoadResult:
    """Validate a scheme file and store it as a version.

    Guarantees: the file is fully validated first (``SchemeFileError`` lists every problem);
    loading the same file again changes nothing; a different file under an already loaded
    (id, version) is refused with ``SchemeVersionConflict``, because results scored under that
    version must stay reproducible, unless it differs only in what the content hash leaves out
    (a level's ``aliases``, comments, layout): then the stored text is replaced by it. An
    alias another current scheme already gives is refused (``SchemeFileError``). A newly
    created version becomes the scheme's current one unless ``make_current`` is false.
    """
    scheme: Scheme = _validated(text, source_name)
    with transaction.atomic():
        others = SchemeVersion.objects.filter(is_current=True).exclude(scheme_id=scheme.id)
        clashes = [
            problem
            for problem in alias_clashes(
                [(v.source_name, v.scheme) for v in others] + [(source_name, scheme)]
            )
            if problem.source == source_name
        ]
        if clashes:
            raise SchemeFileError(clashes)
        existing = (
            SchemeVersion.objects.select_for_update()
            .filter(scheme_id=scheme.id, version=scheme.version)
            .first()
        )
        if existing is not None:
            if existing.content_hash != scheme.content_hash:
                raise SchemeVersionConflict(
                    _(
                        "%(source)s: scheme %(scheme)s version %(version)s is already loaded "
                        "with different content. Give the changed file a new version."
                    )
                    % {"source": source_name, "scheme": scheme.id, "version": scheme.version}
                )
            if existing.content != text:
                # Same rules, other presentation (an alias added, a comment): the stored text
                # follows the file, the hash assessments point at stays.
                existing.content = text
                existing.save(update_fields=["content"])
            return LoadResult(scheme_version=existing, created=False)
        has_current = SchemeVersion.objects.filter(scheme_id=scheme.id, is_current=True).exists()
        if make_current and has_current:
            SchemeVersion.objects.filter(scheme_id=scheme.id, is_current=True).update(
                is_current=False
            )
        operator, _created = Operator.objects.get_or_create(
            slug=scheme.operator.key,
            defaults={"name": scheme.operator.name, "country": scheme.operator.country},
        )
        version = SchemeVersion(
            scheme_id=scheme.id,
            operator=operator,
            version=scheme.version,
            family=scheme.family,
            name_de=scheme.name.de,
            name_en=scheme.name.en,
            source_name=source_name,
            content=text,
            content_hash=scheme.content_hash,
            is_current=make_current or not has_current,
        )
        version.full_clean()
        version.save()
    return LoadResult(scheme_version=version, created=True)


def scheme_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in {".yaml", ".yml"})


def scheme_versions_load_directory(*, directory: Path) -> list[LoadResult]:
    """Load every scheme file of a directory, all or nothing."""
    results = []
    with transaction.atomic():
        for path in scheme_files(directory):
            results.append(
                scheme_version_load(text=path.read_text(encoding="utf-8"), source_name=path.name)
            )
    return results
