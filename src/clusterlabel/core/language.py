"""Which of the two languages the scheme files are written in a page is shown in.

Every place that needs "German or English?" asks here instead of slicing ``get_language()`` or
``request.LANGUAGE_CODE`` itself, and gets the domain's ``Lang``, which ``Text.get`` accepts. A
leaf module: Django's translation state in, the domain's type out.
"""

from __future__ import annotations

from typing import get_args

from django.utils.translation import get_language

from clusterlabel.domain.schemes import Lang

LANGS: tuple[Lang, ...] = get_args(Lang)
DEFAULT_LANG: Lang = "de"


def lang_of(code: str | None) -> Lang:
    """``code`` (``"en"``, ``"en-gb"``, ``"DE"``, ``None``) as a scheme language: the one its
    first two letters name, German for anything else."""
    prefix = (code or "")[:2].lower()
    for lang in LANGS:
        if prefix == lang:
            return lang
    return DEFAULT_LANG


def current_language() -> Lang:
    """The language of the page being built: Django's active language (the locale middleware
    activates the request's), German when none is active."""
    return lang_of(get_language())
