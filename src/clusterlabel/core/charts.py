"""Charts as inline SVG, drawn on the server with matplotlib (no JavaScript, no CDN).

Text stays text (``svg.fonttype: none``) in the page's font; each chart carries ``role="img"``
and an accessible name, and every page shows the same numbers in a table as well. Drawing takes
a tenth of a second or more, so charts are cached by everything they show.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils.html import escape

if TYPE_CHECKING:  # matplotlib itself is imported when a chart is first drawn
    from matplotlib.typing import RcKeyType

COLOURS = ("#1f4e79", "#b8860b", "#2e7d4f", "#8e3b8e", "#a1261b", "#4f5966")
MARKERS = ("o", "s", "^", "D", "v", "P")


def figure_class(salt: str) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rc: dict[RcKeyType, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": f"clusterlabel-{salt}",
        "text.parse_math": False,
        "font.family": "sans-serif",
        "font.sans-serif": ["DejaVu Sans"],
        "font.size": 11,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.edgecolor": "#4f5966",
        "axes.labelcolor": "#1b1f24",
        "xtick.color": "#1b1f24",
        "ytick.color": "#1b1f24",
    }
    return matplotlib.rc_context(rc), Figure


_XML_PROLOGUE = re.compile(r"^.*?(?=<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
# matplotlib's "*{stroke-linejoin...}" rule would style the whole page once inlined.
_GLOBAL_STYLE = re.compile(r"<defs>\s*<style[^>]*>.*?</style>\s*</defs>\s*", re.DOTALL)
_SIZE = re.compile(r'\s(width|height)="[^"]*pt"')


_ID_USE = re.compile(r'(\bid="|url\(#|href="#)([^")]+)([")])')


def _prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every id (and each reference to it) so that two charts on a page never share
    one: matplotlib numbers its groups ``figure_1``, ``axes_1``... in every figure."""
    ids = set(re.findall(r'\bid="([^"]+)"', svg))

    def rename(match: re.Match[str]) -> str:
        start, name, end = match.groups()
        return f"{start}{prefix}-{name}{end}" if name in ids else match.group(0)

    return _ID_USE.sub(rename, svg)


_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')


def _presentation_attributes(match: re.Match[str]) -> str:
    """``style="fill: #1f77b4; stroke-width: 0.8"`` as SVG presentation attributes
    (``fill="#1f77b4" stroke-width="0.8"``): the Content-Security-Policy forbids inline style
    attributes, and every property matplotlib writes has an attribute of the same name."""
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        if name.strip() and value.strip():
            attributes.append(f' {name.strip()}="{value.strip()}"')
    return "".join(attributes)


def inline_svg(figure: Any, *, label: str, prefix: str) -> str:
    """The figure as an SVG element for inlining in HTML, with an accessible name."""
    buffer = io.BytesIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
    )
    svg = buffer.getvalue().decode("utf-8")
    svg = _XML_PROLOGUE.sub("", svg, count=1)
    svg = _METADATA.sub("", svg, count=1)
    svg = _GLOBAL_STYLE.sub("", svg, count=1)
    svg = _prefix_ids(svg, prefix)
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    head, rest = svg.split(">", 1)
    head = _SIZE.sub("", head)
    name = escape(label)
    return (
        f'{head} role="img" aria-label="{name}" class="chart-svg" focusable="false">'
        f"<title>{name}</title>{rest.strip()}"
    )


# Drawing a chart takes 0.1-0.3 s; the SVG depends only on its inputs, so it is cached by them.
CHART_CACHE_SECONDS = 24 * 60 * 60
CHART_STYLE_VERSION = 2  # 2: presentation attributes instead of style attributes


def cached_chart(kind: str, inputs: Any, draw: Any) -> str:
    payload = json.dumps([kind, CHART_STYLE_VERSION, inputs], ensure_ascii=False, default=str)
    key = f"clusterlabel:chart:{hashlib.sha256(payload.encode()).hexdigest()}"
    svg = cache.get(key)
    if svg is None:
        svg = draw()
        cache.set(key, svg, CHART_CACHE_SECONDS)
    return svg
