from django.urls import path

from clusterlabel.core import views

app_name = "core"

urlpatterns = [
    path("", views.start, name="start"),
]
