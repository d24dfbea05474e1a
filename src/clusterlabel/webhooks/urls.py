from django.urls import path

from clusterlabel.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("", views.endpoint_list_page, name="list"),
    path("<int:pk>/", views.endpoint_detail_page, name="detail"),
    path("<int:pk>/deactivate/", views.endpoint_deactivate_view, name="deactivate"),
]
