"""The benchmark report's charts, as inline SVG.

* :func:`score_chart_svg`: overall and per area, the group's distribution (10th-90th percentile
  line, quartile box, median) with the organisation's own score as a diamond, on 0-100 %.
* :func:`rank_chart_svg`: the organisation's percentile rank on every indicator (0-100), so
  indicators with different units can be read on one scale.
* :func:`position_strip_svg`: a small strip per indicator: where the organisation's value lies
  within the group's distribution and how far the excellence threshold is.
* :func:`share_chart_svg` and :func:`medians_over_time_svg` for the pool views.

Written as SVG elements here, not drawn with matplotlib: a report's charts depend on the
organisation, its comparison group and the language, so they could not be drawn ahead, and
matplotlib took 0.3-0.6 s a chart on the first request for each (the page's target is 100 ms).
These take about a millisecond. Text stays text in the page's font; colours are presentation
attributes (the Content-Security-Policy forbids style attributes); every chart has an
accessible name (``role="img"``, ``aria-label`` and ``<title>``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.html import escape

from clusterlabel.core.charts import COLOURS, GRID, series_mark, svg_chart
from clusterlabel.core.charts import coordinate as _n
from clusterlabel.domain.benchmark import Direction, Distribution

OWN = "#a1261b"
BOX = "#9fb7d3"
LINE = "#1f4e79"
THRESHOLD = "#2e7d4f"

# A distribution's (p10, q1, median, q3, p90); the whiskers are None below enough values.
Quantiles = tuple[float | None, float, float, float, float | None]


def _distribution_inputs(distribution: Distribution | None) -> Quantiles | None:
    return None if distribution is None else distribution.quantiles


# The horizontal charts: names in a column on the left, a 0-100 scale on the right.
NAMES_WIDTH = 300.0
PLOT_LEFT = NAMES_WIDTH + 10.0
PLOT_WIDTH = 440.0
CHART_WIDTH = PLOT_LEFT + PLOT_WIDTH + 20.0
LEGEND_HEIGHT = 28.0
AXIS_HEIGHT = 44.0


def _x(percent: float) -> float:
    return PLOT_LEFT + max(0.0, min(100.0, percent)) / 100.0 * PLOT_WIDTH


def _svg(*, name: str, kind: str, height: float, parts: Sequence[str]) -> str:
    return svg_chart(
        label=name, kind=kind, width=CHART_WIDTH, height=height, parts=parts, font_size=11
    )


def _legend_items(items: Sequence[tuple[str, str]]) -> tuple[list[str], float]:
    """``items`` = (the marker's SVG at (0, 0), its text), in rows above the plot; returns the
    parts and the height they take."""
    parts: list[str] = []
    left, row = 20.0, 0
    for marker, text in items:
        width = 40 + 6.2 * len(text)
        if left > 20.0 and left + width > CHART_WIDTH:
            left, row = 20.0, row + 1
        parts.append(
            f'<g transform="translate({_n(left)} {_n(14 + 20 * row)})">{marker}'
            f'<text x="12" y="4">{escape(text)}</text></g>'
        )
        left += width
    return parts, (LEGEND_HEIGHT + 20 * row if items else 8.0)


def _scale(
    top: float, bottom: float, ticks: Sequence[int], axis: str, *, dotted: Sequence[int] = ()
) -> list[str]:
    """Grid lines and tick labels from ``top`` to ``bottom``, the axis' name below."""
    parts = []
    for tick in ticks:
        x = _n(_x(tick))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{_n(top)}" y2="{_n(bottom)}" stroke="{GRID}"/>'
            f'<text x="{x}" y="{_n(bottom + 14)}" text-anchor="middle">{tick}</text>'
        )
    for tick in dotted:
        x = _n(_x(tick))
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{_n(top)}" y2="{_n(bottom)}" stroke="#4f5966" '
            'stroke-width="0.8" stroke-dasharray="2 2"/>'
        )
    middle = _n(PLOT_LEFT + PLOT_WIDTH / 2)
    parts.append(
        f'<text x="{middle}" y="{_n(bottom + 34)}" text-anchor="middle">{escape(axis)}</text>'
    )
    return parts


def _name(y: float, text: str, size: int) -> str:
    return (
        f'<text x="{_n(NAMES_WIDTH)}" y="{_n(y + size * 0.35)}" text-anchor="end" '
        f'font-size="{size}">{escape(text)}</text>'
    )


def _diamond(x: float, y: float, size: float = 7.0) -> str:
    return (
        f'<path d="M{_n(x)} {_n(y - size)} L{_n(x + size)} {_n(y)} L{_n(x)} {_n(y + size)} '
        f'L{_n(x - size)} {_n(y)} Z" fill="{OWN}" stroke="#fff" stroke-width="1"/>'
    )


def _bars(
    rows: Sequence[tuple[str, float | None, str]],
    *,
    name: str,
    kind: str,
    axis: str,
    legend: Sequence[tuple[str, str]] = (),
    ticks: Sequence[int] = (0, 20, 40, 60, 80, 100),
    dotted: Sequence[int] = (),
) -> str:
    """A bar per row (name, 0-100 or None, colour), top to bottom; None shows a dash."""
    row_height = 18.0
    parts, top = _legend_items(legend)
    bottom = top + row_height * len(rows)
    parts += _scale(top, bottom, ticks, axis, dotted=dotted)
    for position, (text, value, colour) in enumerate(rows):
        middle = top + row_height * (position + 0.5)
        parts.append(_name(middle, text, 9))
        if value is None:
            parts.append(f'<text x="{_n(PLOT_LEFT + 4)}" y="{_n(middle + 3)}">\u2013</text>')
        else:
            width = _x(value) - PLOT_LEFT
            parts.append(
                f'<rect x="{_n(PLOT_LEFT)}" y="{_n(middle - 6)}" width="{_n(width)}" height="12" '
                f'fill="{colour}"/>'
            )
    return _svg(name=name, kind=kind, height=bottom + AXIS_HEIGHT, parts=parts)


def score_chart_svg(
    rows: Sequence[tuple[str, float | None, Distribution | None]],
    *,
    label: str,
    own_label: str,
    group_label: str,
    axis: str,
) -> str:
    """``rows`` = (name, own score in %, the group's distribution), drawn top to bottom: the
    10th-90th percentile line, the quartile box and the median, the own score as a diamond."""
    row_height = 36.0
    box = f'<rect x="-4" y="-6" width="10" height="12" fill="{BOX}" stroke="{LINE}"/>'
    legend = [(box, group_label)]
    if own_label:
        legend.insert(0, (_diamond(0, 0, 6), own_label))
    parts, top = _legend_items(legend)
    bottom = top + row_height * len(rows)
    parts += _scale(top, bottom, (0, 20, 40, 60, 80, 100), axis)
    for position, (name, score, distribution) in enumerate(rows):
        middle = top + row_height * (position + 0.5)
        parts.append(_name(middle, name, 11))
        quantiles = _distribution_inputs(distribution)
        if quantiles is not None:
            p10, q1, median, q3, p90 = quantiles
            if p10 is not None and p90 is not None:
                parts.append(
                    f'<line x1="{_n(_x(p10))}" x2="{_n(_x(p90))}" y1="{_n(middle)}" '
                    f'y2="{_n(middle)}" stroke="{LINE}" stroke-width="1.5"/>'
                )
            left, right = _x(q1), _x(q3)
            parts.append(
                f'<rect x="{_n(left)}" y="{_n(middle - 9)}" width="{_n(max(right - left, 1.5))}" '
                f'height="18" fill="{BOX}" stroke="{LINE}"/>'
            )
            at = _n(_x(median))
            parts.append(
                f'<line x1="{at}" x2="{at}" y1="{_n(middle - 9)}" y2="{_n(middle + 9)}" '
                f'stroke="{LINE}" stroke-width="2.5"/>'
            )
        if score is not None:
            parts.append(_diamond(_x(score), middle))
    return _svg(name=label, kind="benchmark-scores", height=bottom + AXIS_HEIGHT, parts=parts)


def rank_chart_svg(
    rows: Sequence[tuple[str, float | None, bool]], *, label: str, axis: str, met_label: str
) -> str:
    """``rows`` = (indicator name, percentile rank or None, threshold met); the quartiles dotted."""
    met_box = f'<rect x="-4" y="-6" width="10" height="12" fill="{COLOURS[2]}"/>'
    return _bars(
        [(name, rank, COLOURS[2] if met else COLOURS[0]) for name, rank, met in rows],
        name=label,
        kind="benchmark-ranks",
        axis=axis,
        legend=[(met_box, met_label)],
        ticks=(0, 25, 50, 75, 100),
        dotted=(25, 50, 75),
    )


def position_strip_svg(
    *,
    value: float | None,
    threshold: float,
    distribution: Distribution | None,
    direction: Direction | str,
    label: str,
) -> str:
    """A 160 x 22 strip: whisker line, quartile box, median, threshold (green line) and the
    organisation's value (red diamond), scaled to the values shown. Lower-is-better indicators
    are drawn mirrored, so that "better" is always to the right. ``direction`` may be the
    scheme file's string ("lower"): it is read as a ``Direction`` here, once."""
    mirrored = Direction(direction) is Direction.LOWER
    points = [threshold]
    if value is not None:
        points.append(value)
    if distribution is not None:
        points += [q for q in _distribution_inputs(distribution) or [] if q is not None]
    low, high = min(points), max(points)
    if high == low:
        low, high = low - 1, high + 1
    width, pad = 160.0, 6.0

    def x(number: float) -> float:
        share = (number - low) / (high - low)
        if mirrored:
            share = 1 - share
        return round(pad + share * (width - 2 * pad), 1)

    parts = [
        f'<svg class="strip" viewBox="0 0 {width:.0f} 22" width="{width:.0f}" height="22" '
        f'role="img" aria-label="{escape(label)}"><title>{escape(label)}</title>',
        f'<line x1="{pad}" x2="{width - pad}" y1="11" y2="11" stroke="#d6dbe1"/>',
    ]
    if distribution is not None:
        if distribution.p10 is not None and distribution.p90 is not None:
            parts.append(
                f'<line x1="{x(distribution.p10)}" x2="{x(distribution.p90)}" y1="11" y2="11" '
                f'stroke="{LINE}" stroke-width="1.5"/>'
            )
        left, right = sorted((x(distribution.q1), x(distribution.q3)))
        parts.append(
            f'<rect x="{left}" y="5" width="{max(right - left, 1.5)}" height="12" '
            f'fill="{BOX}" stroke="{LINE}"/>'
        )
        median = x(distribution.median)
        parts.append(
            f'<line x1="{median}" x2="{median}" y1="4" y2="18" stroke="{LINE}" stroke-width="2.5"/>'
        )
    mark = x(threshold)
    parts.append(
        f'<line x1="{mark}" x2="{mark}" y1="1" y2="21" stroke="{THRESHOLD}" '
        'stroke-width="2" stroke-dasharray="3 2"/>'
    )
    if value is not None:
        own = x(value)
        parts.append(
            f'<path d="M{own} 4 L{own + 6} 11 L{own} 18 L{own - 6} 11 Z" fill="{OWN}" '
            'stroke="#fff" stroke-width="1"/>'
        )
    parts.append("</svg>")
    return "".join(parts)


def share_chart_svg(rows: Sequence[tuple[str, float | None]], *, label: str, axis: str) -> str:
    """Per indicator, the share of the pool that meets its threshold (0-100 %)."""
    return _bars(
        [(name, share or 0.0, COLOURS[0]) for name, share in rows],
        name=label,
        kind="benchmark-shares",
        axis=axis,
    )


def medians_over_time_svg(
    years: Sequence[int],
    series: Mapping[str, Sequence[float | None]],
    *,
    label: str,
    axis: str,
) -> str:
    """One line per series (median score per year, in %), a mark per year; years without a
    median are gaps in the line. Series differ by colour and by the shape of their marks (more
    series than colours stay apart, and colour is not the only difference)."""
    colours = [COLOURS[number % len(COLOURS)] for number in range(len(series))]
    legend, legend_height = _legend_items(
        [
            (series_mark(number, 0, 0, colour), name)
            for number, (colour, name) in enumerate(zip(colours, series, strict=True))
        ]
    )
    left, right = 70.0, CHART_WIDTH - 20.0
    top, bottom = legend_height + 8.0, legend_height + 300.0
    step = (right - left) / max(len(years) - 1, 1)

    def x(index: int) -> float:
        return left + step * index if len(years) > 1 else (left + right) / 2

    def y(value: float) -> float:
        return bottom - max(0.0, min(100.0, value)) / 100.0 * (bottom - top)

    parts = list(legend)
    for tick in (0, 20, 40, 60, 80, 100):
        at = _n(y(tick))
        parts.append(
            f'<line x1="{_n(left)}" x2="{_n(right)}" y1="{at}" y2="{at}" stroke="{GRID}"/>'
            f'<text x="{_n(left - 8)}" y="{_n(y(tick) + 4)}" text-anchor="end">{tick}</text>'
        )
    for index, year in enumerate(years):
        parts.append(
            f'<text x="{_n(x(index))}" y="{_n(bottom + 16)}" text-anchor="middle">{year}</text>'
        )
    middle = _n((top + bottom) / 2)
    parts.append(
        f'<text x="16" y="{middle}" text-anchor="middle" transform="rotate(-90 16 {middle})">'
        f"{escape(axis)}</text>"
    )
    for number, (colour, values) in enumerate(zip(colours, series.values(), strict=True)):
        segments: list[list[str]] = [[]]
        for index, value in enumerate(values):
            if value is None:
                segments.append([])
                continue
            point = f"{_n(x(index))},{_n(y(value))}"
            segments[-1].append(point)
            parts.append(series_mark(number, x(index), y(value), colour))
        for segment in segments:
            if len(segment) > 1:
                parts.append(
                    f'<polyline points="{" ".join(segment)}" fill="none" stroke="{colour}" '
                    'stroke-width="2"/>'
                )
    return _svg(name=label, kind="benchmark-over-time", height=bottom + 30, parts=parts)
