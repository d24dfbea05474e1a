from django.urls import path

from clusterlabel.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.operator_list, name="operator_list"),
    path("my-data/", views.my_data, name="my_data"),
    path("erasure/", views.erasure_request, name="erasure_request"),
    path("<slug:slug>/", views.operator_detail, name="operator_detail"),
]
