from django.urls import path

from clusterlabel.portal import organisation_page, views

app_name = "portal"

urlpatterns = [
    path("", views.start, name="start"),
    path("demo/calendar/<int:pk>/", views.demo_calendar, name="demo_calendar"),
]

# Added to the ``organisations`` namespace by the project's URLconf.
organisation_urlpatterns = [
    path("<int:pk>/", organisation_page.organisation_detail, name="detail"),
]
