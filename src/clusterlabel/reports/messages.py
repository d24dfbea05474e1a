"""Sentences for the refusals of ``clusterlabel.domain.report`` (codes with named
placeholders), in the active language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clusterlabel.domain.report import FeedbackRefused, ReportError

MESSAGES: dict[str, Promise] = {
    "finding_too_long": _(
        "A finding has %(length)s characters; keep each one to at most %(limit)s."
    ),
    "too_many_findings": _("%(count)s findings of one kind; at most %(limit)s are possible."),
    "report_revision_conflict": _(
        "Another assessor changed the report since you loaded it (now version %(current)s, you "
        "saw version %(based_on)s). Nothing was saved; please check their changes."
    ),
    "categories_lack_findings": _(
        "Before agreeing, name at least one strength or weakness in every category; missing: "
        "%(categories)s."
    ),
    "summary_missing": _("The report needs a summary."),
    "report_closed": _("The report can be written only while the assessment is in progress."),
    "unknown_category": _("This scheme has no category %(category)s."),
    "not_manager": _("Only the organisation's managers can give feedback."),
    "not_decided": _("Feedback can be given once the procedure has been decided."),
    "feedback_already_given": _("Feedback on this procedure has already been given."),
    "rating_invalid": _("Please rate every question from 1 to 5."),
}


def refusal_text(
    error: ReportError | FeedbackRefused, category_names: dict[str, str] | None = None
) -> str:
    """The refusal as one sentence; category ids named as the scheme names them."""
    template = MESSAGES.get(error.code)
    if template is None:
        return error.code
    params: dict[str, object] = dict(error.params)
    categories = params.get("categories")
    if isinstance(categories, tuple | list):
        names = category_names or {}
        params["categories"] = ", ".join(names.get(str(c), str(c)) for c in categories)
    return str(template) % params
