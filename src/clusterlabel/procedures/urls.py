from django.urls import path

from clusterlabel.procedures.views import (
    assessment,
    board,
    core,
    improvement,
    overdue,
    self_assessment,
)

app_name = "procedures"

urlpatterns = [
    path("", core.procedure_list_view, name="list"),
    path("overdue/", overdue.overdue_list, name="overdue"),
    path("new/<int:organisation_pk>/", core.procedure_create, name="create"),
    path("<int:pk>/", core.procedure_detail, name="detail"),
    path("<int:pk>/action/<slug:action>/", core.procedure_action, name="action"),
    path("<int:pk>/self-assessment/", self_assessment.self_assessment_edit, name="self_assessment"),
    path("<int:pk>/evidence/", self_assessment.evidence_upload, name="evidence_upload"),
    path(
        "<int:pk>/evidence/<int:evidence_pk>/",
        self_assessment.evidence_download,
        name="evidence_download",
    ),
    path("<int:pk>/panel/", assessment.panel_edit, name="panel"),
    path("<int:pk>/conflict/", assessment.conflict_declaration, name="conflict"),
    path("<int:pk>/scoring/", assessment.scoring, name="scoring"),
    path("<int:pk>/scoring/<str:indicator_id>/", assessment.score_save, name="score_save"),
    path(
        "<int:pk>/scoring/<str:indicator_id>/confirm/",
        assessment.score_confirm,
        name="score_confirm",
    ),
    path(
        "<int:pk>/scoring-confirm-matching/",
        assessment.scores_confirm_matching,
        name="scores_confirm_matching",
    ),
    path("<int:pk>/report/", assessment.report, name="report"),
    path("<int:pk>/improvement-areas/", improvement.improvement_areas, name="improvement_areas"),
    path(
        "<int:pk>/improvement-areas/<int:area_pk>/evidence/",
        improvement.improvement_evidence,
        name="improvement_evidence",
    ),
    path("<int:pk>/board-conflict/", board.board_conflict, name="board_conflict"),
    path("<int:pk>/vote/", board.vote, name="vote"),
    path("<int:pk>/decision/", board.decision, name="decision"),
]
