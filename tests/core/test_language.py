"""The one answer to "German or English?": the active language as a scheme language."""

from __future__ import annotations

import pytest
from django.utils import translation

from clusterlabel.core.language import current_language, lang_of


@pytest.mark.parametrize(
    ("code", "lang"),
    [("en", "en"), ("en-gb", "en"), ("EN", "en"), ("de", "de"), ("de-at", "de"), ("fr", "de")],
)
def test_a_language_code_is_read_by_its_first_two_letters(code, lang):
    assert lang_of(code) == lang


def test_no_language_is_german():
    assert lang_of(None) == "de"
    assert lang_of("") == "de"


def test_the_current_language_follows_the_active_one():
    with translation.override("en"):
        assert current_language() == "en"
    with translation.override("de"):
        assert current_language() == "de"
    with translation.override(None):
        assert current_language() == "de"
