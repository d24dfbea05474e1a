"""Reads of scheme versions."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from clusterlabel.schemes.models import SchemeVersion


def scheme_versions_current() -> QuerySet[SchemeVersion]:
    return SchemeVersion.objects.filter(is_current=True).order_by("family", "scheme_id")


def scheme_versions_current_by_id() -> dict[str, SchemeVersion]:
    """The current version of every scheme by its id, in one query (for a list page that names
    the scheme of each row)."""
    return {version.scheme_id: version for version in SchemeVersion.objects.filter(is_current=True)}


def scheme_versions_by_pk(pks: Iterable[int]) -> dict[int, SchemeVersion]:
    """The versions ``pks`` by primary key, each read once (rows of a list name few versions;
    selecting the version with every row would carry its whole scheme file once per row)."""
    return {v.pk: v for v in SchemeVersion.objects.filter(pk__in=sorted(set(pks)))}


def scheme_version_get(*, scheme_id: str, version: str) -> SchemeVersion:
    return SchemeVersion.objects.get(scheme_id=scheme_id, version=version)


def scheme_versions_of(*, scheme_id: str) -> QuerySet[SchemeVersion]:
    return SchemeVersion.objects.filter(scheme_id=scheme_id).order_by("-loaded_at")
