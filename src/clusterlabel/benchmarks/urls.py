from django.urls import path

from clusterlabel.benchmarks import views

app_name = "benchmarks"

urlpatterns = [
    path("", views.benchmark_index, name="index"),
    path("<slug:pool_id>/", views.pool_overview_page, name="pool"),
    path(
        "<slug:pool_id>/organisations/<int:organisation_pk>/",
        views.organisation_report_page,
        name="report",
    ),
    path(
        "<slug:pool_id>/organisations/<int:organisation_pk>/report.pdf",
        views.organisation_report_pdf,
        name="report_pdf",
    ),
]
