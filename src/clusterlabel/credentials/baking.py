"""Baking a signed credential into a badge SVG, as Open Badges 3.0 describes it (section
"Baking", SVG): the root ``<svg>`` declares the namespace ``https://purl.imsglobal.org/ob/v3p0``
under the prefix ``openbadges``, and an ``<openbadges:credential>`` element right after the
opening tag carries the credential; a VC-JWT goes in its ``verify`` attribute. The image stays
the same picture; whoever holds the file can take the credential out and check it offline.

Pure text work, no Django: the SVG is our own (``labels.certificates.badge``), so the opening
tag is found by pattern and nothing is parsed. Guarantees: the token is a compact JWS (three
base64url parts; nothing that could break out of the attribute); an SVG is baked at most once
(baking again replaces the credential); :func:`unbake_svg` returns exactly the token baked.
"""

from __future__ import annotations

import re

NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"

_COMPACT_JWS = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
_CREDENTIAL = re.compile(
    r"\s*<openbadges:credential\b[^>]*?\bverify=\"(?P<token>[^\"]*)\"[^>]*?(?:/>|>.*?"
    r"</openbadges:credential>)",
    re.DOTALL,
)


def bake_svg(svg: str, token: str) -> str:
    """``svg`` with the signed credential ``token`` (a VC-JWT) baked in."""
    if not _COMPACT_JWS.fullmatch(token):
        raise ValueError("only a compact JWS (a VC-JWT) can be baked")
    svg = _CREDENTIAL.sub("", svg, count=1)
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise ValueError("not an SVG: no <svg> element")
    tag = opening.group(0)
    if "xmlns:openbadges=" not in tag:
        closing = "/>" if tag.endswith("/>") else ">"
        tag = f'{tag[: -len(closing)]} xmlns:openbadges="{NAMESPACE}"{closing}'
    element = f'\n  <openbadges:credential verify="{token}"/>'
    return svg[: opening.start()] + tag + element + svg[opening.end() :]


def unbake_svg(svg: str) -> str | None:
    """The VC-JWT baked into ``svg``, or ``None`` if it carries none."""
    found = _CREDENTIAL.search(svg)
    if found is None or not _COMPACT_JWS.fullmatch(found.group("token")):
        return None
    return found.group("token")


__all__ = ["NAMESPACE", "bake_svg", "unbake_svg"]
