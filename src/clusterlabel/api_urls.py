"""``/api/v1/``: the public registry endpoints (no login) and those for a personal API token
(``clusterlabel.accounts.api_tokens``), under one namespace, ``api``. Any other path is a JSON
404. A top layer: it puts the apps' endpoints together and is imported by none of them."""

from django.urls import path, re_path

from clusterlabel.core.api_views import NotFoundView
from clusterlabel.labels.api import urls as registry
from clusterlabel.labels.api.imports import LabelImportView
from clusterlabel.procedures.api import ProcedureListView
from clusterlabel.programmes.api import ProgrammeListView, ProgrammeMembersView

app_name = "api"

urlpatterns = [
    *registry.urlpatterns,
    path("procedures/", ProcedureListView.as_view(), name="procedures"),
    path("label-imports/", LabelImportView.as_view(), name="label_imports"),
    path("programmes/", ProgrammeListView.as_view(), name="programmes"),
    path(
        "programmes/<slug:key>/members/",
        ProgrammeMembersView.as_view(),
        name="programme_members",
    ),
    re_path(r"^(?P<rest>[\s\S]*)$", NotFoundView.as_view(), name="not_found"),  # newlines too
]
