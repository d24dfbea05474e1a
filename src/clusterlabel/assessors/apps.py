from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessorsConfig(AppConfig):
    """The expert pool: each assessor's profile (languages, sectors, the countries they assess
    in), their qualifications per scheme and level, confirmed by the scheme's secretariat, and
    the conflicts of interest they declared once for every later procedure. Sits above
    organisations and below procedures: the panel reads it, it reads no procedure."""

    name = "clusterlabel.assessors"
    label = "assessors"
    verbose_name = _("Assessor pool")
