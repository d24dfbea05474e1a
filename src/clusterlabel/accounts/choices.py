"""The roles people hold (through grants, see ``clusterlabel.access``) and the languages they
read. The values match ``clusterlabel.domain.access.GrantRole`` (a test checks it)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CLUSTER_MANAGER = "cluster_manager", _("Cluster manager")
    SECRETARIAT = "secretariat", _("Secretariat")
    ASSESSOR = "assessor", _("Assessor")
    BOARD_MEMBER = "board_member", _("Advisory board member")
    AUTHORITY = "authority", _("Awarding authority")
    PROGRAMME = "programme", _("Programme")
    ADMINISTRATOR = "administrator", _("Administrator")


class Language(models.TextChoices):
    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
