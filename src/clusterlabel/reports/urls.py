from django.urls import path

from clusterlabel.reports import views

app_name = "reports"

urlpatterns = [
    path("procedures/<int:pk>/findings/", views.report_page, name="report"),
    path("procedures/<int:pk>/findings/pdf/", views.report_pdf, name="report_pdf"),
    path("procedures/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("feedback/", views.feedback_index, name="feedback_index"),
    path("feedback/<str:scheme_id>/", views.feedback_overview, name="feedback_summary"),
]
