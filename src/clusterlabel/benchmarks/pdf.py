"""One organisation's benchmark report as a printable PDF (A4, German or English).

Call :func:`report_pdf` inside ``translation.override(language)``: every text comes either from
the :class:`~clusterlabel.benchmarks.reports.BenchmarkReport` (already worded and formatted in
the active language) or from the translation catalogue here.

Guarantees:

* The PDF shows only what the report holds: the organisation's own values and the comparison
  group's distributions (never fewer than five other organisations, whiskers at the 10th and
  90th percentiles). No other organisation's name or value is printed, because the report
  holds none.
* Every page carries a header line (cluster, scheme, "Benchmarking report") and "Page x of y".
* The comparison group actually used is stated with its size; a fallback from the requested
  group, withheld statistics and a pool with synthetic demonstration data are stated in
  coloured boxes on the first page, never only in small print.
* All text is real PDF text in reportlab's built-in Helvetica (WinAnsi), so it can be searched,
  copied and read by screen readers; the chart is vector graphics with text labels. Letters
  outside WinAnsi are reduced to their base letter (see
  :func:`~clusterlabel.core.pdf_text.pdf_text`).

The look (colours, margins, styles) is ``pdf_style``, the score chart ``pdf_charts``; this
module lays out the sections and the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from io import BytesIO
from typing import Any

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    CondPageBreak,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from clusterlabel.benchmarks.pdf_charts import chart_legend, score_chart
from clusterlabel.benchmarks.pdf_style import (
    ACCENT,
    AMBER_FILL,
    AMBER_LINE,
    HEAD_FILL,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    PADDING,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    RED_FILL,
    RED_LINE,
    RULE,
    SUBTLE_FILL,
    VIOLET_FILL,
    VIOLET_LINE,
    WIDTH,
    Style,
    fit_text,
    plain,
)
from clusterlabel.benchmarks.reports import (
    DASH,
    BenchmarkReport,
    ChangeRow,
    CycleBlock,
    IndicatorRow,
    choice_levels,
    levels_key,
)
from clusterlabel.core.language import current_language
from clusterlabel.core.pdf_text import format_date, pdf_text
from clusterlabel.domain.benchmark import MIN_OTHERS, MIN_OTHERS_FOR_WHISKERS, Change


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(pdf_text(text), style)


def _cell(text: str, style: ParagraphStyle, width: float) -> Paragraph:
    """A table cell whose longest word fits its column: the font shrinks (down to 6 pt) rather
    than a word ("Akteursgruppen", "Perzentilrang") being broken in the middle."""
    available = width - 2 * PADDING
    words = plain(text).split() or [""]
    longest = max(stringWidth(word, style.fontName, style.fontSize) for word in words)
    if longest > available:
        size = max(6.0, style.fontSize * available / longest)
        style = ParagraphStyle("fitted", parent=style, fontSize=size, leading=size * 1.25)
    return _p(text, style)


def _cells(items: Sequence[tuple[str, ParagraphStyle]], widths: Sequence[float]) -> list[Any]:
    return [_cell(text, style, width) for (text, style), width in zip(items, widths, strict=False)]


def _notice(text: str, fill: colors.Color, line: colors.Color) -> Table:
    box = Table([[_p(text, Style.value)]], colWidths=[WIDTH])
    box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("LINEBEFORE", (0, 0), (0, -1), 3, line),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return box


def _grid(
    data: list[list[Any]],
    widths: Sequence[float],
    extra: Sequence[tuple] = (),
    lines_below: Sequence[int] | None = None,
    *,
    header: bool = True,
) -> Table:
    """A table with hairlines below the rows ``lines_below`` (default: every row) and, with
    ``header``, a bold shaded first row repeated on every page."""
    table = Table(data, colWidths=list(widths), repeatRows=int(header))
    if lines_below is None:
        lines_below = range(int(header), len(data))
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
        commands.append(("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT))
    commands += [("LINEBELOW", (0, row), (-1, row), 0.3, RULE) for row in lines_below]
    for side in ("LEFT", "RIGHT"):
        commands.append((f"{side}PADDING", (0, 0), (-1, -1), PADDING))
    commands.append(("TOPPADDING", (0, 0), (-1, -1), 2.5))
    commands.append(("BOTTOMPADDING", (0, 0), (-1, -1), 3))
    table.setStyle(TableStyle([*commands, *extra]))
    return table


# --- page furniture -------------------------------------------------------------------------


def _canvas_maker(header: str, page_text: str, generated: str) -> type[Canvas]:
    """A canvas that knows the page count at the end and then draws header and footer."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            # Canvas's own page reset, which the numbered-canvas recipe calls; the stubs declare
            # only Canvas's public methods.
            self._startPage()  # type: ignore[attr-defined]

        def save(self) -> None:
            total = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._furniture(number, total)
                super().showPage()
            super().save()

        def _furniture(self, number: int, total: int) -> None:
            self.saveState()
            self.setFont("Helvetica", 8)
            self.setFillColor(MUTED)
            top = PAGE_HEIGHT - 13 * mm
            self.drawString(MARGIN_X, top, fit_text(header, "Helvetica", 8, WIDTH))
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, top - 2 * mm, PAGE_WIDTH - MARGIN_X, top - 2 * mm)
            bottom = 10 * mm
            self.drawString(MARGIN_X, bottom, generated)
            self.drawRightString(
                PAGE_WIDTH - MARGIN_X, bottom, page_text % {"number": number, "total": total}
            )
            self.restoreState()

    return NumberedCanvas


# --- 1. title block -------------------------------------------------------------------------


def _title_block(report: BenchmarkReport, today: date) -> list[Any]:
    organisation = report.organisation
    lang = current_language()
    assessed = format_date(report.latest.assessed_on, lang)
    if report.source_name:
        assessed = f"{assessed} ({report.source_name})"
    group = DASH
    if report.domain.group_size is not None:
        group = ngettext(
            "%(group)s, %(count)s other organisation",
            "%(group)s, %(count)s other organisations",
            report.domain.group_size,
        ) % {
            "group": report.group_description,
            "count": report.domain.group_size,
        }
    scheme = _("%(scheme)s, version %(version)s")
    facts = [
        (_("Scheme"), scheme % {"scheme": report.scheme_name, "version": report.scheme.version}),
        (_("Assessment compared"), assessed),
        (_("Date of the report"), format_date(today, lang)),
        (_("Comparison group"), group),
    ]
    if report.domain.fell_back:
        facts.append((_("Requested group"), report.requested_name))
    pool = ngettext(
        "%(count)s organisation with a current assessment, including yours",
        "%(count)s organisations with a current assessment, including yours",
        report.pool_size,
    )
    facts.append((_("Reference pool"), pool % {"count": report.pool_size}))
    rows = [[_p(key, Style.key), _p(value, Style.value)] for key, value in facts]
    flush = [("LEFTPADDING", (0, 0), (0, -1), 0)]
    table = _grid(rows, [45 * mm, WIDTH - 45 * mm], flush, header=False)
    story: list[Any] = [
        _p(_("Benchmarking report"), Style.title),
        _p(organisation.cluster_name, Style.organisation),
    ]
    if organisation.legal_name and organisation.legal_name != organisation.cluster_name:
        story.append(_p(organisation.legal_name, Style.legal_name))
    else:
        story.append(Spacer(1, 4 * mm))
    story.append(table)
    notices = []
    if report.fallback_text:
        notices.append(_notice(report.fallback_text, AMBER_FILL, AMBER_LINE))
    if report.withheld_text:
        notices.append(_notice(report.withheld_text, RED_FILL, RED_LINE))
    if report.synthetic:
        text = ngettext(
            "The pool contains %(count)s synthetic organisation generated for the "
            "demonstration. Its values do not describe a real organisation.",
            "The pool contains %(count)s synthetic organisations generated for the "
            "demonstration. Their values do not describe real organisations.",
            report.synthetic,
        )
        notices.append(_notice(text % {"count": report.synthetic}, VIOLET_FILL, VIOLET_LINE))
    for notice in notices:
        story += [Spacer(1, 3 * mm), notice]
    return story


# --- 2. scores by area ----------------------------------------------------------------------


def _spread(low: str, high: str) -> str:
    """A range "a - b", or one value when both ends are the same."""
    return low if low == high else f"{low} {DASH} {high}"


SCORE_WIDTHS = [52 * mm, 20 * mm, 22 * mm, 22 * mm, 27 * mm, 27 * mm]


def _scores_table(report: BenchmarkReport) -> Table:
    widths = [WIDTH - sum(SCORE_WIDTHS[1:]), *SCORE_WIDTHS[1:]]
    titles = [_("Area"), _("Your score"), _("Percentile rank"), _("Median"), _("Middle half")]
    titles.append(_("10th to 90th percentile"))
    data: list[list[Any]] = [_cells([(t, Style.head) for t in titles], widths)]
    spans: list[tuple] = []
    rows = [report.overall, *(block.score for block in report.categories)]
    for number, row in enumerate(rows, start=1):
        style = Style.bold if row.key == "overall" else Style.cell
        items = [(row.name, style), (row.score_text, style)]
        text = row.distribution_text
        if text is not None:
            items += [
                (row.rank_text, Style.cell),
                (text.median, Style.cell),
                (_spread(text.q1, text.q3), Style.cell),
                (_spread(text.p10, text.p90), Style.cell),
            ]
        elif row.withheld and not report.withheld_text:
            items += [(row.withheld, Style.muted), *[("", Style.cell)] * 3]
            spans.append(("SPAN", (2, number), (5, number)))
        else:
            items += [(DASH, Style.cell)] * 4
        data.append(_cells(items, widths))
    return _grid(data, widths, [*spans, ("BACKGROUND", (0, 1), (-1, 1), SUBTLE_FILL)])


def _scores_section(report: BenchmarkReport) -> list[Any]:
    rows = [report.overall, *(block.score for block in report.categories)]
    if report.domain.group_size is not None:
        intro = _(
            "Your score in percent of the maximum points, compared with %(count)s other "
            "organisations (%(group)s)."
        ) % {"count": report.domain.group_size, "group": report.group_description}
    else:
        intro = _("Your score in percent of the maximum points.")
    story: list[Any] = [_p(_("Scores by area"), Style.h1), _p(intro, Style.small)]
    group = any(row.distribution is not None for row in rows)
    chart = [Spacer(1, 2 * mm), score_chart(rows), Spacer(1, 1.5 * mm), chart_legend(group=group)]
    return [*story, KeepTogether(chart), Spacer(1, 4 * mm), _scores_table(report)]


# --- 3. indicators --------------------------------------------------------------------------

INDICATOR_WIDTHS = [38 * mm, 21 * mm, 21 * mm, 21 * mm, 10 * mm, 16 * mm, 21 * mm, 22 * mm]


def _indicator_items(
    row: IndicatorRow, report: BenchmarkReport
) -> list[tuple[str, ParagraphStyle]]:
    """The cells after the name: the organisation's own figures, then the group's."""
    indicator = row.indicator
    value, threshold = row.value, row.threshold
    distribution = row.distribution
    median = middle = DASH
    if distribution is not None:
        median, middle = distribution.median, _spread(distribution.q1, distribution.q3)
    if indicator.type == "choice":
        value = choice_levels(row.encoded_value, row.encoded_value)
        threshold = choice_levels(row.encoded_threshold, row.encoded_threshold)
        raw = row.raw_distribution
        if distribution is not None and raw is not None:
            median = choice_levels(raw.median, raw.median)
            middle = choice_levels(raw.q1, raw.q3)
    met = (_("yes"), Style.bold) if row.met else (_("no"), Style.cell)
    items = [(value, Style.cell), (threshold, Style.cell), (row.gap, Style.cell), met]
    if distribution is not None:
        return [*items, (row.rank_text, Style.cell), (median, Style.cell), (middle, Style.cell)]
    if row.withheld and not report.withheld_text:
        return [*items, (row.withheld, Style.muted)]
    return [*items, *[(DASH, Style.cell)] * 3]


def _indicator_table(rows: Sequence[IndicatorRow], report: BenchmarkReport) -> Table:
    titles = [_("Indicator"), _("Your value"), _("Excellence value"), _("Gap"), _("Met")]
    titles += [_("Percentile rank"), _("Median"), _("Middle half")]
    widths = INDICATOR_WIDTHS
    data: list[list[Any]] = [_cells([(t, Style.head) for t in titles], widths)]
    commands: list[tuple] = []
    lines_below = []
    for row in rows:
        name = (
            f'<font color="#555555" size="7">{pdf_text(row.indicator.id)}</font><br/>'
            f"{pdf_text(row.name)}"
        )
        cells: list[Any] = [Paragraph(name, Style.cell)]
        cells += _cells(_indicator_items(row, report), widths[1:])
        cells += [""] * (len(widths) - len(cells))
        data.append(cells)
        number = len(data) - 1
        if row.distribution is None and row.withheld and not report.withheld_text:
            commands.append(("SPAN", (5, number), (7, number)))
        if row.indicator.type == "choice":
            # The choices' names once, under the row, instead of in four narrow cells.
            data.append([_p(levels_key(row.indicator), Style.key_row)] + [""] * 7)
            commands += [
                ("SPAN", (0, number + 1), (-1, number + 1)),
                ("TOPPADDING", (0, number + 1), (-1, number + 1), 0),
                ("NOSPLIT", (0, number), (-1, number + 1)),
            ]
        lines_below.append(len(data) - 1)
    return _grid(data, widths, commands, lines_below)


def _indicators_section(report: BenchmarkReport) -> list[Any]:
    intro = _(
        "Your value, the excellence value and the gap to it, whether the excellence value is "
        "met, and where your value stands in the comparison group. Answers chosen from a list "
        "are shown as levels, from 1 (the first choice) upwards; the names follow under the row."
    )
    story: list[Any] = [
        CondPageBreak(60 * mm),
        _p(_("Indicators"), Style.h1),
        _p(intro, Style.small),
    ]
    for block in report.categories:
        if block.indicators:
            title = f"{block.score.name} {DASH} {block.score.score_text}"
            story += [
                CondPageBreak(35 * mm),
                _p(title, Style.h2),
                _indicator_table(block.indicators, report),
            ]
    return story


# --- 4. recommendations ---------------------------------------------------------------------

RECOMMENDATION_WIDTHS = [8 * mm, 0.0, 17 * mm, 24 * mm, 24 * mm]


def _recommendations_section(report: BenchmarkReport) -> list[Any]:
    story: list[Any] = [CondPageBreak(50 * mm), _p(_("Recommendations"), Style.h1)]
    if not report.recommendations:
        return [*story, _p(_("Every indicator meets its excellence value."), Style.body)]
    intro = _(
        "The indicators below their excellence value, the most rewarding first: by the points "
        "that reaching the excellence value would add, then by the size of the gap."
    )
    story += [_p(intro, Style.small), Spacer(1, 2 * mm)]
    widths = list(RECOMMENDATION_WIDTHS)
    widths[1] = WIDTH - sum(widths)
    titles = ["#", _("Indicator and what counts"), _("Points at stake"), _("Your value")]
    titles.append(_("Excellence value"))
    data: list[list[Any]] = [_cells([(t, Style.head) for t in titles], widths)]
    rows = {row.indicator.id: row for block in report.categories for row in block.indicators}
    for number, recommendation in enumerate(report.recommendations, start=1):
        name = (
            f"<b>{pdf_text(recommendation.name)}</b> "
            f'<font color="#555555">({pdf_text(recommendation.category)})</font>'
        )
        what: list[Any] = [Paragraph(name, Style.cell)]
        value, threshold = recommendation.value, recommendation.threshold
        row = rows.get(recommendation.indicator_id)
        if row is not None and row.indicator.type == "choice":
            answer = _("Your value: %(value)s. Excellence value: %(threshold)s.")
            what.append(_p(answer % {"value": value, "threshold": threshold}, Style.cell))
            value = choice_levels(row.encoded_value, row.encoded_value)
            threshold = choice_levels(row.encoded_threshold, row.encoded_threshold)
        if recommendation.help:
            what.append(Spacer(1, 1.5))
            what.append(_p(recommendation.help, Style.help))
        items = [(recommendation.points_at_stake, Style.bold), (value, Style.cell)]
        items.append((threshold, Style.cell))
        data.append([_cell(f"{number}.", Style.bold, widths[0]), what, *_cells(items, widths[2:])])
    return [*story, _grid(data, widths)]


# --- 5. cycle comparison --------------------------------------------------------------------


def _changed(cycle: CycleBlock) -> list[ChangeRow]:
    return [
        row
        for row in cycle.indicators
        if row.change in (Change.IMPROVED, Change.DECLINED)
        or (row.change is Change.NOT_COMPARABLE and row.previous != row.current)
    ]


def _cycle_summary(cycle: CycleBlock) -> tuple[str, str]:
    areas = _("Improved in %(count)s of %(total)s areas.") % {
        "count": cycle.improved_categories,
        "total": len(cycle.categories),
    }
    if cycle.silver_minimum is not None:
        if cycle.improved_categories >= cycle.silver_minimum:
            silver = _("That meets the Silver label's minimum of %(minimum)s improved areas.")
        else:
            silver = _("The Silver label requires at least %(minimum)s improved areas.")
        areas += " " + silver % {"minimum": cycle.silver_minimum}
    counts = cycle.counts
    indicators = _(
        "Indicators: %(improved)s improved, %(unchanged)s unchanged, %(declined)s declined."
    ) % {
        "improved": counts.get(Change.IMPROVED.value, 0),
        "unchanged": counts.get(Change.UNCHANGED.value, 0),
        "declined": counts.get(Change.DECLINED.value, 0),
    }
    missing = counts.get(Change.NOT_COMPARABLE.value, 0)
    if missing:
        indicators += " " + ngettext(
            "%(count)s indicator has no value in one of the two assessments.",
            "%(count)s indicators have no value in one of the two assessments.",
            missing,
        ) % {"count": missing}
    return areas, indicators


def _cycle_section(report: BenchmarkReport) -> list[Any]:
    cycle = report.cycle
    if cycle is None:
        return []
    lang = current_language()
    dates = _("Previous assessment: %(previous)s. This assessment: %(current)s.") % {
        "previous": format_date(cycle.previous_on, lang),
        "current": format_date(cycle.current_on, lang),
    }
    story: list[Any] = [
        CondPageBreak(70 * mm),
        _p(_("Change since the previous assessment"), Style.h1),
        _p(dates, Style.body),
        Spacer(1, 2 * mm),
    ]
    widths = [0.0, 32 * mm, 32 * mm, 30 * mm]
    widths[0] = WIDTH - sum(widths)
    change = pgettext("benchmark: how a figure moved between two assessments", "Change")
    titles = (_("Area"), _("Previous"), _("Current"), change)
    areas = [_cells([(t, Style.head) for t in titles], widths)]
    for row in cycle.categories:
        marked = Style.bold if row.change is Change.IMPROVED else Style.cell
        items = [(row.name, Style.cell), (row.previous, Style.cell), (row.current, Style.cell)]
        areas.append(_cells([*items, (row.change_text, marked)], widths))
    area_summary, indicator_summary = _cycle_summary(cycle)
    story += [
        _grid(areas, widths),
        Spacer(1, 2.5 * mm),
        _p(area_summary, Style.body),
        _p(indicator_summary, Style.body),
    ]
    changed = _changed(cycle)
    if changed:
        titles = (_("Indicator"), _("Previous"), _("Current"), change)
        rows = [_cells([(t, Style.head) for t in titles], widths)]
        for row in changed:
            items = [(row.name, Style.cell), (row.previous, Style.cell)]
            items += [(row.current, Style.cell), (row.change_text, Style.cell)]
            rows.append(_cells(items, widths))
        story += [
            CondPageBreak(30 * mm),
            _p(_("Indicators that changed"), Style.h2),
            _grid(rows, widths),
        ]
    return story


# --- 6. how to read -------------------------------------------------------------------------


def _explanation() -> list[Any]:
    texts = [
        (
            _("Percentile rank"),
            _(
                "the share of the comparison group, in percent, whose value is worse than yours; "
                "organisations with the same value count half. 75 means that your value is better "
                "than that of three quarters of the group. Where less is better (costs, for "
                "example), a lower value counts as better."
            ),
        ),
        (
            _("Median and middle half"),
            _(
                "half of the group has a value below the median, half above it. The middle half "
                "of the group lies between the 25th and the 75th percentile (the first and the "
                "third quartile)."
            ),
        ),
        (
            _("Gap"),
            _(
                "how far your value still is from the excellence value; a dash means that the "
                "excellence value is met."
            ),
        ),
        (
            _("Privacy"),
            _(
                "your own assessment is never part of the comparison group, and no figure is "
                "shown over fewer than %(minimum)s other organisations. The lines in the chart "
                "end at the 10th and the 90th percentile, not at the lowest and the highest "
                "value, because those would be one organisation's exact value; they are drawn "
                "only when at least %(whiskers)s other organisations have a value."
            )
            % {"minimum": MIN_OTHERS, "whiskers": MIN_OTHERS_FOR_WHISKERS},
        ),
    ]
    story: list[Any] = [CondPageBreak(45 * mm), _p(_("How to read this report"), Style.h1)]
    for term, text in texts:
        story.append(Paragraph(f"<b>{pdf_text(term)}</b>: {pdf_text(text)}", Style.small))
        story.append(Spacer(1, 1.5 * mm))
    return story


# --- the document ---------------------------------------------------------------------------


def report_pdf_filename(report: BenchmarkReport) -> str:
    """``benchmark-<cluster>-<pool>-<assessment date>.pdf``, ASCII only."""
    name = slugify(report.organisation.cluster_name) or "organisation"
    return f"benchmark-{name}-{report.snapshot.pool_id}-{report.latest.assessed_on}.pdf"


def report_pdf(report: BenchmarkReport, *, today: date | None = None) -> bytes:
    """The report as PDF bytes, in the active language; ``today`` (default: the local date)
    is printed as the date of the report."""
    today = today or timezone.localdate()
    title = _("Benchmarking report")
    story = [
        *_title_block(report, today),
        *_scores_section(report),
        *_indicators_section(report),
        *_recommendations_section(report),
        *_cycle_section(report),
        *_explanation(),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=plain(f"{title}: {report.organisation.cluster_name}"),
        subject=plain(report.scheme_name),
        creator="clusterlabel",
        lang=current_language(),
    )
    header = plain(f"{report.organisation.cluster_name} · {report.scheme_name} · {title}")
    generated = plain(_("Created on %(date)s") % {"date": format_date(today, current_language())})
    canvas = _canvas_maker(header, plain(_("Page %(number)s of %(total)s")), generated)
    document.build(story, canvasmaker=canvas)
    return buffer.getvalue()


__all__ = ["report_pdf", "report_pdf_filename"]
