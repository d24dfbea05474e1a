"""``{% load privacy %}{% evidence_retention_note procedure %}``: what a procedure's page says
when its evidence files were deleted under the retention rule ("" otherwise). One query."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import ngettext

from clusterlabel.privacy.models import EvidenceRetention

register = template.Library()


@register.simple_tag
def evidence_retention_note(procedure: Any) -> str:
    mark = EvidenceRetention.objects.filter(procedure_id=procedure.pk).first()
    if mark is None:
        return ""
    return ngettext(
        "%(files)d evidence file was deleted %(months)d months after the decision, under the "
        "scheme's retention rule.",
        "%(files)d evidence files were deleted %(months)d months after the decision, under the "
        "scheme's retention rule.",
        mark.files_deleted,
    ) % {"files": mark.files_deleted, "months": mark.months}
