"""The credential issuers' public documents: each awarding authority's OB 3.0 profile, its key
set and each of its keys (the ``kid`` of a credential is the URL of its key), its status lists,
and the platform-wide key set. All public and read-only, open to any origin (CORS)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import condition, require_GET

from clusterlabel.credentials.keys import KeyFileError
from clusterlabel.credentials.status_list import StatusPurpose
from clusterlabel.labels.certificates import credentials
from clusterlabel.labels.cors import read_only_cors
from clusterlabel.labels.models import StoredStatusList

#: Default of the setting ``STATUS_LIST_MAX_AGE``: how many seconds a verifier or proxy may use
#: an issuer's status list before revalidating it (with its ``ETag``: a 304 when unchanged).
#: Short, so a suspension reaches verifiers within a minute.
DEFAULT_STATUS_LIST_MAX_AGE = 60


def _issuer(key: str) -> credentials.Issuer:
    issuer = credentials.issuer_by_key(key)
    if issuer is None:
        raise Http404
    return issuer


@read_only_cors
@require_GET
@cache_control(public=True, max_age=300)
def platform_jwks(request: HttpRequest) -> JsonResponse:
    """Every key the platform publishes: the platform's own from before per-authority issuers
    (bare thumbprint kids; credentials issued then still verify) and every issuer's."""
    return JsonResponse(credentials.published_jwks())


@read_only_cors
@require_GET
@cache_control(public=True, max_age=300)
def issuer_profile(request: HttpRequest, key: str) -> JsonResponse:
    """The issuer's Open Badges 3.0 ``Profile``: what a credential's ``issuer.id`` resolves to."""
    profile = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        **_issuer(key).profile(),
    }
    return JsonResponse(profile, json_dumps_params={"ensure_ascii": False})


@read_only_cors
@require_GET
@cache_control(public=True, max_age=300)
def issuer_jwks(request: HttpRequest, key: str) -> JsonResponse:
    """The issuer's JWK Set: its active key and its retired ones (public halves only)."""
    return JsonResponse(credentials.issuer_keyring(_issuer(key)).public_jwks())


@read_only_cors
@require_GET
@cache_control(public=True, max_age=300)
def issuer_key(request: HttpRequest, key: str, thumbprint: str) -> JsonResponse:
    """One public key, as a JWK: where a credential's ``kid`` leads."""
    issuer = _issuer(key)
    wanted = issuer.kid_base + thumbprint
    for jwk in credentials.issuer_keyring(issuer).public_jwks()["keys"]:
        if jwk["kid"] == wanted:
            return JsonResponse(jwk, content_type="application/jwk+json")
    raise Http404


def _stored(request: HttpRequest, key: str, purpose: str) -> StoredStatusList:
    """The stored list, read once per request (the ETag, the date and the body all need it)."""
    stored = getattr(request, "_issuer_status_list", None)
    if stored is None:
        try:
            status_purpose = StatusPurpose(purpose)
        except ValueError as exc:
            raise Http404 from exc
        _issuer(key)
        try:
            stored = credentials.stored_status_list(status_purpose, key)
        except KeyFileError as exc:
            raise Http404 from exc
        setattr(request, "_issuer_status_list", stored)  # noqa: B010 - not an HttpRequest field
    return stored


def _etag(request: HttpRequest, key: str, purpose: str) -> str:
    # The signature differs for every signing: it names the list exactly.
    return _stored(request, key, purpose).token.rsplit(".", 1)[-1][:32]


def _signed_at(request: HttpRequest, key: str, purpose: str) -> datetime:
    return _stored(request, key, purpose).signed_at


@read_only_cors
@require_GET
@condition(etag_func=_etag, last_modified_func=_signed_at)
def issuer_status_list(request: HttpRequest, key: str, purpose: str) -> HttpResponse:
    """The issuer's signed revocation or suspension list (a VC-JWT), as stored when a label's
    state last changed. Caches may keep it ``STATUS_LIST_MAX_AGE`` seconds, then revalidate."""
    stored = _stored(request, key, purpose)
    response = HttpResponse(stored.token, content_type="application/vc+jwt")
    max_age = getattr(settings, "STATUS_LIST_MAX_AGE", DEFAULT_STATUS_LIST_MAX_AGE)
    response["Cache-Control"] = f"public, max-age={max_age}, must-revalidate"
    return response
