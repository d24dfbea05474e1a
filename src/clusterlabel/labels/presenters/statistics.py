"""What the label statistics page shows: the valid labels today by label (with a bar chart),
the valid labels per family over time (with a line chart), the answer to a question asked
through the page's form (which organisations held which label where on a day), and the quick
questions the page offers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any, cast
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from clusterlabel.core.form_fields import choice_field
from clusterlabel.labels.registry import statistics as stats
from clusterlabel.labels.registry.queries import (
    QuestionForm,
    RegistryFilters,
    SchemeCatalogue,
    family_name,
    family_short_name,
    region_name,
)


def tick(day: date, period: str, is_today: bool) -> str:
    """A day on the time axis: "today", the quarter ("2025 Q3") or the year."""
    if is_today:
        return _("today")
    if period == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    return str(day.year)


def answer(question: QuestionForm, *, catalogue: SchemeCatalogue) -> dict[str, Any]:
    """The answer to a valid ``question``: the organisations holding the label asked about,
    the day, the region and the label in words, and the registry's query for the same list."""
    filters = question.registry_filters()
    holders = stats.organisations_holding(filters, catalogue=catalogue)
    label_value = question.cleaned_data["label"]
    return {
        "filters": filters,
        "holders": holders,
        "count": len(holders),
        "day": filters.valid_on,
        "region": region_name(filters.region) if filters.region else "",
        # The form sets flat (value, name) pairs; the stubs type choices far wider.
        "label": dict(
            cast("Iterable[tuple[str, str]]", choice_field(question, "label").choices)
        ).get(label_value, label_value),
        "registry_query": urlencode(filters.as_query()),
    }


def statistics_page(
    question: QuestionForm, *, asked: bool, catalogue: SchemeCatalogue, today: date
) -> dict[str, Any]:
    """Everything the statistics page shows; the answer only when a question was ``asked``
    and ``question`` is valid (otherwise the form shows its errors, or nothing was asked)."""
    counts, history = stats.statistics_for(catalogue=catalogue, today=today)
    bar_chart = line_chart = None
    if counts.by_label:
        bar_chart = stats.bar_chart_svg(
            [row.name for row in counts.by_label],
            [row.organisations for row in counts.by_label],
            label=_("Organisations holding a valid label today, by label"),
            axis=_("organisations"),
        )
    history_rows = []
    if history is not None:
        history_rows = history.rows()
        line_chart = stats.line_chart_svg(
            [tick(day, history.period, is_today) for day, is_today, _counts in history_rows],
            {family_name(family): values for family, values in history.series.items()},
            label=_("Valid labels per label family over time"),
            axis=_("valid labels"),
        )
    bw_today = RegistryFilters(family="bw", region="DE-BW", valid_on=today)
    creative = RegistryFilters(
        family="ecei", country="DE", sector="creative_industries", status="valid"
    )
    return {
        "counts": counts,
        "families": [(family, family_short_name(family)) for family in counts.families],
        "history": history,
        "history_families": [family_short_name(f) for f in (history.series if history else {})],
        "history_rows": history_rows,
        "bar_chart": bar_chart,
        "line_chart": line_chart,
        "question": question,
        "answer": answer(question, catalogue=catalogue) if asked and question.is_valid() else None,
        "quick_bw": urlencode(
            {"ask-region": "DE-BW", "ask-label": "family:bw", "ask-on": today.isoformat()}
        ),
        "quick_bw_registry": urlencode(bw_today.as_query()),
        "quick_creative": urlencode(creative.as_query()),
        "today": today,
    }
