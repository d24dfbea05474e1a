"""Public endpoints: the platform's status lists from before per-authority issuers (the
issuers' documents are in ``views.issuers``), a label's credential, the verification page and a
holder's label history. No personal data is shown here."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET

from clusterlabel.credentials.status_list import StatusPurpose
from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.models import StoredStatusList
from clusterlabel.labels.presenters.verification import verify_page
from clusterlabel.labels.public_cache import public_page
from clusterlabel.labels.selectors import (
    label_by_number,
    label_for_verification,
    labels_of_organisation,
)
from clusterlabel.organisations.models import Organisation


def _stored_status_list(request: HttpRequest, purpose: str) -> StoredStatusList:
    """The stored list, read once per request (the ETag, the date and the body all need it)."""
    stored = getattr(request, "_stored_status_list", None)
    if stored is None:
        try:
            status_purpose = StatusPurpose(purpose)
        except ValueError as exc:
            raise Http404 from exc
        stored = credentials.stored_status_list(status_purpose)
        setattr(request, "_stored_status_list", stored)  # noqa: B010 - not an HttpRequest field
    return stored


def _status_list_etag(request: HttpRequest, purpose: str) -> str:
    # The signature differs for every signing: it names the list exactly.
    return _stored_status_list(request, purpose).token.rsplit(".", 1)[-1][:32]


def _status_list_signed_at(request: HttpRequest, purpose: str) -> datetime:
    return _stored_status_list(request, purpose).signed_at


@require_GET
@cache_control(public=True, no_cache=True)
@condition(etag_func=_status_list_etag, last_modified_func=_status_list_signed_at)
def status_list(request: HttpRequest, purpose: str) -> HttpResponse:
    """The signed revocation or suspension list (a VC-JWT), as stored when a label's state last
    changed. Verifiers revalidate on every use (``no-cache``); an unchanged list costs a 304."""
    stored = _stored_status_list(request, purpose)
    return HttpResponse(stored.token, content_type="application/jwt")


@require_GET
@public_page(by_date=False, shared=True)
def credential(request: HttpRequest, number: str) -> HttpResponse:
    """The label's signed Open Badges 3.0 credential, to download and check offline."""
    label = label_by_number(number)
    response = HttpResponse(
        credentials.signed_label_credential(label), content_type="application/jwt"
    )
    response["Content-Disposition"] = f'attachment; filename="{label.certificate_number}.jwt"'
    return response


@require_GET
@public_page()
def verify(request: HttpRequest, number: str) -> HttpResponse:
    """What a QR code leads to: the label and, prominently, whether it is valid today."""
    label, recognitions = label_for_verification(number)
    return render(request, "labels/verify.html", verify_page(label, recognitions=recognitions))


@require_GET
@public_page()
def holder(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's public label history (only confirmed organisations that hold or held a
    label: a self-registered organisation is not public before the secretariat confirms it)."""
    organisation = get_object_or_404(Organisation, pk=pk, confirmed_at__isnull=False)
    labels = list(labels_of_organisation(organisation_id=organisation.pk))
    if not labels:
        raise Http404
    return render(request, "labels/holder.html", {"organisation": organisation, "labels": labels})
