"""The site's URLs and one that fails, for the server error page's tests."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from clusterlabel.urls import urlpatterns as site_urlpatterns


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug in a view")


urlpatterns = [path("test-failure/", fail), *site_urlpatterns]
