from django.urls import path

from clusterlabel.scheduling import views

app_name = "scheduling"

urlpatterns = [
    path("availability/", views.availability, name="availability"),
    path("availability/<int:pk>/delete/", views.availability_delete, name="availability_delete"),
    path("procedures/<int:pk>/", views.schedule, name="schedule"),
    path("procedures/<int:pk>/invitation.ics", views.invitation, name="invitation"),
]
