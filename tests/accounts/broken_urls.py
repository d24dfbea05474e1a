"""A URL configuration with one view that fails, for the server-error page test."""

from django.urls import path

from clusterlabel.labels.views import registry


def _fail(request):
    return registry.registry(request)


urlpatterns = [path("broken/", _fail)]
