from django.urls import path

from clusterlabel.labels.views import certificate, manage, public, registry

app_name = "labels"

urlpatterns = [
    path(".well-known/jwks.json", public.jwks, name="jwks"),
    path("status/<slug:purpose>/", public.status_list, name="status_list"),
    path("verify/", certificate.verify_credential_form, name="verify_form"),
    path("verify/<str:number>/", public.verify, name="verify"),
    path("labels/<str:number>/credential.jwt", public.credential, name="credential"),
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
