"""A label's printable certificate (PDF) and embeddable badge (SVG), and checking a credential
that someone pasted or uploaded. All public: no login, no personal data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from clusterlabel.core.language import current_language
from clusterlabel.credentials.baking import bake_svg
from clusterlabel.credentials.vcjwt import SignatureOutcome, Verdict
from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.certificates.badge import badge_language, build_badge
from clusterlabel.labels.certificates.decision_letter import (
    decision_letter_filename,
    decision_letter_language,
    decision_letter_pdf_bytes,
    has_decision_letter,
)
from clusterlabel.labels.certificates.pdf import (
    certificate_filename,
    certificate_language,
    certificate_pdf_bytes,
)
from clusterlabel.labels.forms import CertificateNumberForm, CredentialCheckForm
from clusterlabel.labels.presenters.verification import check_page
from clusterlabel.labels.public_cache import public_page
from clusterlabel.labels.selectors import label_by_number, label_number_exists
from clusterlabel.procedures.views.common import load_procedure


def _language(request: HttpRequest) -> str:
    """``?lang=`` if given, else the request's language (from the cookie or the browser)."""
    return request.GET.get("lang") or current_language()


@require_GET
@never_cache  # the PDF shows today's status; a cached copy could hide a revocation
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """The label's certificate as an A4 PDF, German by default, English with ``?lang=en``.
    Anyone may download it; a label that is not valid today is marked as such on the page."""
    label = label_by_number(number)
    language = certificate_language(_language(request))
    response = HttpResponse(
        certificate_pdf_bytes(label, language=language), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{certificate_filename(label)}"'
    response["Content-Language"] = language
    return response


def _badge_query(request: HttpRequest) -> str:
    # The badge depends on the language it is drawn in, nothing else of the query; never the
    # raw parameter: ``?lang=`` with a line break draws (and shares) the default language.
    return badge_language(_language(request))


@require_GET
@public_page(query=_badge_query, shared=True)
def badge_svg(request: HttpRequest, number: str) -> HttpResponse:
    """The label's badge as SVG, for other sites to embed (hence CORS open to all).

    Browsers revalidate on every view (``no-cache`` with the ``ETag`` of ``public_page``, which
    changes with every label change), so a suspension or revocation shows at once, while an
    unchanged badge costs a 304 for one row read.
    """
    label = label_by_number(number)
    badge = build_badge(label, language=badge_language(_language(request)))
    response = HttpResponse(badge.svg, content_type="image/svg+xml; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    # Opened directly, the SVG is a document: it may not load or run anything.
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@require_GET
@never_cache  # signed now, with today's status behind it
def badge_baked(request: HttpRequest, number: str) -> HttpResponse:
    """The label's badge with its signed credential baked in (Open Badges 3.0, SVG): one file
    that shows the badge and that any verifier can check offline. A download for the holder,
    not an image to embed (that is ``badge.svg``, which changes with the status)."""
    label = label_by_number(number)
    badge = build_badge(label, language=badge_language(_language(request)))
    baked = bake_svg(badge.svg, credentials.signed_label_credential(label))
    response = HttpResponse(baked, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{label.certificate_number}.svg"'
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@login_required
@require_GET
@never_cache  # private: the procedure's decision, for those who may see the procedure
def decision_letter(request: HttpRequest, pk: int) -> HttpResponse:
    """The authority's decision letter on a decided procedure, as PDF, for whoever may see the
    procedure (``Activity.VIEW_PROCEDURE``; anyone else gets a 404, as on the procedure page),
    in ``?lang=`` or the organisation's language."""
    procedure = load_procedure(request, pk)
    if not has_decision_letter(procedure):
        raise Http404
    language = decision_letter_language(procedure, request.GET.get("lang"))
    response = HttpResponse(
        decision_letter_pdf_bytes(procedure, language=language), content_type="application/pdf"
    )
    filename = decision_letter_filename(procedure)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Language"] = language
    return response


# ------------------------------------------------------------------ credential check


@require_http_methods(["GET", "POST"])
def verify_credential_form(request: HttpRequest) -> HttpResponse:
    """Check a credential that was pasted or uploaded: each check, then the verdict and, for a
    genuine credential, what it states. Nothing is stored.

    A certificate number instead (``?number=`` from the form above it, as printed on a paper
    certificate) leads to its label's verification page; an unknown number gets this page back
    with status 404, the number as typed and an error that says no label has it."""
    if "number" in request.GET:
        number_form = CertificateNumberForm(request.GET)
        if number_form.is_valid():
            canonical = number_form.cleaned_data["canonical"]
            if label_number_exists(canonical):
                return redirect("labels:verify", number=canonical)
            number_form.number_unknown()
            status = 404
        else:
            status = 400
        context = check_page(CredentialCheckForm(), None)
        context["number_form"] = number_form
        return render(request, "labels/verify_form.html", context, status=status)
    try:
        data, files = request.POST, request.FILES
    except RequestDataTooBig:
        # Beyond DATA_UPLOAD_MAX_MEMORY_SIZE Django reads nothing; say why, with the form.
        form = CredentialCheckForm(data={})
        form.is_valid()
        form.errors.clear()
        form.add_error("token", _("The request is too large: a credential has at most 64 KiB."))
        context = check_page(form, None)
        context["number_form"] = CertificateNumberForm()
        return render(request, "labels/verify_form.html", context, status=400)
    form = CredentialCheckForm(data or None, files or None)
    report = None
    if request.method == "POST" and form.is_valid():
        report = credentials.verify_token(form.cleaned_data["credential"])
        if report.verdict is Verdict.MALFORMED and report.signature is SignatureOutcome.NOT_CHECKED:
            field = "file" if form.cleaned_data["source"] == "file" else "token"
            form.add_error(
                field,
                _(
                    "This is not a signed credential: a credential (VC-JWT) consists of three "
                    "parts separated by dots."
                ),
            )
    context = check_page(form, report)
    context["number_form"] = CertificateNumberForm()
    # Input that is not a credential (too large, not three parts, nested too deeply) is a bad
    # request, with the reason on the form; a genuine credential's verdict is a normal answer.
    return render(request, "labels/verify_form.html", context, status=400 if form.errors else 200)
