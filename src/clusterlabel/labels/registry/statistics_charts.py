"""The statistics page's two charts written as SVG elements (about a millisecond each), where
matplotlib took about 70 ms a chart, drawn again after every label change that changes a
count: most of the uncached statistics page. Presentation attributes only, no ``style``
(the page's Content-Security-Policy); the numbers are in the tables below the charts."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from clusterlabel.core.charts import COLOURS, GRID, series_mark, svg_chart
from clusterlabel.core.charts import coordinate as _n

WIDTH = 760.0
NAMES_WIDTH = 290.0  # the bar chart's names (the longest about 36 characters), right-aligned
PLOT_RIGHT = WIDTH - 60.0


def _svg(*, label: str, kind: str, height: float, parts: Sequence[str]) -> str:
    return svg_chart(label=label, kind=kind, width=WIDTH, height=height, parts=parts, font_size=12)


def nice_ticks(top: int, *, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 to at least ``top``, 1, 2 or 5 times a power of ten apart,
    at most ``most`` + 1 of them."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if -(-max(top, 1) // (step * factor)) <= most:
                size = step * factor
                return list(range(0, -(-max(top, 1) // size) * size + 1, size))
        step *= 10


def bar_chart(names: Sequence[str], values: Sequence[int], *, label: str, axis: str) -> str:
    """Horizontal bars, one per name, with the value at the end of each bar."""
    ticks = nice_ticks(max([*values, 1]))
    scale = (PLOT_RIGHT - NAMES_WIDTH - 10) / ticks[-1]
    top, row = 10.0, 28.0
    bottom = top + row * max(len(names), 1)
    parts = []
    for tick in ticks:
        x = _n(NAMES_WIDTH + 10 + tick * scale)
        parts.append(
            f'<line x1="{x}" x2="{x}" y1="{_n(top)}" y2="{_n(bottom)}" stroke="{GRID}"/>'
            f'<text x="{x}" y="{_n(bottom + 16)}" text-anchor="middle">{tick}</text>'
        )
    for index, (name, value) in enumerate(zip(names, values, strict=True)):
        y = top + row * index
        width = value * scale
        parts.append(
            f'<text x="{_n(NAMES_WIDTH)}" y="{_n(y + row / 2 + 4)}" text-anchor="end">'
            f"{escape(name)}</text>"
            f'<rect x="{_n(NAMES_WIDTH + 10)}" y="{_n(y + 5)}" width="{_n(width)}" '
            f'height="{_n(row - 10)}" fill="{COLOURS[0]}"/>'
            f'<text x="{_n(NAMES_WIDTH + 14 + width)}" y="{_n(y + row / 2 + 4)}">{value}</text>'
        )
    middle = _n((NAMES_WIDTH + PLOT_RIGHT) / 2)
    parts.append(
        f'<text x="{middle}" y="{_n(bottom + 36)}" text-anchor="middle">{escape(axis)}</text>'
    )
    return _svg(label=label, kind="bar", height=bottom + 46, parts=parts)


def line_chart(
    ticks: Sequence[str], series: dict[str, Sequence[int]], *, label: str, axis: str
) -> str:
    """One line per series over the tick labels, each with its own colour and mark, and a
    legend above the plot."""
    legend = 30.0 if series else 8.0
    left, top, bottom = 70.0, legend + 10, legend + 250
    scale_ticks = nice_ticks(max([*(v for values in series.values() for v in values), 1]))
    height = bottom - top
    step_x = (PLOT_RIGHT - left) / max(len(ticks) - 1, 1)

    def y_of(value: float) -> float:
        return bottom - value / scale_ticks[-1] * height

    parts = []
    for tick in scale_ticks:
        y = _n(y_of(tick))
        parts.append(
            f'<line x1="{_n(left)}" x2="{_n(PLOT_RIGHT)}" y1="{y}" y2="{y}" stroke="{GRID}"/>'
            f'<text x="{_n(left - 8)}" y="{_n(y_of(tick) + 4)}" text-anchor="end">{tick}</text>'
        )
    every = max(1, len(ticks) // 12)
    for index, tick_label in enumerate(ticks):
        if index % every == 0:
            parts.append(
                f'<text x="{_n(left + index * step_x)}" y="{_n(bottom + 18)}" '
                f'text-anchor="middle">{escape(tick_label)}</text>'
            )
    parts.append(
        f'<text transform="translate(16 {_n((top + bottom) / 2)}) rotate(-90)" '
        f'text-anchor="middle">{escape(axis)}</text>'
    )
    x_legend = left
    for number, (name, values) in enumerate(series.items()):
        colour = COLOURS[number % len(COLOURS)]
        points = " ".join(
            f"{_n(left + index * step_x)},{_n(y_of(value))}" for index, value in enumerate(values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>'
        )
        parts.extend(
            series_mark(number, left + index * step_x, y_of(value), colour)
            for index, value in enumerate(values)
        )
        parts.append(
            f'<line x1="{_n(x_legend)}" x2="{_n(x_legend + 24)}" y1="14" y2="14" '
            f'stroke="{colour}" stroke-width="2"/>{series_mark(number, x_legend + 12, 14, colour)}'
            f'<text x="{_n(x_legend + 30)}" y="18">{escape(name)}</text>'
        )
        x_legend += 50 + 7 * len(name)
    return _svg(label=label, kind="line", height=bottom + 30, parts=parts)
