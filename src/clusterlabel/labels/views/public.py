"""Public endpoints: the issuer's keys, the status lists, a label's credential, the
verification page and a holder's label history. No personal data is shown here."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from clusterlabel.credentials.status_list import StatusPurpose
from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.presenters.verification import verify_page
from clusterlabel.labels.selectors import label_by_number, labels_of_organisation
from clusterlabel.organisations.models import Organisation


@require_GET
@cache_control(public=True, max_age=300)
def jwks(request: HttpRequest) -> JsonResponse:
    """The issuer's public keys (active and retired), never a private member."""
    return JsonResponse(credentials.keyring().public_jwks())


@require_GET
@cache_control(public=True, max_age=60)
def status_list(request: HttpRequest, purpose: str) -> HttpResponse:
    """The signed revocation or suspension list (a VC-JWT)."""
    try:
        status_purpose = StatusPurpose(purpose)
    except ValueError as exc:
        raise Http404 from exc
    return HttpResponse(
        credentials.signed_status_list(status_purpose), content_type="application/jwt"
    )


@require_GET
def credential(request: HttpRequest, number: str) -> HttpResponse:
    """The label's signed Open Badges 3.0 credential, to download and check offline."""
    label = label_by_number(number)
    response = HttpResponse(
        credentials.signed_label_credential(label), content_type="application/jwt"
    )
    response["Content-Disposition"] = f'attachment; filename="{label.certificate_number}.jwt"'
    return response


@require_GET
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """What a QR code leads to: the label and, prominently, whether it is valid today."""
    label = label_by_number(number)
    return render(request, "labels/verify.html", verify_page(label))


@require_GET
def holder(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's public label history (only confirmed organisations that hold or held a
    label: a self-registered organisation is not public before the secretariat confirms it)."""
    organisation = get_object_or_404(Organisation, pk=pk, confirmed_at__isnull=False)
    labels = list(labels_of_organisation(organisation_id=organisation.pk))
    if not labels:
        raise Http404
    return render(request, "labels/holder.html", {"organisation": organisation, "labels": labels})
