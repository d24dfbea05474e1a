from django.urls import path

from clusterlabel.organisations import registration_views, views

app_name = "organisations"

# The organisation's own page composes procedures, labels and benchmarks, which sit above this
# app: the project's URLconf adds it to this namespace from ``clusterlabel.portal.urls``.

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("new/", views.organisation_create, name="create"),
    path("register/", registration_views.register, name="register"),
    path("register/claim/<int:pk>/", registration_views.claim, name="claim"),
    path("pending/", registration_views.pending, name="pending"),
    path(
        "pending/<int:pk>/decide/",
        registration_views.decide_registration,
        name="decide_registration",
    ),
    path("claims/<int:pk>/decide/", registration_views.decide_claim, name="decide_claim"),
    path("<int:pk>/edit/", views.organisation_edit, name="edit"),
]
