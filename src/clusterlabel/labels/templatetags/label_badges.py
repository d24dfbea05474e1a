"""Template helpers of the labels app: the HTML snippet that embeds a label's badge."""

from __future__ import annotations

from django import template

from clusterlabel.core.language import current_language
from clusterlabel.labels.certificates.badge import badge_embed_snippet
from clusterlabel.labels.models import Label

register = template.Library()


@register.simple_tag
def label_badge_snippet(label: Label) -> str:
    """The embed snippet (plain text: Django escapes it where it is shown) in the page's
    language, with absolute addresses from ``SITE_URL``."""
    return badge_embed_snippet(label, language=current_language())
