"""``SchemeVersion.scheme``: parsed once per process by the file's hash, so that a row read
without its file (``.defer("content")``, as the public pages read it) needs no second query,
and a row whose hash was not parsed yet reads its file."""

from __future__ import annotations

import pytest

from clusterlabel.schemes import models
from clusterlabel.schemes.models import SCHEME_FILE, SchemeVersion

pytestmark = pytest.mark.django_db


def test_a_version_read_without_its_file_finds_its_parsed_scheme_without_a_query(
    loaded_schemes, django_assert_num_queries
):
    version = loaded_schemes["ecei-gold"]
    assert version.scheme.id == "ecei-gold"
    row = SchemeVersion.objects.defer(SCHEME_FILE).get(pk=version.pk)
    with django_assert_num_queries(0):
        assert row.scheme is version.scheme


def test_a_version_whose_hash_was_not_parsed_yet_reads_its_file(
    loaded_schemes, django_assert_num_queries, monkeypatch
):
    monkeypatch.setattr(models, "_PARSED_BY_HASH", {})
    models._parse.cache_clear()
    row = SchemeVersion.objects.defer(SCHEME_FILE).get(pk=loaded_schemes["ecei-bronze"].pk)
    with django_assert_num_queries(1):  # the deferred file
        scheme = row.scheme
    assert scheme.id == "ecei-bronze"
    assert models._PARSED_BY_HASH[row.content_hash] is scheme


def test_another_content_is_another_scheme(loaded_schemes):
    """Keyed by the content's hash: two versions never share a parse."""
    gold, bronze = loaded_schemes["ecei-gold"], loaded_schemes["ecei-bronze"]
    assert gold.content_hash != bronze.content_hash
    assert gold.scheme.id != bronze.scheme.id
