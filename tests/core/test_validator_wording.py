"""Django's validation messages read in our German ("Sie"), whatever an installed app's
catalogue says (Django REST Framework's words them with "du")."""

import gettext
from pathlib import Path

import pytest
import rest_framework
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation

from clusterlabel.core.validator_wording import MESSAGES


def test_an_invalid_address_is_refused_in_our_german():
    with translation.override("de"), pytest.raises(ValidationError) as refused:
        validate_email("a@x")
    assert refused.value.messages == ["Bitte geben Sie eine gültige E-Mail-Adresse ein."]


def test_every_message_drf_words_differently_from_django_is_ours():
    """A message both Django and DRF translate, differently, must be in our catalogue."""
    import django

    def catalogue(package_dir: str, app: str = "") -> dict[str, str]:
        path = Path(package_dir) / app / "locale/de/LC_MESSAGES/django.mo"
        with path.open("rb") as mo:
            messages = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
        return {key: text for key, text in messages.items() if isinstance(key, str) and key}

    core = catalogue(str(Path(django.__file__).parent / "conf"))
    drf = catalogue(str(Path(rest_framework.__file__).parent))
    differing = {msgid for msgid, text in drf.items() if msgid in core and core[msgid] != text}
    assert differing <= set(MESSAGES)
    with translation.override("de"):
        assert all(translation.gettext(msgid) != drf[msgid] for msgid in differing)
