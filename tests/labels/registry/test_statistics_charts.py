"""The statistics page's charts as SVG elements: bars in proportion to their values, a scale that
covers the largest one, each series its own colour and mark, text escaped, no style attribute."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from clusterlabel.labels.registry.statistics_charts import bar_chart, line_chart, nice_ticks

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize(
    ("top", "ticks"),
    [
        (0, [0, 1]),
        (1, [0, 1]),
        (7, [0, 2, 4, 6, 8]),
        (12, [0, 2, 4, 6, 8, 10, 12]),
        (13, [0, 5, 10, 15]),
        (4000, [0, 1000, 2000, 3000, 4000]),
    ],
)
def test_the_scale_covers_the_largest_value_in_round_steps(top, ticks):
    assert nice_ticks(top) == ticks


def test_bars_are_in_proportion_to_their_values():
    svg = ET.fromstring(bar_chart(["A & B", "C"], [10, 5], label="Bars <1>", axis="organisations"))
    widths = [float(rect.get("width")) for rect in svg.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])
    texts = [text.text for text in svg.iter(f"{SVG}text")]
    assert "A & B" in texts and "10" in texts and "organisations" in texts
    assert svg.get("aria-label") == "Bars <1>" and svg.find(f"{SVG}title").text == "Bars <1>"


def test_each_series_has_its_own_colour_and_mark():
    raw = line_chart(
        ["2020", "2021", "today"],
        {"ECEI": [1, 3, 2], "BW": [0, 1, 1]},
        label="L",
        axis="valid labels",
    )
    assert " style=" not in raw
    svg = ET.fromstring(raw)
    lines = list(svg.iter(f"{SVG}polyline"))
    assert len(lines) == 2 and lines[0].get("stroke") != lines[1].get("stroke")
    assert len(list(svg.iter(f"{SVG}circle"))) == 3 + 1  # the first series' marks and its legend
    assert len(list(svg.iter(f"{SVG}rect"))) == 3 + 1  # the second's are squares
    assert {"ECEI", "BW", "today"} <= {text.text for text in svg.iter(f"{SVG}text")}
