"""``{{ scheme_id|scheme_name }}``: a scheme's name in the page's language instead of its id."""

from __future__ import annotations

from collections.abc import Mapping

from django import template

from clusterlabel.core.language import current_language
from clusterlabel.schemes.models import SchemeVersion

register = template.Library()


@register.filter
def scheme_name(scheme_id: str, current: Mapping[str, SchemeVersion] | None = None) -> str:
    """The current version's name ("Cluster-Exzellenz Baden-Württemberg"); the id itself for a
    scheme that is not loaded. A list page passes ``current`` (``scheme_versions_current_by_id``,
    read once) so that its rows cost no query each."""
    if current is None:
        version = SchemeVersion.objects.filter(scheme_id=scheme_id, is_current=True).first()
    else:
        version = current.get(scheme_id)
    if version is None:
        return scheme_id
    return version.name(current_language())
