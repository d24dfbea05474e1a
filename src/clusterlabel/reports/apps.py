from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "clusterlabel.reports"
    verbose_name = _("Assessment reports and feedback")
