"""The embeddable badge of a label: a small SVG that other sites show, linked to the public
verification page.

Guarantees: the SVG is self-contained (our own drawing, system font stack, no external fonts,
images, scripts or links); every text in it is XML-escaped, so an organisation name like
``<Cluster & Co>`` cannot break or inject markup; it shows the scheme's short name, the level,
the cluster, the certificate number and either "valid until <date>" or, in another colour, why
the label is not valid today. Like the certificate, the badge's few words come from the
translation catalogue (``MESSAGES``, context ``badge``, named placeholders), in the language the
badge is asked for (``?lang=``), independently of the language of any page that embeds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from clusterlabel.domain.labels import LabelStatus
from clusterlabel.labels.certificates.pdf import catalogue_wording
from clusterlabel.labels.models import Label

LANGUAGES = ("de", "en")
DEFAULT_LANGUAGE = "de"

#: The colour of the status line and the stripe: green when valid, amber for a label outside
#: its period, red for a suspended or revoked label.
STATUS_COLOURS = {
    LabelStatus.VALID: "#1b6e3a",
    LabelStatus.EXPIRED: "#8a5300",
    LabelStatus.NOT_YET_VALID: "#8a5300",
    LabelStatus.SUSPENDED: "#b3261e",
    LabelStatus.REVOKED: "#b3261e",
}

#: Every text on a badge, from the translation catalogue (context ``badge``).
MESSAGES: dict[str, Promise] = {
    LabelStatus.VALID: pgettext_lazy("badge", "valid until %(until)s"),
    LabelStatus.EXPIRED: pgettext_lazy("badge", "EXPIRED"),
    LabelStatus.NOT_YET_VALID: pgettext_lazy("badge", "valid from %(since)s"),
    LabelStatus.SUSPENDED: pgettext_lazy("badge", "SUSPENDED"),
    LabelStatus.REVOKED: pgettext_lazy("badge", "REVOKED"),
    "number": pgettext_lazy("badge", "No. %(number)s"),
    "alt": pgettext_lazy(
        "badge", "%(label)s, %(cluster)s, certificate %(number)s: check the current status"
    ),
}


def badge_wording(language: str) -> dict[str, str]:
    """The badge's texts in ``language`` (``de`` or ``en``)."""
    return catalogue_wording(MESSAGES, badge_language(language))


_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MAX_CLUSTER_CHARS = 48
FONT_STACK = "Helvetica, Arial, 'Liberation Sans', sans-serif"
HEIGHT = 104


def badge_language(requested: str | None) -> str:
    language = (requested or "")[:2].lower()
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def badge_date(day: date, language: str) -> str:
    """A short date: 31.12.2027 / 31 Dec 2027 (no locale of the server involved)."""
    if language == "en":
        return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def scheme_short_name(label: Label) -> str:
    """The scheme family in capitals: ``ECEI``, ``BW``."""
    return label.family.upper()


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _text_width(text: str, size: float, *, bold: bool = False) -> float:
    """A generous estimate of the rendered width (Helvetica averages about 0.55 em)."""
    return len(text) * size * (0.62 if bold else 0.56)


@dataclass(frozen=True)
class Badge:
    svg: str
    width: int
    height: int
    status: LabelStatus


def badge_status_text(label: Label, status: LabelStatus, language: str) -> str:
    return badge_wording(language)[status] % {
        "until": badge_date(label.valid_until, language),
        "since": badge_date(label.valid_from, language),
    }


def build_badge(
    label: Label, *, language: str = DEFAULT_LANGUAGE, today: date | None = None
) -> Badge:
    """The badge of ``label`` on ``today`` (default: the local date) in ``language``."""
    language = badge_language(language)
    status = label.status_on(today or timezone.localdate())
    colour = STATUS_COLOURS[status]
    words = badge_wording(language)
    lines = [
        # (text, size, bold, fill, letter-spacing)
        (scheme_short_name(label), 11, True, "#555555", 1.5),
        (label.level.name.get(language), 16, True, "#1a1a1a", 0),
        (_shorten(label.organisation.cluster_name, _MAX_CLUSTER_CHARS), 12, False, "#1a1a1a", 0),
        (badge_status_text(label, status, language), 13, True, colour, 0.3),
        (words["number"] % {"number": label.certificate_number}, 11, False, "#555555", 0),
    ]
    left = 24
    width = int(max(230, left + 14 + max(_text_width(t, s, bold=b) for t, s, b, _f, _l in lines)))
    baselines = (20, 40, 58, 77, 94)
    title = " · ".join(text for text, *_rest in lines)
    texts = "\n".join(
        f'    <text x="{left}" y="{y}" font-size="{size}"'
        + (' font-weight="700"' if bold else "")
        + (f' letter-spacing="{spacing}"' if spacing else "")
        + f' fill="{fill}">{escape(text)}</text>'
        for (text, size, bold, fill, spacing), y in zip(lines, baselines, strict=True)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{HEIGHT}" '
        f'viewBox="0 0 {width} {HEIGHT}" role="img" aria-label={quoteattr(title)} '
        f'data-status="{status.value}">\n'
        f"  <title>{escape(title)}</title>\n"
        f'  <rect x="1" y="1" width="{width - 2}" height="{HEIGHT - 2}" rx="8" ry="8" '
        f'fill="#ffffff" stroke="{colour}" stroke-width="2"/>\n'
        f'  <path d="M9 1 H13 V{HEIGHT - 1} H9 A8 8 0 0 1 1 {HEIGHT - 9} V9 A8 8 0 0 1 9 1 Z" '
        f'fill="{colour}"/>\n'
        f'  <g font-family="{FONT_STACK}">\n{texts}\n  </g>\n'
        "</svg>\n"
    )
    return Badge(svg=svg, width=width, height=HEIGHT, status=status)


def badge_url(label: Label, *, language: str = "en") -> str:
    """The path of the label's badge (SVG) in ``language``: the image its credential names
    (``achievement.image``, English like the rest of the credential) and other sites embed."""
    return reverse("labels:badge", args=[label.certificate_number]) + f"?lang={language}"


def badge_embed_snippet(label: Label, *, language: str = DEFAULT_LANGUAGE) -> str:
    """The HTML another site pastes to show the badge, linked to the verification page."""
    language = badge_language(language)
    badge = build_badge(label, language=language)
    verify_url = settings.SITE_URL + reverse("labels:verify", args=[label.certificate_number])
    image_url = settings.SITE_URL + badge_url(label, language=language)
    name = label.scheme.name.get(language)
    level = label.level.name.get(language)
    if level not in name:
        name = f"{name} {level}"
    alt = badge_wording(language)["alt"] % {
        "label": name,
        "cluster": label.organisation.cluster_name,
        "number": label.certificate_number,
    }
    return (
        f"<a href={quoteattr(verify_url)}><img src={quoteattr(image_url)} "
        f'alt={quoteattr(alt)} width="{badge.width}" height="{badge.height}"></a>'
    )


__all__ = [
    "STATUS_COLOURS",
    "Badge",
    "badge_embed_snippet",
    "badge_language",
    "badge_url",
    "build_badge",
    "scheme_short_name",
]
