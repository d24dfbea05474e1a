"""The choices of the assessor profile."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterlabel.domain.panel_suggestion import QualificationKind


class QualificationKindChoices(models.TextChoices):
    """How an expert became qualified (the domain's ``QualificationKind``)."""

    TRAINING = QualificationKind.TRAINING.value, _("Training")
    LICENCE = QualificationKind.LICENCE.value, _("Licence")
