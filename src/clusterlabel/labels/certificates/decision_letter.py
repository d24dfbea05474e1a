"""The formal decision letter (Bescheid) of the awarding authority on a procedure: who decided
what, on which application, with the reasons, and, for an award, the labels it issued with their
certificate numbers and validity.

Guarantees:

* Only a decided procedure has a letter (:func:`has_decision_letter`); the letter states the
  decision as recorded (award or refusal), its date and its reasons (the authority's reason,
  and for an award without one the assessment's result at the level applied for).
* An award's letter names every label the award issued, the one applied for and those
  recognised with it (a state label's ECEI Gold), with number, validity and the certificate's
  address; a refusal names none.
* Written in the organisation's language (``de`` or ``en``: the language asked for, else the
  language of the organisation's first cluster manager, else German), set in the embedded
  Unicode font like the certificate, so every name prints as written; the wording is in the
  translation catalogue (context ``decision letter``) with the German wording as stand-in until
  the catalogue translates it.
* Who may download it is the procedure page's rule (``Activity.VIEW_PROCEDURE``): the view asks
  ``access.policy``; this module only draws.

In the labels app because it names labels; the procedures app, below it, links to it by URL.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from types import SimpleNamespace
from xml.sax.saxutils import escape

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from clusterlabel.core.pdf_text import format_date, register_unicode_fonts
from clusterlabel.core.pdf_text import unicode_text as pdf_text
from clusterlabel.labels.certificates.pdf import (
    LANGUAGES,
    a4_document,
    catalogue_wording,
    certificate_label_name,
    operator_branding,
    operator_logo,
    printed_names,
    signature_block,
)
from clusterlabel.labels.models import Label
from clusterlabel.procedures.models import Procedure
from clusterlabel.procedures.notifications import DecisionMail

MESSAGES = {
    "title": pgettext_lazy("decision letter", "Decision"),
    "reference": pgettext_lazy("decision letter", "Procedure %(reference)s"),
    "dated": pgettext_lazy("decision letter", "%(place_date)s"),
    "subject": pgettext_lazy(
        "decision letter", "Your application for the %(label)s (procedure %(reference)s)"
    ),
    "award": pgettext_lazy(
        "decision letter",
        "The awarding authority awards %(organisation)s the %(label)s. The following labels "
        "are issued:",
    ),
    "refusal": pgettext_lazy(
        "decision letter", "The awarding authority refuses %(organisation)s the %(label)s."
    ),
    "label_line": pgettext_lazy(
        "decision letter",
        "%(label)s, certificate number %(number)s, valid from %(valid_from)s until %(valid_until)s",
    ),
    "recognised_line": pgettext_lazy("decision letter", "recognised with the above"),
    "certificate_at": pgettext_lazy("decision letter", "Certificate: %(url)s"),
    "reasons": pgettext_lazy("decision letter", "Reasons"),
    "reason_award": pgettext_lazy(
        "decision letter",
        "The assessment of %(date)s under the %(scheme)s, version %(version)s, met the "
        "requirements of the level applied for.",
    ),
    "no_reason": pgettext_lazy("decision letter", "No reason was recorded."),
    "authority": pgettext_lazy("decision letter", "Awarding authority"),
    "decided_on": pgettext_lazy("decision letter", "Decided on %(date)s"),
    "footer": pgettext_lazy(
        "decision letter",
        "This letter was generated on %(today)s from the decision recorded in clusterlabel.",
    ),
}

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#555555")
ACCENT = colors.HexColor("#1d4e89")


def has_decision_letter(procedure: Procedure) -> bool:
    """Whether the procedure was decided (awarded or refused), so a letter exists."""
    return bool(procedure.decision) and procedure.decided_at is not None


def decision_letter_language(procedure: Procedure, requested: str | None = None) -> str:
    """``de`` or ``en``: ``requested`` if it is one of them, else the language of the
    organisation's first cluster manager, else German."""
    language = (requested or "")[:2].lower()
    if language in LANGUAGES:
        return language
    manager = procedure.organisation.managers.order_by("pk").first()
    preferred = (getattr(manager, "preferred_language", "") or "")[:2].lower()
    return preferred if preferred in LANGUAGES else "de"


def decision_letter_filename(procedure: Procedure) -> str:
    return f"{procedure.reference}-decision.pdf"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_unicode_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=10.5, leading=14, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=20, leading=24, textColor=ACCENT
        ),
        "heading": ParagraphStyle(
            "heading", parent=base, fontName=bold, fontSize=12, leading=16, spaceBefore=4 * mm
        ),
        "bold": ParagraphStyle("bold", parent=base, fontName=bold),
        "item": ParagraphStyle("item", parent=base, leftIndent=6 * mm, spaceBefore=2 * mm),
    }


def _issued(procedure: Procedure) -> list[Label]:
    """The labels the award issued: the one applied for first, then those recognised with it."""
    labels = list(
        Label.objects.filter(procedure=procedure).select_related("scheme_version", "organisation")
    )
    return sorted(labels, key=lambda label: (label.recognised_with_id is not None, label.pk))


def decision_letter_pdf_bytes(
    procedure: Procedure, *, language: str = "de", today: date | None = None
) -> bytes:
    """The decision letter of a decided ``procedure`` as PDF bytes, in ``language``."""
    if not has_decision_letter(procedure):
        raise ValueError(f"procedure {procedure.pk} has no decision yet")
    language = language if language in LANGUAGES else "de"
    today = today or timezone.localdate()
    words = catalogue_wording(MESSAGES, language)
    styles = _styles()
    scheme = procedure.scheme
    level = procedure.level
    label_applied = scheme.name.get(language)
    if level.name.get(language) not in label_applied:
        label_applied = f"{label_applied} \u2013 {level.name.get(language)}"
    organisation = procedure.organisation
    decided_on = format_date(timezone.localdate(procedure.decided_at), language)
    issued = _issued(procedure) if procedure.decision == "award" else []
    branding = operator_branding(issued[0]) if issued else None

    story: list[Flowable] = []
    if branding is not None:
        logo = operator_logo(branding)
        if logo is not None:
            story += [logo, Spacer(1, 4 * mm)]
    story += [
        Paragraph(pdf_text(scheme.awarding_authority.name), styles["bold"]),
        Spacer(1, 8 * mm),
    ]
    address = [*printed_names(issued[0])] if issued else [organisation.legal_name]
    if not issued and organisation.cluster_name and organisation.cluster_name not in address:
        address.append(organisation.cluster_name)
    if organisation.city:
        address.append(organisation.city)
    story += [Paragraph(pdf_text(line), styles["base"]) for line in address]
    story += [
        Spacer(1, 6 * mm),
        Paragraph(pdf_text(words["decided_on"] % {"date": decided_on}), styles["small"]),
        Paragraph(
            pdf_text(words["reference"] % {"reference": procedure.reference}), styles["small"]
        ),
        Spacer(1, 8 * mm),
        Paragraph(pdf_text(words["title"]), styles["title"]),
        Spacer(1, 2 * mm),
        Paragraph(
            pdf_text(words["subject"] % {"label": label_applied, "reference": procedure.reference}),
            styles["bold"],
        ),
        Spacer(1, 5 * mm),
    ]
    names = {"organisation": organisation.legal_name, "label": label_applied}
    if procedure.decision == "award":
        story.append(Paragraph(pdf_text(words["award"] % names), styles["base"]))
        for label in issued:
            line = words["label_line"] % {
                "label": certificate_label_name(label, language),
                "number": label.certificate_number,
                "valid_from": format_date(label.valid_from, language),
                "valid_until": format_date(label.valid_until, language),
            }
            if label.recognised_with_id is not None:
                line = f"{line} ({words['recognised_line']})"
            url = settings.SITE_URL + reverse("labels:certificate", args=[label.certificate_number])
            story += [
                Paragraph("\u2022 " + pdf_text(line), styles["item"]),
                Paragraph(
                    pdf_text(words["certificate_at"] % {"url": ""})
                    + f'<link href="{escape(url)}">{pdf_text(url)}</link>',
                    ParagraphStyle("url", parent=styles["small"], leftIndent=9 * mm),
                ),
            ]
    else:
        story.append(Paragraph(pdf_text(words["refusal"] % names), styles["base"]))

    story.append(Paragraph(pdf_text(words["reasons"]), styles["heading"]))
    reasons = procedure.decision_reason.strip()
    if not reasons and procedure.decision == "award":
        reasons = words["reason_award"] % {
            "date": format_date(procedure.assessment_date, language)
            if procedure.assessment_date
            else decided_on,
            "scheme": scheme.name.get(language),
            "version": procedure.scheme_version.version,
        }
    for paragraph in (reasons or words["no_reason"]).split("\n\n"):
        story.append(Paragraph(pdf_text(paragraph).replace("\n", "<br/>"), styles["base"]))
    story.append(Spacer(1, 10 * mm))
    if branding is not None:
        block_styles = SimpleNamespace(value=styles["bold"], small=styles["small"])
        story += signature_block(branding, language, block_styles)
    story += [
        Paragraph(
            pdf_text(f"{words['authority']}: {scheme.awarding_authority.name}"), styles["small"]
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            pdf_text(words["footer"] % {"today": format_date(today, language)}), styles["small"]
        ),
    ]

    buffer = BytesIO()
    a4_document(
        buffer,
        title=f"{words['title']} {procedure.reference}",
        author=scheme.awarding_authority.name,
        subject=f"{label_applied}: {organisation.legal_name}",
        language=language,
        margins_mm=(20, 20, 20, 25),
    ).build(story)
    return buffer.getvalue()


def decision_letter_attach(mail: DecisionMail) -> None:
    """Attach the letter to the decision e-mail (``procedures.notifications``), in the
    recipient's language."""
    procedure = mail.procedure
    if not has_decision_letter(procedure):
        return
    language = decision_letter_language(procedure, mail.language)
    mail.attachments.append(
        (
            decision_letter_filename(procedure),
            decision_letter_pdf_bytes(procedure, language=language),
            "application/pdf",
        )
    )


__all__ = [
    "decision_letter_attach",
    "decision_letter_filename",
    "decision_letter_language",
    "decision_letter_pdf_bytes",
    "has_decision_letter",
]
