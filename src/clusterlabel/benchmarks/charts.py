"""The benchmark report's charts, as inline SVG.

* :func:`score_chart_svg`: overall and per area, the group's distribution (10th-90th percentile
  line, quartile box, median) with the organisation's own score as a diamond, on 0-100 %.
* :func:`rank_chart_svg`: the organisation's percentile rank on every indicator (0-100), so
  indicators with different units can be read on one scale.
* :func:`position_strip_svg`: a small strip per indicator: where the organisation's value lies
  within the group's distribution and how far the excellence threshold is.
* :func:`share_chart_svg` and :func:`medians_over_time_svg` for the pool views.

Drawn with matplotlib (see :mod:`clusterlabel.core.charts`), except the strips, which are a
handful of SVG rectangles each and appear 30-odd times on a page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.html import escape

from clusterlabel.core.charts import COLOURS, cached_chart, figure_class, inline_svg
from clusterlabel.domain.benchmark import Direction, Distribution

OWN = "#a1261b"
BOX = "#9fb7d3"
LINE = "#1f4e79"
THRESHOLD = "#2e7d4f"

# A distribution's (p10, q1, median, q3, p90); the whiskers are None below enough values.
Quantiles = tuple[float | None, float, float, float, float | None]


def _distribution_inputs(distribution: Distribution | None) -> Quantiles | None:
    # A tuple goes into the chart cache's JSON key exactly as a list would.
    return None if distribution is None else distribution.quantiles


def score_chart_svg(
    rows: Sequence[tuple[str, float | None, Distribution | None]],
    *,
    label: str,
    own_label: str,
    group_label: str,
    axis: str,
) -> str:
    """``rows`` = (name, own score in %, the group's distribution), drawn top to bottom."""
    drawn = [(name, score, _distribution_inputs(d)) for name, score, d in rows]
    inputs = [
        drawn,
        label,
        own_label,
        group_label,
        axis,
    ]
    return cached_chart(
        "benchmark-scores",
        inputs,
        lambda: _draw_scores(drawn, label, own_label, group_label, axis),
    )


def _draw_scores(
    rows: list[tuple[str, float | None, Quantiles | None]],
    label: str,
    own_label: str,
    group_label: str,
    axis: str,
) -> str:
    context, Figure = figure_class("benchmark-scores")
    with context:
        figure = Figure(figsize=(8, 1.3 + 0.55 * len(rows)), layout="constrained")
        axes = figure.subplots()
        for position, (_, score, quantiles) in enumerate(rows):
            _draw_box(axes, position, quantiles)
            if score is not None:
                axes.plot(
                    [score], [position], marker="D", color=OWN, markersize=9, linestyle="none"
                )
        axes.set_yticks(range(len(rows)), labels=[name for name, _, _ in rows])
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel(axis)
        axes.grid(axis="x", color="#d6dbe1")
        _legend(figure, own_label, group_label)
        return inline_svg(figure, label=label, prefix="chart-benchmark-scores")


def _draw_box(axes: Any, position: int, quantiles: Quantiles | None) -> None:
    if quantiles is None:
        return
    p10, q1, median, q3, p90 = quantiles
    if p10 is not None and p90 is not None:
        axes.plot([p10, p90], [position, position], color=LINE, linewidth=1.5)
    axes.barh([position], [q3 - q1], left=[q1], height=0.5, color=BOX, edgecolor=LINE, linewidth=1)
    axes.plot([median, median], [position - 0.25, position + 0.25], color=LINE, linewidth=2.5)


def _legend(figure: Any, own_label: str, group_label: str) -> None:
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = [Patch(facecolor=BOX, edgecolor=LINE, label=group_label)]
    if own_label:
        marker = Line2D([], [], marker="D", color=OWN, linestyle="none", markersize=8)
        marker.set_label(own_label)
        handles.insert(0, marker)
    figure.legend(handles=handles, loc="outside upper center", ncols=len(handles), frameon=False)


def rank_chart_svg(
    rows: Sequence[tuple[str, float | None, bool]], *, label: str, axis: str, met_label: str
) -> str:
    """``rows`` = (indicator name, percentile rank or None, threshold met)."""
    ranked = [list(row) for row in rows]
    inputs = [ranked, label, axis, met_label]
    return cached_chart(
        "benchmark-ranks", inputs, lambda: _draw_ranks(ranked, label, axis, met_label)
    )


def _draw_ranks(rows: list[list[Any]], label: str, axis: str, met_label: str) -> str:
    context, Figure = figure_class("benchmark-ranks")
    with context:
        figure = Figure(figsize=(8, 1.2 + 0.3 * len(rows)), layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(rows)))
        ranks = [rank if rank is not None else 0 for _, rank, _ in rows]
        colours = [COLOURS[2] if met else COLOURS[0] for _, _, met in rows]
        axes.barh(positions, ranks, color=colours, height=0.65)
        for position, (_, rank, _) in enumerate(rows):
            if rank is None:
                axes.text(1, position, "\u2013", va="center")
        axes.set_yticks(positions, labels=[name for name, _, _ in rows], fontsize=8)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        for quartile in (25, 50, 75):
            axes.axvline(quartile, color="#4f5966", linewidth=0.8, linestyle=":")
        axes.set_xlabel(axis)
        from matplotlib.patches import Patch

        figure.legend(
            handles=[Patch(color=COLOURS[2], label=met_label)],
            loc="outside upper center",
            frameon=False,
        )
        return inline_svg(figure, label=label, prefix="chart-benchmark-ranks")


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
    shares = [list(row) for row in rows]
    inputs = [shares, label, axis]
    return cached_chart("benchmark-shares", inputs, lambda: _draw_shares(shares, label, axis))


def _draw_shares(rows: list[list[Any]], label: str, axis: str) -> str:
    context, Figure = figure_class("benchmark-shares")
    with context:
        figure = Figure(figsize=(8, 0.9 + 0.3 * len(rows)), layout="constrained")
        axes = figure.subplots()
        positions = list(range(len(rows)))
        axes.barh(positions, [share or 0 for _, share in rows], color=COLOURS[0], height=0.65)
        axes.set_yticks(positions, labels=[name for name, _ in rows], fontsize=8)
        axes.invert_yaxis()
        axes.set_xlim(0, 100)
        axes.set_xlabel(axis)
        axes.grid(axis="x", color="#d6dbe1")
        return inline_svg(figure, label=label, prefix="chart-benchmark-shares")


def medians_over_time_svg(
    years: Sequence[int],
    series: Mapping[str, Sequence[float | None]],
    *,
    label: str,
    axis: str,
) -> str:
    """One line per series (median score per year, in %); years without a median are gaps."""
    inputs = [list(years), {name: list(values) for name, values in series.items()}, label, axis]
    return cached_chart(
        "benchmark-over-time", inputs, lambda: _draw_over_time(years, series, label, axis)
    )


def _draw_over_time(
    years: Sequence[int], series: Mapping[str, Sequence[float | None]], label: str, axis: str
) -> str:
    from clusterlabel.core.charts import MARKERS

    context, Figure = figure_class("benchmark-over-time")
    with context:
        figure = Figure(figsize=(8, 4), layout="constrained")
        axes = figure.subplots()
        for index, (name, values) in enumerate(series.items()):
            axes.plot(
                list(years),
                [float("nan") if v is None else v for v in values],
                label=name,
                color=COLOURS[index % len(COLOURS)],
                marker=MARKERS[index % len(MARKERS)],
                linewidth=2,
            )
        axes.set_xticks(list(years), labels=[str(year) for year in years])
        axes.set_ylim(0, 100)
        axes.set_ylabel(axis)
        axes.grid(axis="y", color="#d6dbe1")
        if series:
            figure.legend(loc="outside upper center", ncols=min(len(series), 4), frameon=False)
        return inline_svg(figure, label=label, prefix="chart-benchmark-over-time")
