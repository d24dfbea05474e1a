"""Charts are inlined as SVG under a Content-Security-Policy that forbids style attributes: their
colours and fonts must be presentation attributes."""

from clusterlabel.core.charts import figure_class, inline_svg


def test_inline_charts_carry_no_style_attribute_but_keep_their_colours():
    context, figure_type = figure_class("csp")
    with context:
        figure = figure_type(figsize=(4, 3))
        axes = figure.add_subplot()
        axes.bar([1, 2], [3, 4], color="#1f77b4")
        axes.set_title("Anteil", fontweight="bold")
        svg = inline_svg(figure, label="Anteil", prefix="t")
    assert " style=" not in svg
    assert 'fill="#1f77b4"' in svg
    assert 'font-weight="700"' in svg
    assert 'text-anchor="middle"' in svg
