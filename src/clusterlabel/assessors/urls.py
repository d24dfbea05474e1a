from django.urls import path

from clusterlabel.assessors import views

app_name = "assessors"

urlpatterns = [
    path("profile/", views.profile_edit, name="profile"),
    path(
        "profile/qualifications/<int:pk>/remove/",
        views.qualification_remove,
        name="qualification_remove",
    ),
    path("profile/conflicts/<int:pk>/remove/", views.conflict_remove, name="conflict_remove"),
    path("pool/", views.pool_index, name="pool_index"),
    path("pool/<slug:scheme_id>/", views.pool, name="pool"),
    path(
        "qualifications/<int:pk>/confirm/",
        views.qualification_confirm,
        name="qualification_confirm",
    ),
]
