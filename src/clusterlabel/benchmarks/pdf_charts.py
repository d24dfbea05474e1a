"""The benchmark report PDF's score chart (the organisation's score against the group's box
and whiskers, per area) and its legend, as reportlab vector drawings with text labels."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Polygon, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from clusterlabel.benchmarks.pdf_style import (
    ACCENT,
    BOX_FILL,
    INK,
    MUTED,
    OWN,
    RULE,
    SUBTLE_FILL,
    WIDTH,
    fit_text,
    plain,
)
from clusterlabel.benchmarks.reports import ScoreRow

FONT = "Helvetica"
CHART_LABEL_WIDTH = 50 * mm
CHART_ROW = 19.0
CHART_AXIS = 14.0


def _diamond(x: float, y: float, size: float = 4.5) -> Polygon:
    points = [x, y + size, x + size, y, x, y - size, x - size, y]
    return Polygon(points, fillColor=OWN, strokeColor=colors.white, strokeWidth=0.6)


def _whisker(drawing: Drawing, low: float, high: float, y: float, cap: float) -> None:
    drawing.add(Line(low, y, high, y, strokeColor=INK, strokeWidth=0.8))
    for end in (low, high):
        drawing.add(Line(end, y - cap, end, y + cap, strokeColor=INK, strokeWidth=0.8))


def _median(drawing: Drawing, x: float, y: float, half: float) -> None:
    drawing.add(Line(x, y - half, x, y + half, strokeColor=INK, strokeWidth=1.8))


def _box(drawing: Drawing, low: float, high: float, y: float, half: float) -> None:
    width = max(high - low, 1.0)
    # reportlab-stubs type Rect's **kw as the TypedDict itself, not Unpack[...] of it.
    bottom, height = y - half, 2 * half
    box = Rect(low, bottom, width, height, fillColor=BOX_FILL, strokeColor=ACCENT, strokeWidth=0.6)  # type: ignore[arg-type]
    drawing.add(box)


def score_chart(rows: Sequence[ScoreRow]) -> Drawing:
    """Per row a horizontal 0-100 % scale: the group's 10th-90th percentile as a line, the
    middle half as a box, the median as a tick, the organisation's own score as a diamond."""
    height = len(rows) * CHART_ROW + CHART_AXIS + 4
    drawing = Drawing(WIDTH, height)
    left, right = CHART_LABEL_WIDTH + 3 * mm, WIDTH - 5 * mm
    top, bottom = height - 2, CHART_AXIS

    def x(percent: float) -> float:
        return left + (right - left) * max(0.0, min(100.0, float(percent))) / 100

    for tick in (0, 25, 50, 75, 100):
        drawing.add(Line(x(tick), bottom, x(tick), top, strokeColor=RULE, strokeWidth=0.4))
        label = plain(f"{tick} %")  # axis ticks are whole numbers, not shares of anything
        drawing.add(
            String(x(tick), bottom - 9, label, fontName=FONT, fontSize=7, fillColor=MUTED,
                   textAnchor="middle")
        )  # fmt: skip
    for index, row in enumerate(rows):
        centre = top - (index + 0.5) * CHART_ROW
        font = "Helvetica-Bold" if row.key == "overall" else FONT
        lines = simpleSplit(plain(row.name), font, 8, CHART_LABEL_WIDTH)
        if len(lines) > 2:
            lines = [lines[0], fit_text(" ".join(lines[1:]), font, 8, CHART_LABEL_WIDTH)]
        first = centre + (len(lines) - 1) * 4.5 - 2.8
        for number, line in enumerate(lines):
            drawing.add(String(0, first - number * 9, line, fontName=font, fontSize=8))
        if row.key == "overall" and index == 0 and len(rows) > 1:
            y = top - CHART_ROW
            drawing.add(Line(0, y, right, y, strokeColor=RULE, strokeWidth=0.6))
        # reportlab-stubs type Rect's **kw as the TypedDict itself, not Unpack[...] of it.
        track = Rect(x(0), centre - 1, x(100) - x(0), 2, fillColor=SUBTLE_FILL, strokeColor=None)  # type: ignore[arg-type]
        drawing.add(track)
        distribution = row.distribution
        if distribution is not None:
            if distribution.p10 is not None and distribution.p90 is not None:
                _whisker(drawing, x(distribution.p10), x(distribution.p90), centre, 3)
            _box(drawing, x(distribution.q1), x(distribution.q3), centre, 5)
            _median(drawing, x(distribution.median), centre, 6.5)
        if row.score is not None:
            drawing.add(_diamond(x(row.score), centre))
    return drawing


def chart_legend(*, group: bool = True) -> Drawing:
    """The chart's key (without the group's symbols when no group figures are drawn), wrapped
    onto a second line when the words are long."""
    items = [("own", _("your score"))]
    if group:
        items[:0] = [
            ("whisker", _("10th to 90th percentile")),
            ("box", _("middle half (25th to 75th percentile)")),
            ("median", _("median")),
        ]
    placed: list[tuple[float, int, str, str]] = []
    x, line = 0.0, 0
    for kind, text in items:
        text = plain(text)
        width = 18 + stringWidth(text, FONT, 7.5) + 12
        if x and x + width > WIDTH:
            x, line = 0.0, line + 1
        placed.append((x, line, kind, text))
        x += width
    height = (line + 1) * 12 + 2
    drawing = Drawing(WIDTH, height)
    for x, line, kind, text in placed:
        y = height - 7 - line * 12
        if kind == "whisker":
            _whisker(drawing, x, x + 14, y, 3)
        elif kind == "box":
            _box(drawing, x, x + 14, y, 4)
        elif kind == "median":
            _median(drawing, x + 7, y, 5)
        else:
            drawing.add(_diamond(x + 7, y, 4))
        drawing.add(String(x + 18, y - 2.6, text, fontName=FONT, fontSize=7.5, fillColor=MUTED))
    return drawing


__all__ = ["CHART_LABEL_WIDTH", "chart_legend", "score_chart"]
