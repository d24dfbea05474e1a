from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """The top layer: the start page, the navigation, the pages that compose several apps and
    the demo. It imports every app; no app imports it."""

    name = "clusterlabel.portal"
    label = "portal"
    verbose_name = _("clusterlabel")
