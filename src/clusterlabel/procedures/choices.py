"""Choice lists of the labelling procedure; values match ``clusterlabel.domain``."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProcedureState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPLIED = "applied", _("Application submitted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    CONTRACTED = "contracted", _("Contract concluded, self-assessment open")
    SELF_ASSESSMENT_SUBMITTED = "self_assessment_submitted", _("Self-assessment submitted")
    ASSESSORS_ASSIGNED = "assessors_assigned", _("Assessors assigned, assessment scheduled")
    ASSESSMENT_IN_PROGRESS = "assessment_in_progress", _("Assessment in progress")
    REPORT_SUBMITTED = "report_submitted", _("Assessment report submitted")
    BOARD_REVIEW = "board_review", _("Advisory board review")
    AWAITING_DECISION = "awaiting_decision", _("Awaiting the authority's decision")
    AWARDED = "awarded", _("Awarded")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Process(models.TextChoices):
    NEW = "new", _("First assessment")
    RENEWAL = "renewal", _("Renewal (re-certification)")


class AssessmentMode(models.TextChoices):
    ON_SITE = "on_site", _("On site")
    VIDEO = "video", _("By video")


class Decision(models.TextChoices):
    AWARD = "award", _("Awarded")
    REFUSE = "refuse", _("Refused")
