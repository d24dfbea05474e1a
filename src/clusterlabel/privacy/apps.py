from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Data protection: the operators' privacy pages, a person's download of their data, their
    request to be erased and its execution, and the retention of evidence files. A top layer:
    it reads accounts, grants, procedures and the audit trail and is imported by none of them."""

    name = "clusterlabel.privacy"
    label = "privacy"
    verbose_name = _("Data protection")
