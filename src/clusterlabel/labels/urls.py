from django.urls import path

from clusterlabel.labels.cors import read_only_cors
from clusterlabel.labels.views import certificate, issuers, manage, public, registry

app_name = "labels"

urlpatterns = [
    path(".well-known/jwks.json", issuers.platform_jwks, name="jwks"),
    path("status/<slug:purpose>/", read_only_cors(public.status_list), name="status_list"),
    path("issuers/<slug:key>/", issuers.issuer_profile, name="issuer"),
    path("issuers/<slug:key>/jwks.json", issuers.issuer_jwks, name="issuer_jwks"),
    path("issuers/<slug:key>/keys/<str:thumbprint>", issuers.issuer_key, name="issuer_key"),
    path(
        "issuers/<slug:key>/status/<slug:purpose>/",
        issuers.issuer_status_list,
        name="issuer_status_list",
    ),
    path("verify/", certificate.verify_credential_form, name="verify_form"),
    path("verify/<str:number>/", public.verify, name="verify"),
    path(
        "labels/<str:number>/credential.jwt",
        read_only_cors(public.credential),
        name="credential",
    ),
    path("labels/<str:number>/certificate.pdf", certificate.certificate_pdf, name="certificate"),
    path("labels/<str:number>/badge.svg", certificate.badge_svg, name="badge"),
    path(
        "labels/<str:number>/badge-credential.svg",
        certificate.badge_baked,
        name="badge_baked",
    ),
    path("labels/<str:number>/manage/", manage.label_manage, name="manage"),
    path(
        "procedures/<int:pk>/decision-letter.pdf",
        certificate.decision_letter,
        name="decision_letter",
    ),
    path("registry/", registry.registry, name="registry"),
    path("registry/export.<slug:fmt>", registry.registry_export, name="registry_export"),
    path("registry/holders/<int:pk>/", public.holder, name="holder"),
    path("statistics/", registry.statistics, name="statistics"),
]
