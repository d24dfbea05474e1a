"""The report's and the pool page's charts, written as SVG: what they draw where, their
accessible names, and nothing the Content-Security-Policy refuses."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from clusterlabel.benchmarks import charts
from clusterlabel.core.charts import COLOURS
from clusterlabel.domain.benchmark.statistics import Distribution

SVG = "{http://www.w3.org/2000/svg}"


def parsed(svg: str) -> ElementTree.Element:
    # Inline SVG in HTML needs no namespace declaration (the strips have none); a parser does.
    if "xmlns=" not in svg.split(">", 1)[0]:
        svg = svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return ElementTree.fromstring(svg)


def x_of(percent: float) -> float:
    return charts.PLOT_LEFT + percent / 100 * charts.PLOT_WIDTH


def test_a_rank_draws_a_bar_as_long_as_its_share_of_the_scale_coloured_by_the_threshold():
    svg = charts.rank_chart_svg(
        [
            ("STR-01 Actors", 50.0, True),
            ("STR-02 SMEs", 25.0, False),
            ("STR-03 <R&D>", None, False),
        ],
        label="Percentile rank",
        axis="Rank",
        met_label="threshold met",
    )
    root = parsed(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if float(r.get("x")) == charts.PLOT_LEFT]
    assert [(float(bar.get("width")), bar.get("fill")) for bar in bars] == [
        (charts.PLOT_WIDTH / 2, COLOURS[2]),
        (charts.PLOT_WIDTH / 4, COLOURS[0]),
    ]
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "STR-03 <R&D>" in texts  # escaped in the source, read back as written
    assert "\u2013" in texts  # no rank: a dash instead of a bar
    assert "threshold met" in texts


def test_the_score_chart_places_the_box_the_median_and_the_own_diamond_on_the_scale():
    distribution = Distribution(n=20, p10=None, q1=40.0, median=50.0, q3=60.0, p90=None)
    svg = charts.score_chart_svg(
        [("Overall", 75.0, distribution)],
        label="Scores",
        own_label="Your organisation",
        group_label="Group",
        axis="Score",
    )
    root = parsed(svg)
    box = next(r for r in root.iter(f"{SVG}rect") if r.get("height") == "18")
    assert float(box.get("x")) == x_of(40)
    assert float(box.get("width")) == x_of(60) - x_of(40)
    lines = [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "2.5"]
    assert [float(line.get("x1")) for line in lines] == [x_of(50)]
    # Without whiskers (too few values) no 10th-90th percentile line is drawn.
    assert not [line for line in root.iter(f"{SVG}line") if line.get("stroke-width") == "1.5"]
    diamonds = [path.get("d") for path in root.iter(f"{SVG}path")]
    assert diamonds[-1].startswith(f"M{charts._n(x_of(75))} ")


def test_a_year_without_a_median_breaks_the_line():
    svg = charts.medians_over_time_svg(
        [2020, 2021, 2022, 2023], {"Overall": [50.0, 55.0, None, 60.0]}, label="Medians", axis="%"
    )
    root = parsed(svg)
    assert len(list(root.iter(f"{SVG}circle"))) == 1 + 3  # the legend's and one per median
    lines = list(root.iter(f"{SVG}polyline"))
    assert [len(line.get("points").split()) for line in lines] == [2]


def test_every_chart_has_its_accessible_name_and_no_style_attribute():
    distribution = Distribution(n=20, p10=30.0, q1=40.0, median=50.0, q3=60.0, p90=70.0)
    drawn = [
        charts.score_chart_svg(
            [("A", 1.0, distribution)],
            label="Scores & more",
            own_label="",
            group_label="G",
            axis="x",
        ),
        charts.rank_chart_svg([("A", 1.0, True)], label="Ranks", axis="x", met_label="m"),
        charts.share_chart_svg([("A", None)], label="Shares", axis="x"),
        charts.medians_over_time_svg([2024], {"A": [None]}, label="Medians", axis="x"),
    ]
    for svg, name in zip(drawn, ["Scores & more", "Ranks", "Shares", "Medians"], strict=True):
        root = parsed(svg)
        assert root.get("role") == "img"
        assert root.get("aria-label") == name
        assert root.find(f"{SVG}title").text == name
        assert "chart-svg" in root.get("class")
        assert not re.search(r"\sstyle=", svg)


def test_series_beyond_the_colours_differ_by_the_shape_of_their_marks():
    series = {f"Area {n}": [float(10 * n)] for n in range(len(COLOURS) + 1)}
    root = parsed(charts.medians_over_time_svg([2024], series, label="Medians", axis="%"))
    first, last = ("Area 0", f"Area {len(COLOURS)}")
    legend = {
        group.find(f"{SVG}text").text: group[0].tag.removeprefix(SVG) + (group[0].get("fill") or "")
        for group in root.iter(f"{SVG}g")
    }
    assert legend[first] != legend[last]
    assert legend[first].endswith(COLOURS[0]) and legend[last].endswith(COLOURS[0])
