"""``/api/v1/``: the public, read-only registry API."""

from django.urls import path, re_path

from clusterlabel.labels.api import views

app_name = "api"

urlpatterns = [
    path("labels/", views.LabelListView.as_view(), name="labels"),
    path("labels/<str:number>/", views.LabelDetailView.as_view(), name="label"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
    re_path(r"^(?P<rest>.*)$", views.NotFoundView.as_view(), name="not_found"),
]
