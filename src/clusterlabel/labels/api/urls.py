"""The public, read-only registry endpoints of ``/api/v1/`` (``clusterlabel.api_urls`` puts
them together with the token endpoints)."""

from django.urls import path

from clusterlabel.labels.api import views

urlpatterns = [
    path("labels/", views.LabelListView.as_view(), name="labels"),
    path("labels/<str:number>/", views.LabelDetailView.as_view(), name="label"),
    path("organisations/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation"),
    path("statistics/", views.StatisticsView.as_view(), name="statistics"),
]
