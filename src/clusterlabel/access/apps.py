from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessConfig(AppConfig):
    name = "clusterlabel.access"
    verbose_name = _("Roles and grants")
    default_auto_field = "django.db.models.BigAutoField"
