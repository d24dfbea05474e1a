from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    """The programme view: a programme's members, their labels and procedures, and whether
    they meet the programme's rule. A top layer: it reads organisations, labels and
    procedures and is imported by none of them."""

    name = "clusterlabel.programmes"
    label = "programmes"
    verbose_name = _("Programmes")
