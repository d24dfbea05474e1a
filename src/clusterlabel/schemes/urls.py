from django.urls import path

from clusterlabel.schemes import views

app_name = "schemes"

urlpatterns = [
    path("", views.scheme_list, name="list"),
    path("<slug:scheme_id>/<str:version>/", views.scheme_detail, name="detail"),
]
