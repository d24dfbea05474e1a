"""Charts written as SVG elements on the server: no JavaScript, no CDN, about a millisecond a
chart (matplotlib took 70-600 ms, which the statistics and benchmarking pages could not afford
on a request). The pieces every chart shares live here; the statistics page's charts
(``labels.registry.statistics_charts``) and the benchmark report's (``benchmarks.charts``)
compose them.

Text stays text in the page's font; colours are presentation attributes, never ``style``
attributes (the page's Content-Security-Policy forbids them); every chart has an accessible
name (``role="img"``, ``aria-label`` and ``<title>``), and every page shows the same numbers in
a table as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape

#: Series colours, told apart by their marks too (:func:`series_mark`).
COLOURS = ("#1f4e79", "#b8860b", "#2e7d4f", "#8e3b8e", "#a1261b", "#4f5966")
GRID = "#d6dbe1"
TEXT = "#1d2733"
FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"'


def coordinate(number: float) -> str:
    """A coordinate, short: ``12.5``, ``40``."""
    return f"{number:.1f}".removesuffix(".0")


def svg_chart(
    *, label: str, kind: str, width: float, height: float, parts: Sequence[str], font_size: int
) -> str:
    """The ``<svg>`` element around a chart's ``parts``, named ``label`` for assistive
    technology, with the class ``chart-svg chart-<kind>``."""
    name = escape(label)
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'class="chart-svg chart-{kind}" viewBox="0 0 {coordinate(width)} {coordinate(height)}" '
        f'role="img" aria-label="{name}" focusable="false" {FONT} font-size="{font_size}" '
        f'fill="{TEXT}"><title>{name}</title>{"".join(parts)}</svg>'
    )


def series_mark(index: int, x: float, y: float, colour: str) -> str:
    """The mark of series ``index`` at (x, y): a circle, square, triangle or diamond in turn, so
    that lines differ without their colour."""
    n = coordinate
    shape = index % 4
    if shape == 0:
        return f'<circle cx="{n(x)}" cy="{n(y)}" r="4" fill="{colour}"/>'
    if shape == 1:
        return f'<rect x="{n(x - 4)}" y="{n(y - 4)}" width="8" height="8" fill="{colour}"/>'
    if shape == 2:
        points = f"{n(x)},{n(y - 5)} {n(x + 5)},{n(y + 4)} {n(x - 5)},{n(y + 4)}"
    else:
        points = f"{n(x)},{n(y - 5)} {n(x + 5)},{n(y)} {n(x)},{n(y + 5)} {n(x - 5)},{n(y)}"
    return f'<polygon points="{points}" fill="{colour}"/>'
