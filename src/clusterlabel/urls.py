"""URL configuration: language-independent paths; the language comes from the session/cookie."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, include, path
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from clusterlabel.core.health import health, healthz
from clusterlabel.organisations import urls as organisations_urls
from clusterlabel.portal import urls as portal_urls

# The back-office groups are derived from the grants (``access.services.user_flags_sync``), and
# second-factor devices are enrolled by their owner only (``accounts.second_factor``, audited):
# editing either by hand would be a way around them. Unregistered here, after every app's admin
# module has been loaded.
for model in (Group, StaticDevice, TOTPDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)

admin.site.site_header = _("clusterlabel back office")
admin.site.site_title = _("clusterlabel")
admin.site.index_title = _("Scheme operation")

urlpatterns: list[URLPattern | URLResolver] = [
    path("", include("clusterlabel.portal.urls")),
    path("schemes/", include("clusterlabel.schemes.urls")),
    path(
        "organisations/",
        include(
            (
                organisations_urls.urlpatterns + portal_urls.organisation_urlpatterns,
                organisations_urls.app_name,
            )
        ),
    ),
    path("procedures/", include("clusterlabel.procedures.urls")),
    path("scheduling/", include("clusterlabel.scheduling.urls")),
    path("assessors/", include("clusterlabel.assessors.urls")),
    path("", include("clusterlabel.reports.urls")),
    path("", include("clusterlabel.labels.urls")),
    path("benchmarks/", include("clusterlabel.benchmarks.urls")),
    path("invoices/", include("clusterlabel.invoices.urls")),
    path("programmes/", include("clusterlabel.programmes.urls")),
    path("privacy/", include("clusterlabel.privacy.urls")),
    path("webhooks/", include("clusterlabel.webhooks.urls")),
    path("accounts/", include("clusterlabel.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("healthz", healthz, name="healthz"),
    # The REST API: the public registry and the token endpoints, the OpenAPI document generated
    # from the code, the interactive page (Swagger UI from the installed package; its script is
    # a file, for script-src 'self').
    path("api/v1/", include("clusterlabel.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", template_name="api/swagger_ui.html"
        ),
        name="api_docs",
    ),
]

# A request too large to read gets the 400 page with that reason (core.errors).
handler400 = "clusterlabel.core.errors.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
